// A contact sheet: one PNG holding a grid of frames taken evenly through a video, each with its
// time, so a render can be looked at without playing it. Made by ffmpeg (and ffprobe), which
// nemo does not need otherwise: their absence is a clear error, found before any work.
#pragma once

#include <string>

namespace nemo {

// Error(kExitUsage) naming what is missing when ffmpeg or ffprobe is not on PATH.
void RequireFfmpeg(const std::string& flag);

// Checks where the sheet goes before any work: a file name ending in .png in a writable
// directory (not "-", not a directory). Returns the absolute path; Error(kExitUsage) otherwise.
std::string CheckContactSheetPath(const std::string& path);

struct ContactSheetLayout {
  int columns = 4;
  int rows = 3;
  int frame_width = 320;  // pixels; the height keeps the video's aspect ratio
};

// Writes the sheet of `video` to `png` (an AtomicFile: a temporary fsynced and renamed into
// place, so a failure leaves nothing). Error(kExitBadResponse) when ffmpeg cannot read the video;
// 130/143 when a signal stops it.
void MakeContactSheet(const std::string& video, const std::string& png,
                      const ContactSheetLayout& layout = {});

}  // namespace nemo
