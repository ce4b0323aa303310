// The duration and picture size of an MP4 file, read from its moov box (mvhd, tkhd): enough for
// the line that says what was saved, without ffprobe.
#pragma once

#include <optional>
#include <string>

namespace nemo {

struct Mp4Info {
  double seconds = 0;  // 0: unknown
  int width = 0;       // 0: no video track found
  int height = 0;
};

// nullopt when the file cannot be read or holds no moov box.
std::optional<Mp4Info> ReadMp4Info(const std::string& path);

}  // namespace nemo
