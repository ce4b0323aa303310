#include "agent.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "util.h"

namespace sandbox {

using nlohmann::json;

namespace {

constexpr int64_t kDefaultDurationMs = 10000;
constexpr int64_t kTitleMs = 3000;
constexpr double kDefaultVolume = 0.35;
constexpr int64_t kCaptionMinMs = 2000;  // a caption shorter than this cannot be read
constexpr std::size_t kTitleMaxBytes = 60, kCaptionMaxBytes = 80;
constexpr const char* kCaptions = "Captions";  // the name of the text track captions go on

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

std::string MoodAskedFor(const std::string& lower) {
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

// A document that came with the message (nemo-send -f): its file name and its lines.
struct Document {
  std::string name;
  std::vector<std::string> lines;
};

// The message without its documents (the instruction), and the documents in `docs`.
std::string SplitDocuments(const std::string& message, std::vector<Document>* docs) {
  static const std::string kStart = "--- document: ", kEnd = "--- end of ", kClose = " ---";
  std::string instruction, line;
  std::istringstream in(message);
  bool open = false;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!open && line.rfind(kStart, 0) == 0 && line.size() > kStart.size() + kClose.size() &&
        line.compare(line.size() - kClose.size(), kClose.size(), kClose) == 0) {
      docs->push_back(
          {line.substr(kStart.size(), line.size() - kStart.size() - kClose.size()), {}});
      open = true;
    } else if (open && line == kEnd + docs->back().name + kClose) {
      open = false;
    } else if (open) {
      docs->back().lines.push_back(line);
    } else {
      instruction += line + "\n";
    }
  }
  return instruction;
}

// A document line without its Markdown heading marks or list marker, trimmed.
std::string CleanLine(std::string line) {
  static const std::regex kMarker(
      R"(^\s{0,8}(#{1,6}|[-*+]|\xE2\x80\xA2|\d{1,3}[.)]|[a-z][.)])\s{1,8})");
  line = std::regex_replace(line, kMarker, "", std::regex_constants::format_first_only);
  std::size_t start = line.find_first_not_of(" \t");
  std::size_t end = line.find_last_not_of(" \t");
  return start == std::string::npos ? "" : line.substr(start, end - start + 1);
}

// At most `max` bytes: cut at a space (or a UTF-8 boundary), with an ellipsis.
std::string Cut(const std::string& text, std::size_t max) {
  if (text.size() <= max) return text;
  std::size_t cut = text.rfind(' ', max);
  if (cut == std::string::npos || cut < max / 2) {
    cut = max;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  }
  std::string out = text.substr(0, cut);
  while (!out.empty() && (out.back() == ' ' || out.back() == ',')) out.pop_back();
  return out + "\xE2\x80\xA6";
}

// "We turn ten. Come by!" → "We turn ten."
std::string FirstSentence(const std::string& text) {
  static const std::regex kEnd(R"([.!?](\s|$))");
  std::smatch m;
  if (std::regex_search(text, m, kEnd)) return text.substr(0, m.position(0) + 1);
  return text;
}

// The first quoted phrase: "…", “…”, ‘…’ or '…' (an apostrophe inside a word is not a quote).
// Sets *at and *length to where the quote stands in `text`.
std::optional<std::string> QuotedTitle(const std::string& text, std::size_t* at,
                                       std::size_t* length) {
  static const std::regex kQuoted(
      "\"([^\"\\n]{1,200})\"|\xE2\x80\x9C(.{1,200}?)\xE2\x80\x9D|"
      "\xE2\x80\x98(.{1,200}?)\xE2\x80\x99(?![A-Za-z0-9])|"
      "(?:^|[^A-Za-z0-9'])'(.{1,200}?)'(?![A-Za-z0-9])");
  std::smatch m;
  if (!std::regex_search(text, m, kQuoted)) return std::nullopt;
  for (int g = 1; g <= 4; ++g) {
    if (m[g].matched) {
      *at = static_cast<std::size_t>(m.position(g)) - (g == 1 ? 1 : g == 4 ? 1 : 3);
      *length = static_cast<std::size_t>(m.length(g)) + (g == 1 || g == 4 ? 2 : 6);
      return m[g].str();
    }
  }
  return std::nullopt;
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

Intent ParseIntent(const std::string& message) {
  Intent in;
  std::vector<Document> documents;
  // What to do comes from the instruction alone: a "5%" or "3 minutes" in a document is content.
  std::string instruction = SplitDocuments(message, &documents);
  std::size_t quote_at = 0, quote_length = 0;
  in.title = QuotedTitle(instruction, &quote_at, &quote_length);
  std::string lower = Lower(instruction);
  in.duration_ms = ParseDurationMs(lower);
  std::smatch m;
  in.remove_title = Has(
      lower,
      R"(\b(remove|delete|drop)\s+(the\s+)?title\b|\bno\s+title\b|\bwithout\s+(a\s+|the\s+)?title\b)");
  in.remove_music = Has(
      lower,
      R"(\b(remove|delete|drop|mute)\s+(the\s+)?(background\s+)?(music|bgm|soundtrack)\b|\bno\s+(music|bgm|soundtrack)\b|\bwithout\s+(any\s+|the\s+)?(music|bgm|soundtrack)\b)");
  in.music = !in.remove_music && Has(lower, R"(\b(music|bgm|soundtrack|song|tune)\b)");
  in.mood = MoodAskedFor(lower);
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
  std::string unquoted = instruction;
  if (in.title) unquoted.replace(quote_at, quote_length, " ");
  in.subject = Subject(Lower(unquoted));

  // What to show comes from the documents: the first line is the title (unless the instruction
  // quotes one), the first sentence of each further line a caption.
  if (!documents.empty()) {
    in.document = documents.front().name;
    std::vector<std::string> lines;
    for (const auto& d : documents) {
      for (const auto& l : d.lines) {
        std::string clean = CleanLine(l);
        if (!clean.empty()) lines.push_back(clean);
      }
    }
    if (!lines.empty()) {
      std::string heading = Cut(lines.front(), kTitleMaxBytes);
      if (!in.title) in.title = heading;
      in.subject = heading;
      for (size_t i = 1; i < lines.size() && in.captions.size() < 300; ++i) {
        in.captions.push_back(Cut(FirstSentence(lines[i]), kCaptionMaxBytes));
      }
    }
  }
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
  if (!intent.captions.empty()) SetCaptions(draft, intent.captions);
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
  if (!intent.captions.empty()) {
    size_t n = SetCaptions(draft, intent.captions);
    if (n > 0) {
      changes->push_back("captions set from " + intent.document + " (" + std::to_string(n) +
                         (n == 1 ? " line)" : " lines)"));
    }
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
