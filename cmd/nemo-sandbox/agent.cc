#include "agent.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <regex>
#include <set>

#include "util.h"

namespace sandbox {

using nlohmann::json;

namespace {

constexpr int64_t kDefaultDurationMs = 10000;
constexpr int64_t kTitleMs = 3000;
constexpr double kDefaultVolume = 0.35;

bool Has(const std::string& text, const char* pattern) {
  return std::regex_search(text, std::regex(pattern));
}

std::optional<int64_t> ParseDurationMs(const std::string& lower) {
  static const std::regex kSeconds(R"((\d+(?:\.\d+)?)\s*-?\s*(seconds?|secs?|s)\b)");
  static const std::regex kMinutes(R"((\d+(?:\.\d+)?)\s*-?\s*(minutes?|mins?)\b)");
  static const std::regex kWords(
      R"(\b(a|one|two|three|five|ten|fifteen|twenty|thirty|forty|fifty|sixty)\s*-?\s*(seconds?|minutes?)\b)");
  static const std::map<std::string, double> kNumbers = {
      {"a", 1},        {"one", 1},     {"two", 2},     {"three", 3},  {"five", 5},   {"ten", 10},
      {"fifteen", 15}, {"twenty", 20}, {"thirty", 30}, {"forty", 40}, {"fifty", 50}, {"sixty", 60}};
  std::smatch m;
  double seconds = 0;
  if (std::regex_search(lower, m, kMinutes)) {
    seconds = std::stod(m[1]) * 60;
  } else if (std::regex_search(lower, m, kSeconds)) {
    seconds = std::stod(m[1]);
  } else if (std::regex_search(lower, m, kWords)) {
    seconds = kNumbers.at(m[1]) * (m[2].str().rfind("minute", 0) == 0 ? 60 : 1);
  } else {
    return std::nullopt;
  }
  seconds = std::clamp(seconds, 1.0, 600.0);
  return static_cast<int64_t>(std::llround(seconds * 1000));
}

std::string TitleCase(const std::string& words) {
  std::string out = words;
  bool start = true;
  for (char& c : out) {
    if (start && c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    start = c == ' ';
  }
  return out;
}

// The topic of a request, e.g. "a 10-second city timelapse with upbeat music" → "city timelapse".
std::string Subject(const std::string& lower) {
  static const std::set<std::string> kFiller = {
      "a",      "an",       "the",      "make",    "create",    "generate",   "produce", "me",
      "please", "i",        "want",     "need",    "video",     "clip",       "short",   "quick",
      "about",  "of",       "on",       "showing", "can",       "you",        "could",   "would",
      "like",   "vertical", "portrait", "square",  "landscape", "horizontal", "second",  "seconds",
      "minute", "minutes",  "long",     "new",     "build",     "render",     "my"};
  static const std::set<std::string> kStop = {"with", "and",  "for",  "in",    "using",     "set",
                                              "to",   "from", "that", "which", "featuring", "plus",
                                              "at",   "into", "over", "where", "but"};
  static const std::regex kWord(R"([a-z0-9][a-z0-9'\-]*|,)");
  static const std::regex kDurationWord(
      R"(^\d+(\.\d+)?(-?(s|sec|secs|second|seconds|min|minute|minutes))?$)");
  std::string text = std::regex_replace(lower, std::regex(R"("[^"]*"|“[^”]*”)"), " ");
  std::vector<std::string> picked;
  bool leading = true;
  for (auto it = std::sregex_iterator(text.begin(), text.end(), kWord);
       it != std::sregex_iterator(); ++it) {
    std::string w = it->str();
    bool skip = std::regex_match(w, kDurationWord) || w == "9:16";
    if (leading && (skip || kFiller.count(w) || w == ",")) continue;
    leading = false;
    if (kStop.count(w) || w == ",") break;
    if (skip) continue;
    picked.push_back(w);
    if (picked.size() == 4) break;
  }
  std::string out;
  for (const auto& w : picked) out += (out.empty() ? "" : " ") + w;
  return out;
}

std::string Mood(const std::string& lower) {
  static const std::vector<std::pair<const char*, const char*>> kMoods = {
      {R"(\blo-?\s?fi\b)", "Lo-fi"},
      {R"(\bupbeat\b)", "Upbeat"},
      {R"(\bcalm\b)", "Calm"},
      {R"(\bchill\b)", "Chill"},
      {R"(\bepic\b)", "Epic"},
      {R"(\bhappy\b)", "Happy"},
      {R"(\bsad\b)", "Sad"},
      {R"(\bdramatic\b)", "Dramatic"},
      {R"(\bjazz(y)?\b)", "Jazz"},
      {R"(\bambient\b)", "Ambient"},
      {R"(\benergetic\b)", "Energetic"},
      {R"(\brelax(ing|ed)?\b)", "Relaxing"},
      {R"(\bcinematic\b)", "Cinematic"},
      {R"(\bcorporate\b)", "Corporate"},
      {R"(\bacoustic\b)", "Acoustic"},
      {R"(\bpiano\b)", "Piano"},
      {R"(\brock\b)", "Rock"},
      {R"(\belectronic\b)", "Electronic"}};
  for (const auto& [re, name] : kMoods) {
    if (Has(lower, re)) return name;
  }
  return "";
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

void RemoveTracks(json& draft, int type) {
  json kept = json::array();
  for (const auto& t : draft["t"]) {
    if (t.value("tt", -1) != type) kept.push_back(t);
  }
  draft["t"] = kept;
}

json* FindTrack(json& draft, int type) {
  for (auto& t : draft["t"]) {
    if (t.value("tt", -1) == type) return &t;
  }
  return nullptr;
}

// Adds a track, or replaces the segments of the existing one, keeping its id.
void PutTrack(json& draft, int type, const std::string& name, json segments) {
  json* t = FindTrack(draft, type);
  if (!t) {
    draft["t"].push_back({{"id", "trk_" + std::to_string(NextNumber(draft, "trk_"))},
                          {"tt", type},
                          {"m", {{"name", name}}},
                          {"sg", json::array()}});
    t = &draft["t"].back();
  }
  (*t)["m"]["name"] = name;
  int n = NextNumber(draft, "seg_");
  for (auto& s : segments) s["id"] = "seg_" + std::to_string(n++);
  (*t)["sg"] = segments;
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

void SetMusic(json& draft, const Intent& intent, std::vector<std::string>* changes) {
  json* old = FindTrack(draft, 1);
  std::string name = intent.mood;
  double volume = kDefaultVolume;
  if (old && !(*old)["sg"].empty()) {
    if (name.empty()) name = (*old)["m"].value("name", "");
    volume = (*old)["sg"][0]["m"].value("volume", kDefaultVolume);
  }
  if (name.empty()) name = "Upbeat";
  if (intent.volume) volume = *intent.volume;
  int64_t total = std::max<int64_t>(DraftDurationMs(draft), 1000);
  PutTrack(draft, 1, name,
           json::array({{{"st", 0}, {"d", total}, {"m", {{"name", name}, {"volume", volume}}}}}));
  if (changes) {
    changes->push_back("music set to " + name + " at " + std::to_string(Percent(volume)) + "%");
  }
}

void SetTitle(json& draft, const std::string& title) {
  int64_t total = std::max<int64_t>(DraftDurationMs(draft), 1000);
  PutTrack(draft, 7, "Title",
           json::array({{{"st", 0}, {"d", std::min(kTitleMs, total)}, {"m", {{"title", title}}}}}));
  draft["m"]["title"] = title;
}

void Rescale(json& draft, int64_t new_total) {
  int64_t old_total = DraftDurationMs(draft);
  if (old_total <= 0) return;
  double f = static_cast<double>(new_total) / old_total;
  for (auto& t : draft["t"]) {
    bool title = t.value("tt", -1) == 7;
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

Intent ParseIntent(const std::string& message) {
  Intent in;
  std::string lower = Lower(message);
  in.duration_ms = ParseDurationMs(lower);
  std::smatch m;
  if (std::regex_search(message, m, std::regex(R"("([^"]+)\"|“([^”]+)”)"))) {
    in.title = m[1].matched ? m[1].str() : m[2].str();
  }
  in.remove_title = Has(
      lower,
      R"(\b(remove|delete|drop)\s+(the\s+)?title\b|\bno\s+title\b|\bwithout\s+(a\s+|the\s+)?title\b)");
  in.remove_music = Has(
      lower,
      R"(\b(remove|delete|drop|mute)\s+(the\s+)?(background\s+)?(music|bgm|soundtrack)\b|\bno\s+(music|bgm|soundtrack)\b|\bwithout\s+(any\s+|the\s+)?(music|bgm|soundtrack)\b)");
  in.music = !in.remove_music && Has(lower, R"(\b(music|bgm|soundtrack|song|tune)\b)");
  in.mood = Mood(lower);
  if (std::regex_search(lower, m, std::regex(R"((\d{1,3})\s*%)"))) {
    int pct = std::stoi(m[1]);
    if (pct <= 100) in.volume = pct / 100.0;
  }
  if (Has(lower, R"(\b9\s*:\s*16\b|\bvertical\b|\bportrait\b)")) {
    in.width = 1080, in.height = 1920, in.aspect = "9:16";
  } else if (Has(lower, R"(\b1\s*:\s*1\b|\bsquare\b)")) {
    in.width = 1080, in.height = 1080, in.aspect = "1:1";
  } else if (Has(lower, R"(\b16\s*:\s*9\b|\blandscape\b|\bhorizontal\b|\bwidescreen\b)")) {
    in.width = 1920, in.height = 1080, in.aspect = "16:9";
  }
  in.use_uploads = Has(
      lower,
      R"(\b(uploaded|these|those|my)\b.*\b(images?|photos?|pictures?|pics?|clips?|videos?|footage)\b)");
  in.subject = Subject(lower);
  return in;
}

json RawVideoDraft(const Intent& intent, const json& uploads) {
  static const char* kPalette[] = {"#336699", "#993366", "#669933", "#cc8833",
                                   "#339999", "#996633", "#663399", "#999933"};
  int64_t total = intent.duration_ms.value_or(kDefaultDurationMs);
  json visual = json::array();
  if (intent.use_uploads) {
    for (const auto& u : uploads) {
      std::string type = u.value("file_type", "");
      if (type == "image" || type == "video") visual.push_back(u);
    }
  }
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
  json draft = {
      {"t", json::array({{{"tt", 0}, {"m", {{"name", "Video"}}}, {"sg", segments}}})},
      {"m", {{"width", intent.width.value_or(1920)}, {"height", intent.height.value_or(1080)}}}};
  Renumber(draft);
  return draft;
}

json PostProduce(json draft, const Intent& intent) {
  if (!intent.remove_music) SetMusic(draft, intent, nullptr);
  if (!intent.remove_title) {
    std::string fallback = intent.subject.empty() ? "My Video" : TitleCase(intent.subject);
    SetTitle(draft, intent.title.value_or(fallback));
  }
  return draft;
}

json ApplyEdit(json draft, const Intent& intent, std::vector<std::string>* changes) {
  if (!draft.contains("t")) draft["t"] = json::array();
  if (!draft.contains("m")) draft["m"] = {{"width", 1920}, {"height", 1080}};
  if (intent.width && (draft["m"].value("width", 0) != *intent.width ||
                       draft["m"].value("height", 0) != *intent.height)) {
    draft["m"]["width"] = *intent.width;
    draft["m"]["height"] = *intent.height;
    changes->push_back("canvas changed to " + std::to_string(*intent.width) + "x" +
                       std::to_string(*intent.height) + " (" + intent.aspect + ")");
  }
  if (intent.duration_ms && *intent.duration_ms != DraftDurationMs(draft)) {
    Rescale(draft, *intent.duration_ms);
    changes->push_back("duration changed to " + Seconds(*intent.duration_ms) + " s");
  }
  if (intent.remove_title && FindTrack(draft, 7)) {
    RemoveTracks(draft, 7);
    draft["m"].erase("title");
    changes->push_back("title removed");
  } else if (intent.title && !intent.remove_title) {
    SetTitle(draft, *intent.title);
    changes->push_back("title set to \"" + *intent.title + "\"");
  }
  if (intent.remove_music && FindTrack(draft, 1)) {
    RemoveTracks(draft, 1);
    changes->push_back("music removed");
  } else if (intent.music) {
    SetMusic(draft, intent, changes);
  }
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
        item = "Title: \"" + sg[0]["m"].value("title", "") + "\" (" + range + ")";
        break;
      default:
        continue;
    }
    out += (out.empty() ? "" : ", ") + item;
  }
  return out;
}

}  // namespace sandbox
