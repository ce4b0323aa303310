// What kind of media a file is, by its name and by its first bytes. The API accepts
// video mp4 mov avi webm mkv, image jpg png gif webp, audio mp3 wav m4a aac (NEMOVIDEO-API.md);
// a file is sent only when its extension is one of those AND its content starts the way that
// format starts, so a renamed text file is refused here instead of failing on the server.
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>

namespace nemo {

struct MediaType {
  std::string extension;     // lower case, without the dot: "mp4"
  std::string kind;          // "video", "image" or "audio"
  std::string mime;          // "video/mp4"
  std::string display_name;  // "MP4", for messages
};

// How many leading bytes SniffMatches and DescribeContent look at.
inline constexpr std::size_t kSniffBytes = 16;

// The lower-case extension of a file name ("" when it has none): "Clip.MP4" → "mp4".
std::string ExtensionOf(std::string_view filename);

// The media type for an extension (with or without the dot, any case); nullptr when unsupported.
const MediaType* MediaTypeForExtension(std::string_view extension);

// True when `head` (the file's first bytes, up to kSniffBytes) starts the way `type` starts.
bool SniffMatches(const MediaType& type, std::string_view head);

// Whether a downloaded file in `format` ("mp4") starts the way that format starts (ISO media may
// begin with any top-level box). True for a format this table does not know: nothing to check.
bool ContentFitsFormat(std::string_view format, std::string_view head);

// What the bytes look like, for a refusal message: "PNG", "text", "JPG", … or "" when unknown.
std::string DescribeContent(std::string_view head);

// What a path that is not a regular file is, for a refusal ("PATH: is a FIFO, not a regular
// file"): "a directory", "a FIFO", "a character device", "a block device", "a socket", "a symbolic
// link" (from lstat), else "not a regular file".
std::string FileKindOf(mode_t mode);

// "video mp4 mov avi webm mkv; image jpg jpeg png gif webp; audio mp3 wav m4a aac"
std::string SupportedTypesText();

// Whether a file name has a supported extension (shell completion and filters).
inline bool HasSupportedExtension(std::string_view filename) {
  return MediaTypeForExtension(ExtensionOf(filename)) != nullptr;
}

}  // namespace nemo
