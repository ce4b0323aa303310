// The renderer: a draft becomes one ffmpeg command line (H.264/AAC MP4). Video segments are
// moving gradients whose colours come from the description's words, or the uploaded images
// (panned) and clips, cross-faded where they overlap; the title and captions are drawn over their
// time ranges, and the BGM is a chord whose mood follows the request, at its volume (silence where
// there is none), so every draft field is visible in the output and the tests can check it.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace sandbox {

struct RenderCommand {
  std::vector<std::string> argv;
  std::string title_text;  // to be written to the file named in the drawtext filter, if any
  std::string title_path;
  double seconds = 0;
  int width = 0, height = 0;  // of the output
};

// `font` may be empty (no drawtext); `work` is a path prefix for helper files (the title text).
// `quality`: low (at most 720 lines, CRF 30, 96k audio), medium (at most 1080 lines, CRF 28) or
// high (at most 1080 lines, CRF 21); anything else is high. "Lines" is the canvas's shorter side.
RenderCommand BuildRender(const nlohmann::json& draft, const std::string& out_path,
                          const std::string& font, const std::string& work,
                          const std::string& quality = "high");

// A TrueType font for titles: fc-match's choice, else the first .ttf under /usr/share/fonts.
std::string FindFont();

}  // namespace sandbox
