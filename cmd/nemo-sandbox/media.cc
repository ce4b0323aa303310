#include "media.h"

#include <cmath>
#include <map>

#include "proc.h"
#include "util.h"

namespace sandbox {

using nlohmann::json;

namespace {

const std::map<std::string, std::string>& Types() {
  static const std::map<std::string, std::string> kTypes = {
      {"mp4", "video"}, {"mov", "video"},  {"avi", "video"}, {"webm", "video"}, {"mkv", "video"},
      {"jpg", "image"}, {"jpeg", "image"}, {"png", "image"}, {"gif", "image"},  {"webp", "image"},
      {"mp3", "audio"}, {"wav", "audio"},  {"m4a", "audio"}, {"aac", "audio"}};
  return kTypes;
}

double ParseRate(const std::string& rate) {  // "30000/1001" → 29.97
  auto slash = rate.find('/');
  try {
    double num = std::stod(rate.substr(0, slash));
    double den = slash == std::string::npos ? 1 : std::stod(rate.substr(slash + 1));
    return den > 0 ? num / den : 0;
  } catch (...) {
    return 0;
  }
}

}  // namespace

std::string FileTypeOf(const std::string& ext) {
  auto it = Types().find(ext);
  return it == Types().end() ? "" : it->second;
}

std::string SupportedTypesText() {
  return "supported: video mp4 mov avi webm mkv; image jpg jpeg png gif webp; audio mp3 wav m4a "
         "aac";
}

json ProbeMedia(const std::string& path, const std::string& file_type) {
  json info = {{"duration", nullptr}, {"width", nullptr}, {"height", nullptr}, {"fps", nullptr}};
  std::string out;
  if (!RunCapture({"ffprobe", "-v", "quiet", "-print_format", "json", "-show_streams",
                   "-show_format", path},
                  &out)) {
    return info;
  }
  json probe = json::parse(out, nullptr, false);
  if (probe.is_discarded() || !probe.is_object()) return info;
  for (const auto& s : probe.value("streams", json::array())) {
    if (s.value("codec_type", "") == "video" && info["width"].is_null()) {
      info["width"] = s.value("width", 0);
      info["height"] = s.value("height", 0);
      double fps = ParseRate(s.value("r_frame_rate", "0/1"));
      if (file_type == "video" && fps > 0) info["fps"] = std::round(fps * 100) / 100;
    }
  }
  if (file_type != "image") {
    try {
      double d = std::stod(probe["format"].value("duration", "x"));
      info["duration"] = std::round(d * 1000) / 1000;
    } catch (...) {
    }
  }
  return info;
}

std::string SafeName(const std::string& filename) {
  auto slash = filename.find_last_of("/\\");
  std::string base = slash == std::string::npos ? filename : filename.substr(slash + 1);
  std::string out;
  for (char c : base) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-';
    out += ok ? c : '_';
  }
  if (out.size() > 100) out = out.substr(out.size() - 100);
  if (out.empty() || out[0] == '.') out = "file" + out;
  return out;
}

std::string MimeTypeOf(const std::string& filename) {
  static const std::map<std::string, std::string> kMime = {
      {"mp4", "video/mp4"},   {"mov", "video/quicktime"},  {"avi", "video/x-msvideo"},
      {"webm", "video/webm"}, {"mkv", "video/x-matroska"}, {"jpg", "image/jpeg"},
      {"jpeg", "image/jpeg"}, {"png", "image/png"},        {"gif", "image/gif"},
      {"webp", "image/webp"}, {"mp3", "audio/mpeg"},       {"wav", "audio/wav"},
      {"m4a", "audio/mp4"},   {"aac", "audio/aac"}};
  auto it = kMime.find(Extension(filename));
  return it == kMime.end() ? "application/octet-stream" : it->second;
}

}  // namespace sandbox
