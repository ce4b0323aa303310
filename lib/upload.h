// nemo-upload's work: check every file before a byte is sent, stream the files from disk in one
// multipart request (or one request per file, N at a time) while hashing them, and verify the
// server's reply against what was sent. Memory does not grow with file size: files are read in
// chunks by libcurl's mime reader (lib/http.cc) and hashed as each chunk goes out.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "api.h"
#include "media_type.h"

namespace nemo {

inline constexpr int64_t kDefaultMaxUploadBytes = 500LL << 20;  // the larger of the two documented

// A file that passed every local check.
struct LocalFile {
  std::string path;      // as given on the command line
  std::string filename;  // its base name, as sent to the server
  const MediaType* type = nullptr;
  int64_t size = 0;
};

// Checks one file without sending anything. Throws Error naming the file:
// exit 2: missing, unreadable, not a regular file (directory, FIFO, device, socket, symlink loop);
// exit 6: unsupported extension, empty, or content that does not match the extension;
// exit 7: larger than `max_size`. A FIFO is never opened, and nothing else blocks on open.
LocalFile CheckFile(const std::string& path, int64_t max_size);
// Every file, in order; the first refusal is thrown, so one bad file means nothing is sent.
std::vector<LocalFile> CheckFiles(const std::vector<std::string>& paths, int64_t max_size);

// "612 MiB; limit 500 MiB"; exact byte counts when both would print the same.
std::string SizeAgainstLimit(int64_t size, int64_t limit);

// Refuses (exit 2) anything but an absolute http:// or https:// URL with a host.
void CheckUploadUrl(const std::string& url);

// What was sent for one file, to compare with what the server says it received.
struct SentFile {
  std::string filename;
  int64_t size = 0;
  std::string sha256;  // lower-case hex
  std::string kind;    // "video", "image", "audio"
};

// Checks the reply's `files` against `sent` (one entry per file; size, sha256, and `hash` when
// it is a SHA-256, must match) and returns the context's `uploads` entries in the order sent.
// A mismatch throws Error(13): "server reports N bytes for x.png, sent M".
nlohmann::json VerifyUploadReply(const nlohmann::json& data, const std::vector<SentFile>& sent);

struct UploadOptions {
  int jobs = 0;  // 0: every file in one multipart request; N: one request per file, N at once
  bool progress = false;  // draw the progress bar on stderr
};

// Uploads checked files into the session; returns the verified `uploads` entries, in order.
// POSTs are never re-sent on 5xx (the http layer's one 429 retry and the API's one refresh
// after 1001 excepted). With jobs, the token is resolved once before the threads start.
nlohmann::json UploadFiles(Api& api, const std::string& session_id,
                           const std::vector<LocalFile>& files, const UploadOptions& options);

// Registers URLs with {"urls":[…],"source_type":"url"}; returns the `uploads` entries.
nlohmann::json UploadUrls(Api& api, const std::string& session_id,
                          const std::vector<std::string>& urls);

}  // namespace nemo
