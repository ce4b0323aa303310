#include "mp4_info.h"

#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

namespace nemo {
namespace {

uint64_t Be(const unsigned char* p, int n) {
  uint64_t v = 0;
  for (int i = 0; i < n; ++i) v = (v << 8) | p[i];
  return v;
}

// Walks the boxes in [begin, end) of `data`, calling `on(type, body, body_end)` for each.
template <typename F>
void Boxes(const std::vector<unsigned char>& data, std::size_t begin, std::size_t end, F on) {
  std::size_t at = begin;
  while (at + 8 <= end) {
    uint64_t size = Be(&data[at], 4);
    std::size_t header = 8;
    if (size == 1 && at + 16 <= end) {
      size = Be(&data[at + 8], 8);
      header = 16;
    } else if (size == 0) {
      size = end - at;
    }
    if (size < header || size > end - at) return;
    on(std::string(reinterpret_cast<const char*>(&data[at + 4]), 4), at + header, at + size);
    at += size;
  }
}

}  // namespace

std::optional<Mp4Info> ReadMp4Info(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  // Top-level boxes are skipped by seeking: the media data (mdat) is most of the file.
  std::vector<unsigned char> moov;
  for (;;) {
    unsigned char head[16];
    if (!in.read(reinterpret_cast<char*>(head), 8)) break;
    uint64_t size = Be(head, 4);
    uint64_t header = 8;
    if (size == 1) {
      if (!in.read(reinterpret_cast<char*>(head + 8), 8)) break;
      size = Be(head + 8, 8);
      header = 16;
    }
    std::string type(reinterpret_cast<const char*>(head + 4), 4);
    if (size != 0 && size < header) break;
    if (type == "moov") {
      if (size == 0 || size - header > (64u << 20)) break;  // a moov that large is not one
      moov.resize(size - header);
      if (!in.read(reinterpret_cast<char*>(moov.data()), static_cast<std::streamsize>(moov.size())))
        return std::nullopt;
      break;
    }
    if (size == 0) break;
    in.seekg(static_cast<std::streamoff>(size - header), std::ios::cur);
    if (!in) break;
  }
  if (moov.empty()) return std::nullopt;
  Mp4Info info;
  Boxes(moov, 0, moov.size(), [&](const std::string& type, std::size_t b, std::size_t e) {
    if (type == "mvhd" && e - b >= 32) {
      bool v1 = moov[b] == 1;
      std::size_t t = b + (v1 ? 20 : 12);
      if (t + (v1 ? 12 : 8) > e) return;
      uint64_t scale = Be(&moov[t], 4), duration = Be(&moov[t + 4], v1 ? 8 : 4);
      if (scale > 0) info.seconds = static_cast<double>(duration) / static_cast<double>(scale);
    } else if (type == "trak" && info.width == 0) {
      Boxes(moov, b, e, [&](const std::string& inner, std::size_t ib, std::size_t ie) {
        // tkhd ends with the width and height, 16.16 fixed point; audio tracks have 0x0.
        if (inner != "tkhd" || ie - ib < 84) return;
        int w = static_cast<int>(Be(&moov[ie - 8], 4) >> 16);
        int h = static_cast<int>(Be(&moov[ie - 4], 4) >> 16);
        if (w > 0 && h > 0) {
          info.width = w;
          info.height = h;
        }
      });
    }
  });
  return info;
}

}  // namespace nemo
