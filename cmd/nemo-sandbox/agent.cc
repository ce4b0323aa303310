// How the scripted agent changes a draft: a generation in two stages and edits, from an Intent
// (agent_grammar.cc reads it from the message).
#include <algorithm>
#include <cmath>

#include "agent.h"
#include "util.h"

namespace sandbox {

using nlohmann::json;

namespace {

constexpr int64_t kDefaultDurationMs = 10000;
constexpr int64_t kTitleMs = 3000;
constexpr double kDefaultVolume = 0.35;
constexpr int64_t kCaptionMinMs = 2000;        // a caption shorter than this cannot be read
constexpr const char* kCaptions = "Captions";  // the name of the text track captions go on

std::string TitleCase(const std::string& words) {
  std::string out = words;
  bool start = true;
  for (char& c : out) {
    if (start && c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    start = c == ' ';
  }
  return out;
}

bool IsCaptions(const json& track) {
  return track.value("tt", -1) == 7 &&
         track.value("m", json::object()).value("name", "") == kCaptions;
}

int NextNumber(const json& draft, const std::string& prefix) {
  int max = 0;
  auto see = [&](const json& obj) {
    std::string id = obj.value("id", "");
    if (id.rfind(prefix, 0) == 0) {
      try {
        max = std::max(max, std::stoi(id.substr(prefix.size())));
      } catch (...) {
      }
    }
  };
  for (const auto& t : draft.value("t", json::array())) {
    see(t);
    for (const auto& s : t.value("sg", json::array())) see(s);
  }
  return max + 1;
}

// Numbers segments and tracks (seg_1, seg_2, …) in one pass over a draft being built.
void Renumber(json& draft) {
  int trk = 0, seg = 0;
  for (auto& t : draft["t"]) {
    t["id"] = "trk_" + std::to_string(++trk);
    for (auto& s : t["sg"]) s["id"] = "seg_" + std::to_string(++seg);
  }
}

// Captions share the title's track type but are a track of their own: removing or finding "the
// title" leaves them alone.
void RemoveTracks(json& draft, int type) {
  json kept = json::array();
  for (const auto& t : draft["t"]) {
    if (t.value("tt", -1) != type || IsCaptions(t)) kept.push_back(t);
  }
  draft["t"] = kept;
}

json* FindTrack(json& draft, int type) {
  for (auto& t : draft["t"]) {
    if (t.value("tt", -1) == type && !IsCaptions(t)) return &t;
  }
  return nullptr;
}

json* FindCaptions(json& draft) {
  for (auto& t : draft["t"]) {
    if (IsCaptions(t)) return &t;
  }
  return nullptr;
}

// Adds a track, or replaces the segments of the existing one, keeping its id.
void PutTrack(json& draft, int type, const std::string& name, json segments) {
  json* t = name == kCaptions ? FindCaptions(draft) : FindTrack(draft, type);
  if (!t) {
    draft["t"].push_back({{"id", "trk_" + std::to_string(NextNumber(draft, "trk_"))},
                          {"tt", type},
                          {"m", {{"name", name}}},
                          {"sg", json::array()}});
    t = &draft["t"].back();
  }
  (*t)["m"]["name"] = name;
  // The same number of segments keeps their ids: a volume change is a change of the segment,
  // not a new one (a client's diff would say "segments changed").
  const json& old = (*t)["sg"];
  int n = NextNumber(draft, "seg_");
  for (size_t i = 0; i < segments.size(); ++i) {
    bool keep = old.is_array() && old.size() == segments.size() && old[i].contains("id");
    segments[i]["id"] = keep ? old[i]["id"] : json("seg_" + std::to_string(n++));
  }
  (*t)["sg"] = segments;
}

// x * step, kept within [lo, hi] and rounded to two decimals, halves up (0.35 * 0.5 = 0.18: the
// epsilon keeps 17.4999999 from binary fractions on the half it means).
double Step(double x, double step, double lo, double hi) {
  return std::clamp(std::round(x * step * 100 + 1e-9) / 100, lo, hi);
}

std::string Seconds(int64_t ms) {
  char buf[32];
  if (ms % 1000 == 0) {
    std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(ms / 1000));
  } else {
    std::snprintf(buf, sizeof buf, "%.1f", ms / 1000.0);
  }
  return buf;
}

int Percent(double volume) { return static_cast<int>(std::lround(volume * 100)); }

void SetMusic(json& draft, const Intent& intent) {
  json* old = FindTrack(draft, 1);
  std::string name = intent.mood;
  double volume = kDefaultVolume;
  if (old && !(*old)["sg"].empty()) {
    if (name.empty()) name = (*old)["m"].value("name", "");
    volume = (*old)["sg"][0]["m"].value("volume", kDefaultVolume);
  }
  if (name.empty()) name = "Upbeat";
  if (intent.volume) {
    volume = *intent.volume;
  } else if (intent.volume_step) {
    volume = Step(volume, *intent.volume_step, kMinVolume, kMaxVolume);
  }
  int64_t total = std::max<int64_t>(DraftDurationMs(draft), 1000);
  PutTrack(draft, 1, name,
           json::array({{{"st", 0}, {"d", total}, {"m", {{"name", name}, {"volume", volume}}}}}));
}

void SetTitle(json& draft, const std::string& title) {
  int64_t total = std::max<int64_t>(DraftDurationMs(draft), 1000);
  PutTrack(draft, 7, "Title",
           json::array({{{"st", 0}, {"d", std::min(kTitleMs, total)}, {"m", {{"title", title}}}}}));
  draft["m"]["title"] = title;
  // The renderer draws the first text track: the title goes before the captions.
  auto& tracks = draft["t"];
  auto title_at = std::find_if(tracks.begin(), tracks.end(), [](const json& t) {
    return t.value("tt", -1) == 7 && !IsCaptions(t);
  });
  auto captions_at = std::find_if(tracks.begin(), tracks.end(), IsCaptions);
  if (title_at != tracks.end() && captions_at < title_at) {
    std::rotate(captions_at, title_at, title_at + 1);
  }
}

// The captions follow the title, each on screen for an equal share of the rest of the video;
// as many as fit at kCaptionMinMs each. Returns how many were placed.
size_t SetCaptions(json& draft, const std::vector<std::string>& captions) {
  int64_t total = DraftDurationMs(draft);
  int64_t start = FindTrack(draft, 7) ? std::min(kTitleMs, total) : 0;
  size_t n = std::min(captions.size(),
                      static_cast<size_t>(std::max<int64_t>(0, total - start) / kCaptionMinMs));
  if (n == 0) return 0;
  json segments = json::array();
  for (size_t i = 0; i < n; ++i) {
    int64_t st = start + (total - start) * static_cast<int64_t>(i) / static_cast<int64_t>(n);
    int64_t end = start + (total - start) * static_cast<int64_t>(i + 1) / static_cast<int64_t>(n);
    segments.push_back({{"st", st}, {"d", end - st}, {"m", {{"text", captions[i]}}}});
  }
  PutTrack(draft, 7, kCaptions, segments);
  return n;
}

void Rescale(json& draft, int64_t new_total) {
  int64_t old_total = DraftDurationMs(draft);
  if (old_total <= 0) return;
  double f = static_cast<double>(new_total) / old_total;
  for (auto& t : draft["t"]) {
    bool title = t.value("tt", -1) == 7 && !IsCaptions(t);
    for (auto& s : t["sg"]) {
      int64_t st = s.value("st", int64_t{0});
      int64_t end = st + s.value("d", int64_t{0});
      if (title) {  // a title keeps its length, within the new end
        st = std::min(st, new_total);
        end = std::min(end, new_total);
      } else {
        st = std::llround(st * f);
        end = std::llround(end * f);
      }
      s["st"] = st;
      s["d"] = end - st;
    }
  }
}

}  // namespace

json ReferencedUploads(const Intent& intent, const json& uploads, bool fallback) {
  json visual = json::array();
  if (!intent.use_uploads || !uploads.is_array()) return visual;
  auto is_visual = [](const json& u) {
    std::string type = u.value("file_type", "");
    return type == "image" || type == "video";
  };
  for (const auto& name : intent.files) {  // named: in the message's order
    for (const auto& u : uploads) {
      if (is_visual(u) && Lower(u.value("filename", "")) == Lower(name)) {
        visual.push_back(u);
        break;
      }
    }
  }
  if (!visual.empty()) return visual;
  for (const auto& u : uploads) {  // "my photos": the images, in upload order
    if (is_visual(u) &&
        (intent.upload_kind.empty() || u.value("file_type", "") == intent.upload_kind)) {
      visual.push_back(u);
    }
  }
  if (visual.empty() && !intent.upload_kind.empty() && fallback) {  // "my photos" of clips
    for (const auto& u : uploads) {
      if (is_visual(u)) visual.push_back(u);
    }
  }
  return visual;
}

namespace {

// The video track's segments, from 0 to `total`: the uploads in order, or colour cards.
json VideoSegments(const Intent& intent, const json& visual, int64_t total) {
  static const char* kPalette[] = {"#336699", "#993366", "#669933", "#cc8833",
                                   "#339999", "#996633", "#663399", "#999933"};
  std::string desc = intent.subject.empty() ? "your video" : intent.subject;
  json segments = json::array();
  size_t n = visual.empty()
                 ? static_cast<size_t>(std::max<int64_t>(1, std::llround(total / 5000.0)))
                 : visual.size();
  for (size_t i = 0; i < n; ++i) {
    int64_t st = total * static_cast<int64_t>(i) / static_cast<int64_t>(n);
    int64_t end = total * static_cast<int64_t>(i + 1) / static_cast<int64_t>(n);
    json meta;
    if (visual.empty()) {
      meta = {{"desc", desc}, {"color", kPalette[i % 8]}};
    } else {
      const json& u = visual[i];
      meta = {{"desc", u.value("filename", "upload")},
              {"src", u.value("cdn_url", "")},
              {"media", u.value("file_type", "image")}};
      if (u.contains("path")) meta["file"] = u["path"];
    }
    segments.push_back({{"st", st}, {"d", end - st}, {"m", meta}});
  }
  return segments;
}

// The look the words asked for: time of day, mood, and the relative steps of pace and
// brightness (left out of the draft at their defaults, so a plain draft stays as it was).
void SetLook(json& m, const Intent& intent) {
  if (!intent.time_of_day.empty()) m["time_of_day"] = intent.time_of_day;
  if (!intent.look_mood.empty()) m["mood"] = intent.look_mood;
  auto step = [&](const char* key, const std::optional<double>& by, double lo, double hi) {
    if (!by) return;
    double v = Step(m.value(key, 1.0), *by, lo, hi);
    if (v == 1.0) {
      m.erase(key);
    } else {
      m[key] = v;
    }
  };
  step("speed", intent.pace_step, kMinSpeed, kMaxSpeed);
  step("brightness", intent.brightness_step, kMinBrightness, kMaxBrightness);
}

}  // namespace

json RawVideoDraft(const Intent& intent, const json& uploads) {
  int64_t total = intent.duration_ms.value_or(kDefaultDurationMs);
  json segments = VideoSegments(intent, ReferencedUploads(intent, uploads, true), total);
  json draft = {
      {"t", json::array({{{"tt", 0}, {"m", {{"name", "Video"}}}, {"sg", segments}}})},
      {"m", {{"width", intent.width.value_or(1920)}, {"height", intent.height.value_or(1080)}}}};
  SetLook(draft["m"], intent);
  Renumber(draft);
  return draft;
}

json PostProduce(json draft, const Intent& intent) {
  if (!intent.remove_music) SetMusic(draft, intent);
  if (!intent.remove_title) {
    std::string fallback = intent.subject.empty() ? "My Video" : TitleCase(intent.subject);
    SetTitle(draft, intent.title.value_or(fallback));
  }
  if (!intent.captions.empty()) SetCaptions(draft, intent.captions);
  return draft;
}

json ApplyEdit(json draft, const Intent& intent, const json& uploads) {
  if (!draft.contains("t")) draft["t"] = json::array();
  if (!draft.contains("m")) draft["m"] = {{"width", 1920}, {"height", 1080}};
  if (intent.width) {
    draft["m"]["width"] = *intent.width;
    draft["m"]["height"] = *intent.height;
  }
  int64_t total = DraftDurationMs(draft);
  if (intent.duration_ms) {
    Rescale(draft, *intent.duration_ms);
  } else if (intent.length_step && total > 0) {
    double seconds =
        std::clamp(std::round(total * *intent.length_step / 100.0 + 1e-9) / 10.0, 1.0, 600.0);
    Rescale(draft, static_cast<int64_t>(std::llround(seconds * 1000)));
  }
  // "use my photos", "put a.png and b.png in": the uploads replace the video track. "these"
  // alone in an edit ("make these brighter") is not enough to throw the pictures away.
  if (intent.uploads_named) {
    json visual = ReferencedUploads(intent, uploads, false);
    if (!visual.empty()) {
      json* video = FindTrack(draft, 0);
      json segments =
          VideoSegments(intent, visual, std::max<int64_t>(DraftDurationMs(draft), 1000));
      if (video) {
        (*video)["sg"] = segments;
        int n = NextNumber(draft, "seg_");
        for (auto& seg : (*video)["sg"]) seg["id"] = "seg_" + std::to_string(n++);
      } else {
        PutTrack(draft, 0, "Video", segments);
      }
    }
  }
  if (intent.remove_title && FindTrack(draft, 7)) {
    RemoveTracks(draft, 7);
    draft["m"].erase("title");
  } else if (intent.title && !intent.remove_title) {
    SetTitle(draft, *intent.title);
  }
  if (!intent.captions.empty()) SetCaptions(draft, intent.captions);
  if (intent.remove_music) {
    RemoveTracks(draft, 1);
  } else if (intent.music || (intent.volume_step && FindTrack(draft, 1))) {
    SetMusic(draft, intent);
  }
  SetLook(draft["m"], intent);
  return draft;
}

int64_t DraftDurationMs(const json& draft) {
  int64_t end = 0;
  if (!draft.is_object() || !draft.contains("t") || !draft["t"].is_array()) return 0;
  for (const auto& t : draft["t"]) {
    if (!t.is_object() || !t.contains("sg") || !t["sg"].is_array()) continue;
    for (const auto& s : t["sg"]) {
      if (!s.is_object()) continue;
      int64_t st = s.value("st", int64_t{0});
      int64_t d = s.value("d", int64_t{0});
      end = std::max(end, st + d);
    }
  }
  return end;
}

std::string DescribeDraft(const json& draft) {
  std::string out;
  for (const auto& t : draft.value("t", json::array())) {
    const json& sg = t.value("sg", json::array());
    if (sg.empty()) continue;
    int64_t st = sg.front().value("st", int64_t{0});
    int64_t end = sg.back().value("st", int64_t{0}) + sg.back().value("d", int64_t{0});
    std::string range = Seconds(st) + "-" + Seconds(end) + "s";
    std::string item;
    switch (t.value("tt", -1)) {
      case 0: {
        std::vector<std::string> descs;
        for (const auto& s : sg) {
          std::string d = s["m"].value("desc", "clip");
          if (std::find(descs.begin(), descs.end(), d) == descs.end()) descs.push_back(d);
        }
        std::string joined;
        for (const auto& d : descs) joined += (joined.empty() ? "" : ", ") + d;
        item = "Video: " + joined + " (" + range + ")";
        break;
      }
      case 1:
        item = "BGM: " + t["m"].value("name", "music") + " (" + range + ", " +
               std::to_string(Percent(sg[0]["m"].value("volume", kDefaultVolume))) + "%)";
        break;
      case 7:
        if (IsCaptions(t)) {
          item = "Captions: " + std::to_string(sg.size()) + (sg.size() == 1 ? " line" : " lines") +
                 " (" + range + ")";
        } else {
          item = "Title: \"" + sg[0]["m"].value("title", "") + "\" (" + range + ")";
        }
        break;
      default:
        continue;
    }
    out += (out.empty() ? "" : ", ") + item;
  }
  return out;
}

}  // namespace sandbox
