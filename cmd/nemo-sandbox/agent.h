// The scripted agent's mind: what a message asks for, and how the draft changes. Pure functions
// (no I/O, no clock), so the whole behaviour is visible in one file; run.cc adds the timing.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace sandbox {

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
  bool use_uploads = false;          // "my photos", "these clips", "the uploaded images"
  std::string subject;               // a short description: "city timelapse"
};

// A message may carry documents (nemo-send -f): the instruction around them says what to do
// (length, music, aspect), the documents what to show (title, captions). They come between
// "--- document: NAME ---" and "--- end of NAME ---" lines.
Intent ParseIntent(const std::string& message);

// Stage one of a generation: the raw video track (and canvas). `uploads` are video_infos.
nlohmann::json RawVideoDraft(const Intent& intent, const nlohmann::json& uploads);
// Stage two: BGM, title and (from a document) captions tracks.
nlohmann::json PostProduce(nlohmann::json draft, const Intent& intent);
// An edit of an existing draft; `changes` gets one phrase per change ("title set to \"X\"").
nlohmann::json ApplyEdit(nlohmann::json draft, const Intent& intent,
                         std::vector<std::string>* changes);

int64_t DraftDurationMs(const nlohmann::json& draft);  // the end of the last segment
// "Video: city timelapse (0-10s), BGM: Upbeat (0-10s, 35%), Title: "Urban Dreams" (0-3s)"
std::string DescribeDraft(const nlohmann::json& draft);

}  // namespace sandbox
