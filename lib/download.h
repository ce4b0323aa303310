// Downloading the rendered file safely: into `FILE.part` beside the target, fsync'ed and renamed,
// so a failed download never leaves a file at the final name (which keeps `make` honest).
// A dropped connection resumes with Range; a server that ignores Range restarts from byte 0;
// a failing output URL falls back to the API's download endpoint. The SHA-256 is computed
// while writing, and memory does not grow with the file.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "api.h"

namespace nemo {

struct DownloadOptions {
  std::string url;            // the job's output URL (a CDN): fetched WITHOUT the bearer token
  std::string fallback_path;  // API path fetched with the token when `url` fails ("" = none)
  std::string target;         // the final path (absolute), or "-" for stdout; an existing FIFO or
                              // character device there is written as a stream, never replaced
  // The container the file must be ("mp4"): a source whose body does not start the way it
  // starts is not giving the video (a gateway's text under any status), and the next is tried.
  std::string format;
  int resumes = 3;  // Range resumes per source after a dropped connection
  std::function<void(int64_t done, int64_t total)> on_progress;  // total <= 0: unknown
  std::function<void(const std::string&)> on_note;               // "falling back to …"
};

struct DownloadResult {
  std::string file;  // the absolute final path, or "-"
  int64_t bytes = 0;
  std::string sha256;
  bool fallback = false;  // the API endpoint delivered the file
  int resumes = 0;
  int64_t elapsed_ms = 0;  // from the first request to the file in place: hashed, fsync'ed, renamed
};

// Throws Error: kExitInterrupted/kExitTerminated on a signal (the .part is removed), the
// last source's error when every source failed.
DownloadResult Download(Api& api, const DownloadOptions& options);

// Checks an output path before any request. "-", /dev/stdout, /dev/fd/1 mean stdout ("-"); other
// descriptor paths (/dev/stderr, /dev/fd/N) and an existing FIFO or character device are written
// as a stream, never replaced. Anything else is a
// file: not an existing directory or other special file, in a writable directory, with no
// FILE.part that is not a regular file (a stale or planted symbolic link is refused, not found
// after the render). Returns the absolute path or "-"; Error(kExitUsage) otherwise.
std::string CheckOutputPath(const std::string& path);

// The total size announced by a response: `Content-Range: bytes a-b/TOTAL` for a 206, else
// Content-Length plus `offset`. -1 when unknown.
int64_t AnnouncedTotal(long status, const std::string& content_range,
                       const std::string& content_length, int64_t offset);

}  // namespace nemo
