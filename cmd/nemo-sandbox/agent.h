// The scripted agent's mind: what a message asks for (agent_grammar.cc), how the draft changes
// (agent.cc) and what changed (agent_diff.cc). Pure functions (no I/O, no clock), so the whole
// behaviour is visible in three files; run.cc adds the timing and the events.
//
// Relative edits change the draft by a fixed step, applied again by each message that asks
// ("quieter", then "quieter still"): music volume x0.5 (quieter) or x1.5 (louder), kept within
// 5%..100%; length x0.75 (shorter) or x1.25 (longer), within 1 s..600 s, to a tenth of a second;
// pace (draft m.speed, how fast the pictures move) x1.5 (faster) or /1.5 (slower), within
// 0.25..4; brightness (draft m.brightness) x1.25 (brighter) or x0.8 (darker), within 0.25..2.
// A time of day (night, dusk, dawn, day) goes to the draft's m.time_of_day, a mood said of the
// video ("a calm video", not "calm music") to m.mood: the renderer darkens or tints the pictures
// and paces them by them. nemo-sandbox(1) documents the same.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace sandbox {

inline constexpr double kQuieter = 0.5, kLouder = 1.5, kMinVolume = 0.05, kMaxVolume = 1.0;
inline constexpr double kShorter = 0.75, kLonger = 1.25;
inline constexpr double kFaster = 1.5, kSlower = 1 / 1.5, kMinSpeed = 0.25, kMaxSpeed = 4;
inline constexpr double kBrighter = 1.25, kDarker = 0.8, kMinBrightness = 0.25, kMaxBrightness = 2;

struct Intent {
  std::optional<int64_t> duration_ms;  // "10-second", "30s", "1 minute"
  std::optional<std::string> title;  // the first "…", '…', “…” or ‘…’ quote; else the document's
  std::vector<std::string> captions;  // from the documents' paragraphs after their first line
  std::string document;               // the first document's file name ("" if none)
  bool music = false;                 // music, BGM, soundtrack, song
  std::string mood;                   // "Upbeat", "Lo-fi", … ("" if none named)
  std::optional<double> volume;       // "20%" → 0.2
  bool remove_music = false, remove_title = false;
  std::optional<int> width, height;  // from 9:16 / vertical / square / 16:9 …
  std::string aspect;                // "9:16", "1:1", "16:9"
  bool use_uploads = false;          // "these", "my photos", "the clip", a file name
  bool uploads_named = false;        // by a media noun or a file name, not "these" alone
  std::vector<std::string> files;    // the upload file names named, in the message's order
  std::string upload_kind;           // "image" ("my photos"), "video" ("the clip") or "" (both)
  std::optional<double> volume_step, length_step, pace_step, brightness_step;  // see above
  std::string time_of_day;  // "night", "dusk", "dawn", "day" or ""
  std::string look_mood;    // the video's mood, lower-case ("calm"), when not the music's
  std::string subject;      // a short description: "city timelapse"
};

// A message may carry documents (nemo-send -f): the instruction around them says what to do
// (length, music, aspect), the documents what to show (title, captions). They come between
// "--- document: NAME ---" and "--- end of NAME ---" lines.
Intent ParseIntent(const std::string& message);
// Nothing says what to make ("make a video"): the agent asks instead of guessing.
bool SubjectOpen(const Intent& intent);

// The uploads (video_infos) a message refers to, in order: the named files in the message's
// order, else every image and clip of the kind it names, in upload order; with `fallback`,
// every image and clip when there is none of that kind ("my photos" of a session of clips).
nlohmann::json ReferencedUploads(const Intent& intent, const nlohmann::json& uploads,
                                 bool fallback);

// Stage one of a generation: the raw video track (and canvas, time of day, mood).
nlohmann::json RawVideoDraft(const Intent& intent, const nlohmann::json& uploads);
// Stage two: BGM, title and (from a document) captions tracks.
nlohmann::json PostProduce(nlohmann::json draft, const Intent& intent);
// An edit of an existing draft (`uploads` for a message that puts them on the video track).
nlohmann::json ApplyEdit(nlohmann::json draft, const Intent& intent, const nlohmann::json& uploads);

// What differs between two drafts, as the agent reports it: one item per changed property,
// {"what":"music.volume","from":0.35,"to":0.18,"text":"music volume set to 18% (was 35%)"}.
// Properties: canvas, duration_ms, title, captions, music, music.volume, video, speed,
// brightness, time_of_day, mood. Empty when nothing a viewer could see changed.
nlohmann::json DiffDrafts(const nlohmann::json& before, const nlohmann::json& after,
                          const std::string& document);

int64_t DraftDurationMs(const nlohmann::json& draft);  // the end of the last segment
// "Video: city timelapse (0-10s), BGM: Upbeat (0-10s, 35%), Title: "Urban Dreams" (0-3s)"
std::string DescribeDraft(const nlohmann::json& draft);

}  // namespace sandbox
