#include "render.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <map>
#include <set>

#include "proc.h"

namespace sandbox {

using nlohmann::json;

namespace {

constexpr int kFps = 25;

struct Piece {
  double start = 0, seconds = 0;
  json meta;  // empty for a gap
};

std::string Num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", v);
  return buf;
}

// The pieces of one track laid end to end from 0 to `total`, gaps filled with empty pieces.
std::vector<Piece> Lay(const json& track, double total) {
  std::vector<Piece> segs;
  for (const auto& s : track.value("sg", json::array())) {
    if (!s.is_object()) continue;
    double st = s.value("st", 0.0) / 1000.0;
    double d = s.value("d", 0.0) / 1000.0;
    if (d <= 0) continue;
    segs.push_back({st, d, s.value("m", json::object())});
  }
  std::sort(segs.begin(), segs.end(),
            [](const Piece& a, const Piece& b) { return a.start < b.start; });
  std::vector<Piece> out;
  double at = 0;
  for (auto& p : segs) {
    if (p.start >= total) break;
    double start =
        std::max(p.start, at);  // overlaps: the later segment starts when the earlier ends
    double end = std::min(p.start + p.seconds, total);
    if (end - start < 0.001) continue;
    if (start - at >= 0.001) out.push_back({at, start - at, json()});
    out.push_back({start, end - start, p.meta});
    at = end;
  }
  if (total - at >= 0.001) out.push_back({at, total - at, json()});
  return out;
}

std::string Color(const json& meta) {
  std::string c = meta.is_object() ? meta.value("color", "") : "";
  if (c.size() == 7 && c[0] == '#' &&
      c.find_first_not_of("0123456789abcdefABCDEF", 1) == std::string::npos) {
    return "0x" + c.substr(1);
  }
  return meta.is_null() ? "black" : "0x336699";
}

// A moving background for a colour card, chosen from the words of its description: each theme
// brings its colours and how fast its gradient turns ("a city at night" is violet, orange and
// teal over deep blue, turning briskly). A description no theme knows moves between the card's
// colour and a darker one, so a draft's colours still show.
struct Theme {
  std::vector<std::string> words;  // a word of the description starting with one of these
  std::vector<std::string> colors;
  double speed;
};

const std::vector<Theme>& Themes() {
  static const std::vector<Theme> kThemes = {
      {{"night", "dark", "midnight", "moon", "evening"}, {"0x0b1026", "0x2a1b5c"}, 0.006},
      {{"city", "cities", "urban", "street", "neon", "downtown", "traffic"},
       {"0x3b1f5c", "0xff8c42", "0x1b998b"},
       0.02},
      {{"sea", "ocean", "wave", "beach", "water", "lake", "river", "surf"},
       {"0x03396c", "0x11a3c4", "0xb3ecff"},
       0.03},
      {{"sky", "cloud", "air", "fly", "flight"}, {"0x4aa3df", "0xdff3ff"}, 0.008},
      {{"forest", "tree", "nature", "jungle", "garden", "park", "green", "spring"},
       {"0x0b3d20", "0x4caf50", "0xa5d66f"},
       0.01},
      {{"sunset", "sunrise", "dawn", "dusk", "warm", "summer"},
       {"0xff5e3a", "0xffc371", "0x8e2de2"},
       0.012},
      {{"snow", "winter", "ice", "cold", "mountain"}, {"0xe8f4ff", "0x9ec9f0", "0x5d7a99"}, 0.008},
      {{"fire", "energy", "sport", "action", "upbeat", "party"}, {"0xb31217", "0xffb347"}, 0.04},
      {{"desert", "sand"}, {"0xc2a060", "0xf1d39a"}, 0.008},
      {{"space", "star", "galaxy", "cosmic", "planet"}, {"0x000000", "0x3a0ca3", "0x7209b7"}, 0.01},
      {{"coffee", "cafe", "autumn", "wood", "cozy"}, {"0x4b2e1e", "0xc08552"}, 0.01},
      {{"tech", "product", "business", "office", "data"},
       {"0x0f2027", "0x2c5364", "0x00c9ff"},
       0.015},
  };
  return kThemes;
}

std::vector<std::string> Words(const std::string& text) {
  std::vector<std::string> out;
  std::string word;
  for (char c : text + " ") {
    if (std::isalpha(static_cast<unsigned char>(c))) {
      word += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else if (!word.empty()) {
      out.push_back(std::move(word));
      word.clear();
    }
  }
  return out;
}

// "0x336699" → "0x1a334c": the far end of an unknown description's gradient.
std::string Darker(const std::string& color) {
  unsigned long v = std::strtoul(color.c_str() + 2, nullptr, 16);
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%02lx%02lx%02lx", (v >> 16 & 0xff) / 3, (v >> 8 & 0xff) / 3,
                (v & 0xff) / 3);
  return buf;
}

// The draft's look (m.time_of_day, m.mood, m.speed, m.brightness): how the pictures are lit and
// how fast they move. A night is dark and blue, a dusk warm and dim, a dawn pale and pink.
struct Look {
  double r = 1, g = 1, b = 1;  // per channel gain on the colour cards
  double luma = 1;             // the same as one factor, for uploaded pictures
  double speed = 1;            // times the theme's speed
};

Look LookOf(const json& m) {
  Look look;
  std::string time = m.value("time_of_day", "");
  if (time == "night") look = {0.35, 0.4, 0.65, 0.45, 1};
  if (time == "dusk") look = {1.0, 0.7, 0.55, 0.75, 1};
  if (time == "dawn") look = {1.0, 0.85, 0.9, 0.95, 1};
  if (time == "day") look = {1.1, 1.1, 1.05, 1.08, 1};
  double bright = std::clamp(m.value("brightness", 1.0), 0.25, 2.0);
  look.r *= bright, look.g *= bright, look.b *= bright, look.luma *= bright;
  static const std::set<std::string> kSlow = {"calm",  "relaxing", "chill",    "ambient",
                                              "lo-fi", "piano",    "acoustic", "sad"};
  static const std::set<std::string> kFast = {"energetic", "upbeat",     "epic",    "happy",
                                              "rock",      "electronic", "dramatic"};
  std::string mood = m.value("mood", "");
  if (kSlow.count(mood)) look.speed = 0.5;
  if (kFast.count(mood)) look.speed = 2;
  look.speed *= std::clamp(m.value("speed", 1.0), 0.25, 4.0);
  return look;
}

// "0x336699" with each channel times its gain, within 0..255.
std::string Lit(const std::string& color, const Look& look) {
  unsigned long v = std::strtoul(color.c_str() + 2, nullptr, 16);
  auto ch = [](unsigned long c, double gain) {
    return static_cast<unsigned>(std::clamp(std::lround(c * gain), 0L, 255L));
  };
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%02x%02x%02x", ch(v >> 16 & 0xff, look.r),
                ch(v >> 8 & 0xff, look.g), ch(v & 0xff, look.b));
  return buf;
}

// A turning gradient, drawn at a fifth of the size and scaled up: gradients are smooth, and
// drawing them at full size would double a 1080p render's time.
std::string Background(const json& meta, double seconds, int w, int h, int seed, const Look& look) {
  std::vector<std::string> colors;
  double speed = 0;
  std::set<const Theme*> seen;
  for (const std::string& word : Words(meta.value("desc", ""))) {
    for (const Theme& theme : Themes()) {
      if (seen.count(&theme)) continue;
      bool match = std::any_of(theme.words.begin(), theme.words.end(), [&](const auto& key) {
        return word.compare(0, key.size(), key) == 0;
      });
      if (!match) continue;
      seen.insert(&theme);
      speed = std::max(speed, theme.speed);
      for (const auto& c : theme.colors) {
        if (colors.size() < 4 && std::find(colors.begin(), colors.end(), c) == colors.end()) {
          colors.push_back(c);
        }
      }
    }
  }
  if (colors.size() < 2) {
    std::string own = Color(meta);
    if (own.rfind("0x", 0) != 0) own = "0x336699";
    colors = {own, Darker(own)};
    speed = 0.01;
  }
  if (look.r != 1 || look.g != 1 || look.b != 1) {
    for (auto& c : colors) c = Lit(c, look);
  }
  speed *= look.speed;
  // Neighbouring cards of one subject start from different colours.
  std::rotate(colors.begin(), colors.begin() + seed % colors.size(), colors.end());
  int lw = std::max(16, w / 5) & ~1, lh = std::max(16, h / 5) & ~1;
  std::string out = "gradients=s=" + std::to_string(lw) + "x" + std::to_string(lh) +
                    ":r=" + std::to_string(kFps) + ":d=" + Num(seconds) +
                    ":n=" + std::to_string(colors.size()) + ":speed=" + Num(speed) +
                    ":seed=" + std::to_string(seed);
  for (size_t i = 0; i < colors.size(); ++i) out += ":c" + std::to_string(i) + "=" + colors[i];
  return out + ",format=yuv420p,scale=" + std::to_string(w) + ":" + std::to_string(h) +
         ":flags=bilinear";
}

// The root frequency per BGM name, so different music is audibly (and measurably) different.
int Frequency(const std::string& name) {
  static const std::map<std::string, int> kKnown = {
      {"Upbeat", 523}, {"Calm", 330}, {"Lo-fi", 392}, {"Chill", 349}, {"Epic", 262}};
  auto it = kKnown.find(name);
  if (it != kKnown.end()) return it->second;
  unsigned h = 0;
  for (char c : name) h = h * 31 + static_cast<unsigned char>(c);
  return 220 + static_cast<int>(h % 440);
}

// The BGM's mood as a chord on its root (semitones above it) pulsing at a tempo: upbeat is a
// major chord beating twice a second, calm a slow sixth, lo-fi a minor seventh. Still a few
// sines, so it costs nothing next to the video, but two moods sound (and measure) different.
struct Mood {
  std::vector<int> intervals;
  double pulse_hz;
};

Mood MoodOf(const std::string& name) {
  static const std::map<std::string, Mood> kMoods = {{"Upbeat", {{0, 4, 7}, 2.0}},
                                                     {"Calm", {{0, 4, 9}, 0.5}},
                                                     {"Lo-fi", {{0, 3, 7, 10}, 1.2}},
                                                     {"Chill", {{0, 4, 7, 11}, 0.8}},
                                                     {"Epic", {{0, 7, 12}, 1.5}}};
  auto it = kMoods.find(name);
  return it != kMoods.end() ? it->second : Mood{{0, 4, 7}, 1.0};
}

// aevalsrc's expression: the chord's sines, averaged, times a pulse between 0.55 and 1.
std::string ChordExpression(int root, const Mood& mood) {
  std::string sum;
  for (int semitones : mood.intervals) {
    double f = root * std::pow(2.0, semitones / 12.0);
    // Appended: GCC 12 -O3 warns (-Wrestrict, a false alarm) on `(… ? "" : "+") + std::string(…)`.
    if (!sum.empty()) sum += '+';
    sum.append("sin(2*PI*").append(Num(f)).append("*t)");
  }
  return "(" + sum + ")/" + std::to_string(mood.intervals.size()) + "*(0.775+0.225*sin(2*PI*" +
         Num(mood.pulse_hz) + "*t))";
}

// An option value for -filter_complex. ffmpeg unescapes twice: the graph parser (quotes keep
// its ',', ';' and '[' literal) and then the filter's option parser (backslash before ':', '\\'
// and '\''). So: backslash-escape first, then quote.
std::string Quote(const std::string& s) {
  std::string escaped;
  for (char c : s) {
    if (c == ':' || c == '\\' || c == '\'') escaped += '\\';
    escaped += c;
  }
  std::string out = "'";
  for (char c : escaped) {
    if (c == '\'') {
      out += "'\\''";  // close the quote, an escaped quote, reopen
    } else {
      out += c;
    }
  }
  return out + "'";
}

const json* FirstTrack(const json& draft, int type) {
  if (!draft.contains("t") || !draft["t"].is_array()) return nullptr;
  for (const auto& t : draft["t"]) {
    if (t.is_object() && t.value("tt", -1) == type && !t.value("sg", json::array()).empty()) {
      return &t;
    }
  }
  return nullptr;
}

double TotalSeconds(const json& draft) {
  int64_t end = 0;
  for (const auto& t : draft.value("t", json::array())) {
    if (!t.is_object()) continue;
    for (const auto& s : t.value("sg", json::array())) {
      if (s.is_object()) end = std::max(end, s.value("st", int64_t{0}) + s.value("d", int64_t{0}));
    }
  }
  return end / 1000.0;
}

}  // namespace

RenderCommand BuildRender(const json& draft, const std::string& out_path, const std::string& font,
                          const std::string& work, const std::string& quality) {
  RenderCommand cmd;
  const json m = draft.value("m", json::object());
  int w = std::clamp(m.value("width", 1920), 16, 4096);
  int h = std::clamp(m.value("height", 1080), 16, 4096);
  // The quality's size: the canvas, its shorter side brought down to the quality's lines. The
  // whole graph runs at that size, so a low render is cheaper, not a scaled-down high one.
  int lines = quality == "low" ? 720 : 1080;
  if (std::min(w, h) > lines) {
    double f = static_cast<double>(lines) / std::min(w, h);
    w = static_cast<int>(std::lround(w * f));
    h = static_cast<int>(std::lround(h * f));
  }
  w &= ~1;  // yuv420p needs even sizes
  h &= ~1;
  cmd.width = w;
  cmd.height = h;
  std::string crf = quality == "low" ? "30" : quality == "medium" ? "28" : "21";
  std::string audio_rate = quality == "low" ? "96k" : "128k";
  const Look look = LookOf(m);
  double total = std::max(TotalSeconds(draft), 0.1);
  cmd.seconds = total;
  std::string size = std::to_string(w) + "x" + std::to_string(h);

  std::vector<std::string>& a = cmd.argv;
  a = {"ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y"};
  std::string graph;
  int inputs = 0;

  // Video: one chain per piece, then concat.
  std::vector<Piece> video;
  if (const json* t = FirstTrack(draft, 0)) {
    video = Lay(*t, total);
  } else {
    video.push_back({0, total, json()});
  }
  // Cross-fades: each piece but the last runs `fade` longer, under the start of the next, so
  // every piece still starts where the draft says and the total stays the same.
  double shortest = total;
  for (const Piece& p : video) shortest = std::min(shortest, p.seconds);
  double fade = std::floor(std::min(0.5, shortest * 0.4) * kFps) / kFps;  // whole frames
  if (video.size() < 2 || fade < 0.04) fade = 0;
  for (size_t i = 0; i < video.size(); ++i) {
    Piece p = video[i];
    if (i + 1 < video.size()) p.seconds += fade;
    std::string label = "[v" + std::to_string(i) + "]";
    std::string file = p.meta.is_object() ? p.meta.value("file", "") : "";
    std::error_code ec;
    if (!file.empty() && std::filesystem::is_regular_file(file, ec)) {
      if (p.meta.value("media", "") == "image") {
        a.insert(a.end(), {"-f", "image2", "-pattern_type", "none", "-loop", "1", "-framerate",
                           std::to_string(kFps)});
      } else {
        a.insert(a.end(), {"-stream_loop", "-1"});
      }
      a.insert(a.end(), {"-t", Num(p.seconds), "-i", file});
      std::string fit;
      if (p.meta.value("media", "") == "image") {
        // A photo fills the frame, a little larger than it, and drifts corner to corner.
        int zw = static_cast<int>(w * 1.12) & ~1, zh = static_cast<int>(h * 1.12) & ~1;
        fit =
            "scale=" + std::to_string(zw) + ":" + std::to_string(zh) +
            ":force_original_aspect_ratio=increase:flags=fast_bilinear,crop=" + std::to_string(zw) +
            ":" + std::to_string(zh) + ",crop=" + std::to_string(w) + ":" + std::to_string(h) +
            ":x=" + Quote("(iw-ow)*min(t/" + Num(p.seconds) + ",1)") +
            ":y=" + Quote("(ih-oh)*min(t/" + Num(p.seconds) + ",1)");
      } else {
        fit = "scale=" + std::to_string(w) + ":" + std::to_string(h) +
              ":force_original_aspect_ratio=decrease,pad=" + std::to_string(w) + ":" +
              std::to_string(h) + ":(ow-iw)/2:(oh-ih)/2:color=black";
      }
      if (std::abs(look.luma - 1) > 0.001) {  // night, dusk, brighter...: the picture's light
        fit += ",lutyuv=y=" + Quote("clip(val*" + Num(look.luma) + ",minval,maxval)");
      }
      graph += "[" + std::to_string(inputs++) + ":v]" + fit +
               ",setsar=1,fps=" + std::to_string(kFps) +
               ",format=yuv420p,trim=duration=" + Num(p.seconds) + ",setpts=PTS-STARTPTS,settb=1/" +
               std::to_string(kFps) + label + ";";
    } else if (p.meta.is_null()) {
      graph += "color=c=black:s=" + size + ":r=" + std::to_string(kFps) + ":d=" + Num(p.seconds) +
               ",setsar=1,format=yuv420p,settb=1/" + std::to_string(kFps) + label + ";";
    } else {
      graph += Background(p.meta, p.seconds, w, h, static_cast<int>(i) + 1, look) +
               ",setsar=1,format=yuv420p,settb=1/" + std::to_string(kFps) + label + ";";
    }
  }
  if (fade > 0) {
    // xfade over whole pieces would blend (copy) every frame of them and double a render's
    // time; so each piece is cut into its head, body and tail (trim only drops frames), only
    // tail and next head are cross-faded, and everything is concatenated in order.
    auto trim = [&](size_t i, double from, double to, const std::string& out) {
      graph += "[s" + std::to_string(i) + "_" + out + "]trim=start=" + Num(from) +
               ":end=" + Num(to) + ",setpts=PTS-STARTPTS[" + out + "];";
    };
    std::string order;
    for (size_t i = 0; i < video.size(); ++i) {
      bool head = i > 0, tail = i + 1 < video.size();
      std::string n = std::to_string(i);
      graph += "[v" + n + "]split=" + std::to_string(1 + head + tail) +
               (head ? "[s" + n + "_h" + n + "]" : "") + "[s" + n + "_b" + n + "]" +
               (tail ? "[s" + n + "_t" + n + "]" : "") + ";";
      if (head) trim(i, 0, fade, "h" + n);
      trim(i, head ? fade : 0, video[i].seconds, "b" + n);
      if (tail) trim(i, video[i].seconds, video[i].seconds + fade, "t" + n);
      if (head) {
        std::string prev = std::to_string(i - 1);
        graph += "[t" + prev + "][h" + n + "]xfade=transition=fade:duration=" + Num(fade) +
                 ":offset=0[x" + n + "];";
        order += "[x" + n + "]";
      }
      order += "[b" + n + "]";
    }
    graph += order + "concat=n=" + std::to_string(2 * video.size() - 1) + ":v=1:a=0[vcat];";
  } else {
    for (size_t i = 0; i < video.size(); ++i) graph += "[v" + std::to_string(i) + "]";
    graph += "concat=n=" + std::to_string(video.size()) + ":v=1:a=0[vcat];";
  }

  // Title: drawn from a text file, so no character of the title needs filter escaping.
  std::string vout = "[vcat]";
  const json* title_track = FirstTrack(draft, 7);
  if (title_track && !font.empty()) {
    int n = 0;
    for (const auto& s : (*title_track)["sg"]) {
      if (!s.is_object()) continue;
      std::string text = s.value("m", json::object()).value("title", "");
      if (text.empty()) continue;
      double st = s.value("st", 0.0) / 1000.0;
      double end = st + s.value("d", 0.0) / 1000.0;
      cmd.title_path = work + ".title" + std::to_string(n) + ".txt";
      cmd.title_text = text;  // the job writes one file; more titles share the first's text
      std::string next = "[vt" + std::to_string(n) + "]";
      graph += vout + "drawtext=fontfile=" + Quote(font) + ":textfile=" + Quote(cmd.title_path) +
               ":expansion=none:fontcolor=white:fontsize=" +
               std::to_string(std::max(12, std::min(w, h) / 12)) +
               ":borderw=3:bordercolor=black:x=(w-text_w)/2:y=(h-text_h)/2:enable=" +
               Quote("between(t," + Num(st) + "," + Num(end) + ")") + next + ";";
      vout = next;
      ++n;
      break;  // one title track segment is what the agent writes; more would need more files
    }
  }

  // Captions: the text track named "Captions" (drafts made from documents have one), each line
  // in a box near the bottom over its own time range. Inline text, so it is quoted for the
  // graph and the option parsers both, and drawn without % expansion.
  if (!font.empty()) {
    for (const auto& t : draft.value("t", json::array())) {
      if (!t.is_object() || t.value("tt", -1) != 7 ||
          t.value("m", json::object()).value("name", "") != "Captions") {
        continue;
      }
      int n = 0;
      for (const auto& seg : t.value("sg", json::array())) {
        if (!seg.is_object() || n >= 200) continue;
        std::string text = seg.value("m", json::object()).value("text", "");
        for (char& c : text) {
          if (static_cast<unsigned char>(c) < 0x20) c = ' ';
        }
        if (text.size() > 90) {  // one line that fits; cut at a character boundary
          size_t cut = 87;
          while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
          text = text.substr(0, cut) + "...";
        }
        if (text.find_first_not_of(' ') == std::string::npos) continue;
        double st = seg.value("st", 0.0) / 1000.0;
        double end = st + seg.value("d", 0.0) / 1000.0;
        std::string next = "[vc" + std::to_string(n++) + "]";
        graph += vout + "drawtext=fontfile=" + Quote(font) + ":text=" + Quote(text) +
                 ":expansion=none:fontcolor=white:fontsize=" +
                 std::to_string(std::max(10, std::min(w, h) / 24)) +
                 ":box=1:boxcolor=black@0.55:boxborderw=" + std::to_string(std::max(2, h / 90)) +
                 ":x=(w-text_w)/2:y=h-text_h-h/12:enable=" +
                 Quote("between(t," + Num(st) + "," + Num(end) + ")") + next + ";";
        vout = next;
      }
      break;
    }
  }

  // Audio: chord pieces for the BGM, silence for the gaps; an uploaded audio file if named.
  std::vector<Piece> audio;
  std::string bgm_name;
  if (const json* t = FirstTrack(draft, 1)) {
    audio = Lay(*t, total);
    bgm_name = t->value("m", json::object()).value("name", "");
  } else {
    audio.push_back({0, total, json()});
  }
  for (size_t i = 0; i < audio.size(); ++i) {
    const Piece& p = audio[i];
    std::string label = "[a" + std::to_string(i) + "]";
    std::string fmt = "aformat=sample_fmts=fltp:sample_rates=44100:channel_layouts=stereo";
    if (p.meta.is_null()) {
      graph += "anullsrc=r=44100:cl=stereo:d=" + Num(p.seconds) + "," + fmt + label + ";";
      continue;
    }
    double volume = std::clamp(p.meta.value("volume", 0.35), 0.0, 1.0);
    std::string file = p.meta.value("file", "");
    std::error_code ec;
    if (!file.empty() && std::filesystem::is_regular_file(file, ec)) {
      a.insert(a.end(), {"-stream_loop", "-1", "-t", Num(p.seconds), "-i", file});
      graph += "[" + std::to_string(inputs++) + ":a]atrim=duration=" + Num(p.seconds) +
               ",asetpts=PTS-STARTPTS,volume=" + Num(volume) + "," + fmt + label + ";";
    } else {
      std::string name = p.meta.value("name", bgm_name);
      graph += "aevalsrc=" + Quote(ChordExpression(Frequency(name), MoodOf(name))) +
               ":s=44100:d=" + Num(p.seconds) + ",volume=" + Num(volume) + "," + fmt + label + ";";
    }
  }
  for (size_t i = 0; i < audio.size(); ++i) graph += "[a" + std::to_string(i) + "]";
  graph += "concat=n=" + std::to_string(audio.size()) + ":v=0:a=1[aout]";

  a.insert(a.end(), {"-filter_complex",
                     graph,
                     "-map",
                     vout,
                     "-map",
                     "[aout]",
                     "-c:v",
                     "libx264",
                     "-preset",
                     "ultrafast",
                     "-crf",
                     crf,
                     "-pix_fmt",
                     "yuv420p",
                     "-r",
                     std::to_string(kFps),
                     "-c:a",
                     "aac",
                     "-b:a",
                     audio_rate,
                     "-ar",
                     "44100",
                     "-movflags",
                     "+faststart",
                     "-t",
                     Num(total),
                     "-f",
                     "mp4",
                     out_path});
  return cmd;
}

std::string FindFont() {
  std::string out;
  if (RunCapture({"fc-match", "-f", "%{file}", "sans-serif:style=Bold"}, &out) && !out.empty()) {
    std::error_code ec;
    if (std::filesystem::is_regular_file(out, ec)) return out;
  }
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator("/usr/share/fonts", ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    std::string p = it->path().string();
    if (p.size() > 4 && p.substr(p.size() - 4) == ".ttf") return p;
  }
  return "";
}

}  // namespace sandbox
