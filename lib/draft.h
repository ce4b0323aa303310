// The session's draft (the timeline the export renders): readiness, the one-line track summary
// the skills show, and what changed between two drafts (for silent completions). The real
// service's drafts are only partly known, so every function accepts any JSON and never throws.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace nemo {

// The draft as an object: a JSON string holding a draft is parsed, a state object holding a
// "draft" is unwrapped, anything else that is not an object becomes {}.
nlohmann::json NormalizeDraft(const nlohmann::json& draft_or_string);

// Ready for export: draft.t exists and at least one track has a segment.
bool DraftReady(const nlohmann::json& draft);

// Times beyond this (about 31,700 years in ms) are garbage; capping keeps arithmetic finite.
inline constexpr double kMaxDraftMs = 1e15;

// The metadata object `m` of a track or segment (an empty object when there is none).
const nlohmann::json& DraftMeta(const nlohmann::json& object);

// `Timeline (3 tracks): 1. Video: city timelapse (0-10s) 2. BGM: Lo-fi (0-10s, 35%) 3. Title:
// "Urban Dreams" (0-3s)`, or `Timeline is empty`.
std::string TrackSummary(const nlohmann::json& draft);

// {"items":[{"change":"added"|"removed"|"altered","track","detail","text"}…],"sentence"}.
// Tracks are matched by id, then by type and order; the canvas size is compared too.
nlohmann::json DraftChanges(const nlohmann::json& before, const nlohmann::json& after);

}  // namespace nemo
