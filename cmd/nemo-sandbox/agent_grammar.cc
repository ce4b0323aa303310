// The scripted agent's grammar: what a message asks for, read from its words (ParseIntent).
// Pure functions of the text: the draft changes they lead to are in agent.cc.
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "agent.h"
#include "util.h"

namespace sandbox {

using nlohmann::json;

namespace {

constexpr std::size_t kTitleMaxBytes = 60, kCaptionMaxBytes = 80;

// A media file name as the uploads have them: "a.png", "clip.MP4", "beach-day_2.jpeg".
const std::regex& FileNamePattern() {
  static const std::regex kFile(
      R"(([A-Za-z0-9_][A-Za-z0-9_+-]*(?:\.[A-Za-z0-9_+-]+)*\.(?:png|jpe?g|gif|webp|mp4|mov|avi|webm|mkv))\b)",
      std::regex::icase);
  return kFile;
}

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

// The topic of a request, e.g. "a 10-second city timelapse with upbeat music" → "city timelapse".
std::string Subject(const std::string& lower) {
  static const std::set<std::string> kFiller = {
      "a",      "an",       "the",      "make",    "create",    "generate",   "produce", "me",
      "please", "i",        "want",     "need",    "video",     "clip",       "short",   "quick",
      "about",  "of",       "on",       "showing", "can",       "you",        "could",   "would",
      "like",   "vertical", "portrait", "square",  "landscape", "horizontal", "second",  "seconds",
      "minute", "minutes",  "long",     "new",     "build",     "render",     "my"};
  static const std::set<std::string> kStop = {
      "with", "and",   "for",   "in",        "using",  "set",   "to",
      "from", "that",  "which", "featuring", "plus",   "at",    "into",
      "over", "where", "but",   "titled",    "called", "named", "entitled"};
  // Words that end a subject but are not one: "a slideshow of a.png" is a "slideshow".
  static const std::set<std::string> kTrailing = {"a", "an", "the", "of", "my", "our", "some"};
  static const std::regex kWord(R"([a-z0-9][a-z0-9'\-]*|,)");
  static const std::regex kDurationWord(
      R"(^\d+(\.\d+)?(-?(s|sec|secs|second|seconds|min|minute|minutes))?$)");
  std::string text = std::regex_replace(lower, std::regex(R"("[^"]*"|“[^”]*”)"), " ");
  // A file name is a reference to an upload, not a topic: it ends the subject like "from".
  text = std::regex_replace(text, FileNamePattern(), " from ");
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
  while (!picked.empty() && kTrailing.count(picked.back())) picked.pop_back();
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

// References to the session's uploads. "these", "those" and "them" alone, or a determiner and a
// media noun ("my photos", "these product photos", "the clip", "the uploaded images"), and file
// names. "the video" and "my video" are the video being made, not an upload.
void FindUploadReferences(const std::string& instruction, const std::string& lower, Intent* in) {
  static const std::regex kNoun(
      R"(\b(these|those|my|our|the|uploaded)\s+(?:[a-z-]+\s+)?(photos?|images?|pictures?|pics?|clips?|videos|footage|uploads?|files|media)\b)");
  // More nouns joined to a reference: "my photos and clips", "these images, videos".
  static const std::regex kJoined(
      R"(^\s*(?:,|and|or|&|plus)\s+(?:[a-z-]+\s+)?(photos?|images?|pictures?|pics?|clips?|videos|footage)\b)");
  static const std::regex kBare(R"(\b(these|those|them)\b)");
  bool images = false, videos = false, named = false;
  auto kind = [&](const std::string& noun) {
    if (noun.rfind("photo", 0) == 0 || noun.rfind("image", 0) == 0 ||
        noun.rfind("picture", 0) == 0 || noun.rfind("pic", 0) == 0) {
      images = true;
    } else if (noun.rfind("clip", 0) == 0 || noun.rfind("video", 0) == 0 || noun == "footage") {
      videos = true;
    } else {
      images = videos = true;
    }
  };
  std::string text = std::regex_replace(lower, std::regex(R"("[^"]*"|“[^”]*”)"), " ");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), kNoun);
       it != std::sregex_iterator(); ++it) {
    named = true;
    kind((*it)[2]);
    std::string rest = it->suffix();
    std::smatch more;
    while (std::regex_search(rest, more, kJoined)) {
      kind(more[1]);
      rest = more.suffix();
    }
  }
  bool bare = !named && std::regex_search(text, kBare);  // "from these": every upload
  for (auto it = std::sregex_iterator(instruction.begin(), instruction.end(), FileNamePattern());
       it != std::sregex_iterator(); ++it) {
    in->files.push_back((*it)[1]);
  }
  in->uploads_named = named || !in->files.empty();
  in->use_uploads = bare || in->uploads_named;
  if (named && images != videos) in->upload_kind = images ? "image" : "video";
}

// "quieter", "louder", "shorter", "longer", "faster", "slower", "brighter", "darker": each a
// fixed step (agent.h); "again" and "still" need nothing of their own, the step word is there.
void FindRelativeEdits(const std::string& lower, Intent* in) {
  if (Has(lower,
          R"(\b(quieter|softer|less loud|turn (it |the music )?down|lower the (music|volume)))")) {
    in->volume_step = kQuieter;
  } else if (Has(lower, R"(\b(louder|turn (it |the music )?up|raise the (music|volume)))")) {
    in->volume_step = kLouder;
  }
  if (Has(lower, R"(\bshorter\b)")) {
    in->length_step = kShorter;
  } else if (Has(lower, R"(\blonger\b)")) {
    in->length_step = kLonger;
  }
  if (Has(lower, R"(\b(faster|quicker|speed (it )?up)\b)")) {
    in->pace_step = kFaster;
  } else if (Has(lower, R"(\b(slower|slow (it )?down)\b)")) {
    in->pace_step = kSlower;
  }
  if (Has(lower, R"(\b(brighter|lighter|brighten)\b)")) {
    in->brightness_step = kBrighter;
  } else if (Has(lower, R"(\b(darker|darken|dimmer)\b)")) {
    in->brightness_step = kDarker;
  }
}

std::string TimeOfDayIn(const std::string& lower) {
  if (Has(lower, R"(\b(night|nights|nighttime|night-time|midnight|nocturnal)\b)")) return "night";
  if (Has(lower, R"(\b(dusk|evening|twilight|sunset)\b)")) return "dusk";
  if (Has(lower, R"(\b(dawn|sunrise|morning|daybreak)\b)")) return "dawn";
  if (Has(lower, R"(\b(daytime|midday|noon|daylight|sunny)\b)")) return "day";
  return "";
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
  FindUploadReferences(instruction, lower, &in);
  FindRelativeEdits(lower, &in);
  in.time_of_day = TimeOfDayIn(lower);
  // A mood next to music is the music's ("upbeat music"); alone it is the video's ("a calm
  // video"), and the renderer paces the pictures by it.
  if (!in.mood.empty() && !in.music) in.look_mood = Lower(in.mood);
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

bool SubjectOpen(const Intent& in) {
  return in.subject.empty() && !in.duration_ms && !in.title && !in.use_uploads &&
         in.document.empty() && !in.music && in.mood.empty() && in.aspect.empty() &&
         in.time_of_day.empty() && in.captions.empty();
}

}  // namespace sandbox
