#include "media_type.h"

#include <sys/stat.h>

#include <array>
#include <cctype>

namespace nemo {
namespace {

const std::array<MediaType, 14> kTypes = {{
    {"mp4", "video", "video/mp4", "MP4"},
    {"mov", "video", "video/quicktime", "MOV"},
    {"avi", "video", "video/x-msvideo", "AVI"},
    {"webm", "video", "video/webm", "WebM"},
    {"mkv", "video", "video/x-matroska", "MKV"},
    {"jpg", "image", "image/jpeg", "JPEG"},
    {"jpeg", "image", "image/jpeg", "JPEG"},
    {"png", "image", "image/png", "PNG"},
    {"gif", "image", "image/gif", "GIF"},
    {"webp", "image", "image/webp", "WebP"},
    {"mp3", "audio", "audio/mpeg", "MP3"},
    {"wav", "audio", "audio/wav", "WAV"},
    {"m4a", "audio", "audio/mp4", "M4A"},
    {"aac", "audio", "audio/aac", "AAC"},
}};

unsigned char At(std::string_view s, std::size_t i) {
  return i < s.size() ? static_cast<unsigned char>(s[i]) : 0;
}
bool Has(std::string_view s, std::size_t offset, std::string_view magic) {
  return s.size() >= offset + magic.size() && s.substr(offset, magic.size()) == magic;
}

// ISO base media (MP4, M4A, MOV, 3GP): a box whose type is `ftyp` at offset 4.
bool IsFtyp(std::string_view h) { return Has(h, 4, "ftyp"); }
// Old QuickTime files may start with another top-level atom instead of ftyp.
bool IsQuickTimeAtom(std::string_view h) {
  for (std::string_view atom : {"moov", "mdat", "wide", "free", "skip", "pnot"}) {
    if (Has(h, 4, atom)) return true;
  }
  return false;
}
bool IsRiff(std::string_view h, std::string_view form) {
  return (Has(h, 0, "RIFF") || Has(h, 0, "RF64")) && Has(h, 8, form);
}
bool IsEbml(std::string_view h) { return Has(h, 0, "\x1a\x45\xdf\xa3"); }
bool IsJpeg(std::string_view h) { return Has(h, 0, "\xff\xd8\xff"); }
bool IsPng(std::string_view h) { return Has(h, 0, "\x89PNG\r\n\x1a\n"); }
bool IsGif(std::string_view h) { return Has(h, 0, "GIF87a") || Has(h, 0, "GIF89a"); }
bool IsId3(std::string_view h) { return Has(h, 0, "ID3"); }
// An MPEG audio frame starts with 11 set bits: FF Ex or FF Fx.
bool IsMpegFrameSync(std::string_view h) { return At(h, 0) == 0xff && (At(h, 1) & 0xe0) == 0xe0; }
// An AAC ADTS header: 12 set bits, then layer 00: FF F0/F1 (MPEG-4) or FF F8/F9 (MPEG-2).
bool IsAdts(std::string_view h) { return At(h, 0) == 0xff && (At(h, 1) & 0xf6) == 0xf0; }

bool LooksLikeText(std::string_view h) {
  if (h.empty()) return false;
  for (unsigned char c : h) {
    if (c >= 0x80) continue;  // UTF-8 continuation or lead bytes
    if (c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f') return false;
    if (c == 0x7f) return false;
  }
  return true;
}

}  // namespace

std::string ExtensionOf(std::string_view filename) {
  std::size_t slash = filename.find_last_of('/');
  if (slash != std::string_view::npos) filename.remove_prefix(slash + 1);
  std::size_t dot = filename.find_last_of('.');
  if (dot == std::string_view::npos || dot == 0) return "";  // ".mp4" alone is a hidden file
  std::string ext(filename.substr(dot + 1));
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return ext;
}

const MediaType* MediaTypeForExtension(std::string_view extension) {
  if (!extension.empty() && extension.front() == '.') extension.remove_prefix(1);
  if (extension.empty()) return nullptr;
  std::string ext(extension);
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const MediaType& t : kTypes) {
    if (t.extension == ext) return &t;
  }
  return nullptr;
}

bool SniffMatches(const MediaType& type, std::string_view h) {
  const std::string& e = type.extension;
  if (e == "mp4" || e == "m4a") return IsFtyp(h);
  if (e == "mov") return IsFtyp(h) || IsQuickTimeAtom(h);
  if (e == "avi") return IsRiff(h, "AVI ");
  if (e == "webm" || e == "mkv") return IsEbml(h);
  if (e == "jpg" || e == "jpeg") return IsJpeg(h);
  if (e == "png") return IsPng(h);
  if (e == "gif") return IsGif(h);
  if (e == "webp") return IsRiff(h, "WEBP");
  if (e == "mp3") return IsId3(h) || IsMpegFrameSync(h);
  if (e == "wav") return IsRiff(h, "WAVE");
  if (e == "aac") return IsAdts(h) || IsId3(h) || Has(h, 0, "ADIF");
  return false;
}

bool ContentFitsFormat(std::string_view format, std::string_view head) {
  const MediaType* type = MediaTypeForExtension(format);
  if (type == nullptr) return true;
  const std::string& e = type->extension;
  if (e == "mp4" || e == "m4a" || e == "mov") return IsFtyp(head) || IsQuickTimeAtom(head);
  return SniffMatches(*type, head);
}

std::string DescribeContent(std::string_view h) {
  if (IsPng(h)) return "PNG";
  if (IsJpeg(h)) return "JPEG";
  if (IsGif(h)) return "GIF";
  if (IsRiff(h, "WEBP")) return "WebP";
  if (IsRiff(h, "WAVE")) return "WAV";
  if (IsRiff(h, "AVI ")) return "AVI";
  if (IsEbml(h)) return "Matroska/WebM";
  if (IsFtyp(h)) {
    if (Has(h, 8, "M4A ")) return "M4A";
    if (Has(h, 8, "qt  ")) return "MOV";
    return "MP4";
  }
  if (IsId3(h)) return "MP3";
  if (IsAdts(h)) return "AAC";
  if (IsMpegFrameSync(h)) return "MP3";
  if (Has(h, 0, "%PDF")) return "PDF";
  if (Has(h, 0, "PK\x03\x04")) return "a ZIP archive";
  if (Has(h, 0,
          "\x7f"
          "ELF"))
    return "a program";
  if (Has(h, 0, "\x1f\x8b")) return "gzip data";
  if (LooksLikeText(h)) return "text";
  return "";
}

std::string SupportedTypesText() {
  return "video mp4 mov avi webm mkv; image jpg jpeg png gif webp; audio mp3 wav m4a aac";
}

std::string FileKindOf(mode_t mode) {
  if (S_ISLNK(mode)) return "a symbolic link";
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISCHR(mode)) return "a character device";
  return "not a regular file";
}

}  // namespace nemo
