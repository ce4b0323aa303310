#include "render.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>

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

// A sine frequency per BGM name, so different music is audibly (and measurably) different.
int Frequency(const std::string& name) {
  static const std::map<std::string, int> kKnown = {
      {"Upbeat", 523}, {"Calm", 330}, {"Lo-fi", 392}, {"Chill", 349}, {"Epic", 262}};
  auto it = kKnown.find(name);
  if (it != kKnown.end()) return it->second;
  unsigned h = 0;
  for (char c : name) h = h * 31 + static_cast<unsigned char>(c);
  return 220 + static_cast<int>(h % 440);
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
                          const std::string& work) {
  RenderCommand cmd;
  const json m = draft.value("m", json::object());
  int w = std::clamp(m.value("width", 1920), 16, 4096) & ~1;  // yuv420p needs even sizes
  int h = std::clamp(m.value("height", 1080), 16, 4096) & ~1;
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
  for (size_t i = 0; i < video.size(); ++i) {
    const Piece& p = video[i];
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
      graph +=
          "[" + std::to_string(inputs++) + ":v]scale=" + std::to_string(w) + ":" +
          std::to_string(h) + ":force_original_aspect_ratio=decrease,pad=" + std::to_string(w) +
          ":" + std::to_string(h) +
          ":(ow-iw)/2:(oh-ih)/2:color=black,setsar=1,fps=" + std::to_string(kFps) +
          ",format=yuv420p,trim=duration=" + Num(p.seconds) + ",setpts=PTS-STARTPTS" + label + ";";
    } else {
      graph += "color=c=" + Color(p.meta) + ":s=" + size + ":r=" + std::to_string(kFps) +
               ":d=" + Num(p.seconds) + ",setsar=1,format=yuv420p" + label + ";";
    }
  }
  for (size_t i = 0; i < video.size(); ++i) graph += "[v" + std::to_string(i) + "]";
  graph += "concat=n=" + std::to_string(video.size()) + ":v=1:a=0[vcat];";

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

  // Audio: sine pieces for the BGM, silence for the gaps; an uploaded audio file if named.
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
      graph += "sine=frequency=" + std::to_string(Frequency(name)) +
               ":sample_rate=44100:d=" + Num(p.seconds) + ",volume=" + Num(volume) + "," + fmt +
               label + ";";
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
                     "-pix_fmt",
                     "yuv420p",
                     "-r",
                     std::to_string(kFps),
                     "-c:a",
                     "aac",
                     "-b:a",
                     "128k",
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
