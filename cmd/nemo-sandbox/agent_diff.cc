// What the agent says it changed: computed from the drafts before and after a run, never from
// what it meant to do, so a reply cannot claim a change the draft does not show.
#include <cmath>
#include <cstdio>

#include "agent.h"

namespace sandbox {

using nlohmann::json;

namespace {

const json* DiffTrack(const json& draft, int type, bool captions) {
  if (!draft.is_object() || !draft.contains("t") || !draft["t"].is_array()) return nullptr;
  for (const auto& t : draft["t"]) {
    if (!t.is_object() || t.value("tt", -1) != type) continue;
    bool is_captions = t.value("m", json::object()).value("name", "") == "Captions";
    if (is_captions == captions && !t.value("sg", json::array()).empty()) return &t;
  }
  return nullptr;
}

std::string DiffNumber(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

std::string DiffSeconds(int64_t ms) { return DiffNumber(std::round(ms / 100.0) / 10.0); }
std::string DiffPercent(double v) { return std::to_string(std::lround(v * 100)) + "%"; }

// The properties a viewer can see, by the names DiffDrafts reports.
json DraftProperties(const json& draft) {
  json m = draft.is_object() ? draft.value("m", json::object()) : json::object();
  json p = json::object();
  p["canvas"] =
      std::to_string(m.value("width", 1920)) + "x" + std::to_string(m.value("height", 1080));
  p["duration_ms"] = DraftDurationMs(draft);
  const json* title = DiffTrack(draft, 7, false);
  p["title"] = title ? (*title)["sg"][0].value("m", json::object()).value("title", "") : "";
  json captions = json::array();
  if (const json* t = DiffTrack(draft, 7, true)) {
    for (const auto& s : (*t)["sg"])
      captions.push_back(s.value("m", json::object()).value("text", ""));
  }
  p["captions"] = captions;
  const json* music = DiffTrack(draft, 1, false);
  p["music"] = music ? (*music).value("m", json::object()).value("name", "music") : "";
  p["music.volume"] = music
                          ? json((*music)["sg"][0].value("m", json::object()).value("volume", 0.35))
                          : json(nullptr);
  json video = json::array();
  if (const json* t = DiffTrack(draft, 0, false)) {
    for (const auto& s : (*t)["sg"])
      video.push_back(s.value("m", json::object()).value("desc", ""));
  }
  p["video"] = video;
  p["speed"] = m.value("speed", 1.0);
  p["brightness"] = m.value("brightness", 1.0);
  p["time_of_day"] = m.value("time_of_day", "");
  p["mood"] = m.value("mood", "");
  return p;
}

std::string JoinedNames(const json& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n.get<std::string>();
  return out;
}

std::string ChangeText(const std::string& what, const json& from, const json& to,
                       const std::string& document) {
  if (what == "canvas") return "canvas changed to " + to.get<std::string>();
  if (what == "duration_ms") return "duration changed to " + DiffSeconds(to.get<int64_t>()) + " s";
  if (what == "title") {
    return to == "" ? std::string("title removed")
                    : "title set to \"" + to.get<std::string>() + "\"";
  }
  if (what == "captions") {
    if (to.empty()) return "captions removed";
    std::string n = std::to_string(to.size()) + (to.size() == 1 ? " line" : " lines");
    return document.empty() ? "captions set (" + n + ")"
                            : "captions set from " + document + " (" + n + ")";
  }
  if (what == "music") {
    return to == "" ? std::string("music removed") : "music set to " + to.get<std::string>();
  }
  if (what == "music.volume") {
    return "music volume set to " + DiffPercent(to.get<double>()) + " (was " +
           DiffPercent(from.get<double>()) + ")";
  }
  if (what == "video") {
    return "video set to " + JoinedNames(to) + " (" + std::to_string(to.size()) +
           (to.size() == 1 ? " segment)" : " segments)");
  }
  if (what == "speed") {
    return "pace set to " + DiffNumber(to.get<double>()) + "x (was " +
           DiffNumber(from.get<double>()) + "x)";
  }
  if (what == "brightness") {
    return "brightness set to " + DiffNumber(to.get<double>()) + "x (was " +
           DiffNumber(from.get<double>()) + "x)";
  }
  if (what == "time_of_day") {
    return to == "" ? std::string("time of day cleared")
                    : "time of day set to " + to.get<std::string>();
  }
  return to == "" ? std::string("mood cleared") : "mood set to " + to.get<std::string>();
}

}  // namespace

json DiffDrafts(const json& before, const json& after, const std::string& document) {
  json a = DraftProperties(before), b = DraftProperties(after);
  json items = json::array();
  for (const char* what : {"canvas", "duration_ms", "video", "title", "captions", "music",
                           "music.volume", "speed", "brightness", "time_of_day", "mood"}) {
    const json& from = a[what];
    const json& to = b[what];
    if (from == to) continue;
    // Music that comes or goes is one change, said with its name; its volume is part of it.
    if (std::string(what) == "music.volume" && (from.is_null() || to.is_null())) continue;
    if (std::string(what) == "music" && from == "") {
      items.push_back({{"what", what},
                       {"from", from},
                       {"to", to},
                       {"text", "music set to " + to.get<std::string>() + " at " +
                                    DiffPercent(b["music.volume"].get<double>())}});
      continue;
    }
    items.push_back({{"what", what},
                     {"from", from},
                     {"to", to},
                     {"text", ChangeText(what, from, to, document)}});
  }
  return items;
}

}  // namespace sandbox
