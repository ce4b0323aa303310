// What the sandbox knows about media files: supported types and ffprobe's view of a file.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace sandbox {

// "video", "image", "audio", or "" for an unsupported extension (given lower-case, no dot).
std::string FileTypeOf(const std::string& ext);
// The message of error 4001.
std::string SupportedTypesText();
// {"duration","width","height","fps"} from ffprobe, each null when unknown (best effort).
nlohmann::json ProbeMedia(const std::string& path, const std::string& file_type);
// A name safe in a URL path and on disk: [A-Za-z0-9._-], at most 100 characters.
std::string SafeName(const std::string& filename);
std::string MimeTypeOf(const std::string& filename);

}  // namespace sandbox
