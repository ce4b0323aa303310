// Exporting a session's draft: what nemo-export does between reading its flags and writing the
// context. The render is submitted and followed on the server, then downloaded safely (FILE.part,
// fsync, rename; resumed, with a fallback). The journal keeps the render submitted for each draft:
// a re-run after a kill follows that render (or downloads it again) instead of submitting the
// draft a second time, and Ctrl-C while following cancels the render and records "cancelled".
#pragma once

#include <chrono>
#include <string>

#include <nlohmann/json.hpp>

#include "api.h"
#include "journal.h"

namespace nemo {

struct ExportRequest {
  std::string session_id;
  std::string session_name;    // the context's, if any: in the journal and an interruption's words
  std::string output;          // -o: a file, "-" for stdout; "" for the default name
  bool output_given = false;   // -o was on the command line (so "" is an empty name, refused)
  std::string format = "mp4";  // the container
  std::string quality = "high";
  std::chrono::milliseconds timeout{30 * 60 * 1000};  // following the render
  std::string draft_file;                             // --draft: this draft, not the session's
  std::string contact_sheet;  // a PNG of frames to write after the download ("" = none)
  bool no_download = false;   // wait for the render, report its URL only
  bool detach = false;        // submit and return at once
  bool fresh = false;         // --new: submit even if the journal has a render for this draft
  bool progress = false;      // progress bars even when stderr is not a terminal
  bool quiet = false, verbose = false;
};

struct ExportResult {
  // The keys for the context: "render" (id, status, url); after a download "file", "bytes",
  // "sha256" and, with a contact sheet, "contact_sheet".
  nlohmann::json context = nlohmann::json::object();
  // The video went to stdout: the context has no room there (only in an -O file), and the file
  // keys are left out.
  bool video_on_stdout = false;
};

// A file name made of the ids a server or a context supplied: letters, digits, '-', '_' and '.'
// only (others become '_'), no leading '.', so it stays in the current directory.
std::string SafeFileName(const std::string& name);

// The file a download goes to when -o is not given: "<session>-<render id>.<format>" in the
// current directory (SafeFileName). Before the render exists (`render_id` empty), the name checked
// in advance is
// "<session>.mp4".
std::string DefaultOutputName(const std::string& session_id, const std::string& render_id = "",
                              const std::string& format = "mp4");

class Exporter {
 public:
  // Checks everything that needs no server, so that a bad flag, a bad output path or a missing
  // ffmpeg costs nothing: Error(kExitUsage) (or the output path's error).
  explicit Exporter(ExportRequest request);

  // Renders (or follows the journal's render), then downloads, as the request says.
  ExportResult Run(Api& api, Journal& journal);

 private:
  ExportRequest request_;
  std::string target_;  // the checked output path, "-", or "" when not downloading
};

}  // namespace nemo
