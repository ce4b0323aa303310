// What every program shares on its command line and around its main: the common flags (CLI11),
// signal handling, and turning errors into one line on stderr and the documented exit code.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "api.h"
#include "output.h"

namespace nemo {

struct CommonFlags {
  std::string api;
  bool pretty = false;
  bool compact = false;
  bool quiet = false;
  bool verbose = false;
  bool json = false;  // --json: the context on stdout even on a terminal (no summary)
  std::string error_format;
  std::string context_out;  // -O: the file the context goes to instead of stdout
  JsonStyle json_style() const;
};

class Program {
 public:
  // `example` is printed at the end of --help.
  Program(std::string name, std::string summary, std::string example);

  CLI::App& app() { return app_; }
  const CommonFlags& flags() const { return flags_; }
  const std::string& name() const { return name_; }

  // Parses argv, installs the signal handlers, runs `body` and maps what it throws to an exit code.
  // A failure is said on stderr and, when stdout carries the context to a pipe or file, passed on
  // there as a failure context (FailureContext in output.h) for the next program in the pipe.
  int Run(int argc, char** argv, const std::function<int()>& body);

  // Whether stdout carries this run's context (the default): not when it carries a video
  // (`-o -`), plain text (--text, --summary) or a token. Asked after a failure, to decide where
  // the failure context goes; set before Run.
  void set_context_on_stdout(std::function<bool()> predicate) {
    context_on_stdout_ = std::move(predicate);
  }

  // The stdin context (empty when stdin is a terminal). Waits for it in steps that look at the
  // interrupt flag: Ctrl-C while the stage before is still working ends this one at once,
  // quietly. A failure context from the stage before ends this program with its exit code, its
  // failure context passed on and nothing said (the stage before said it). A pipe that ends
  // with nothing in it reads as an empty context; RequireSessionId then says kExitNoContext.
  nlohmann::json ReadContext() const;
  // The API client for this run: --api, else the context's "api" where the rule allows it
  // (ChooseApiBase in config.h), else NEMO_API_URL.
  Api MakeApi(const nlohmann::json& context) const;
  // One JSON object on stdout; with -O FILE, into FILE instead, atomically (temporary file,
  // fsync, rename), so a failure never leaves a half or empty context that `make` would take for
  // done. On a terminal, a short summary for people (Summarize in summary.h) instead of the
  // JSON, unless --json, --pretty or --compact asks for the JSON.
  void WriteContext(const nlohmann::json& context) const;
  // Like WriteContext, for a JSON document that is not the context (nemo-state --draft): never
  // summarised.
  void WriteDocument(const nlohmann::json& document) const;
  // Whether WriteContext would print a summary rather than JSON (a terminal, no --json, …).
  bool WantsSummary() const;
  // What a program prints instead of the context (a summary line, a draft): same rules.
  void WriteOutput(const std::string& text) const;
  // A note for people on stderr, only on a terminal; silenced by --quiet.
  void Note(const std::string& message) const;

 private:
  std::string name_;
  CLI::App app_;
  CommonFlags flags_;
  std::function<bool()> context_on_stdout_;
  // Writes a failure context on stdout where the next program in the pipe reads it.
  void PassOn(const nlohmann::json& failure) const;
};

// Ends a program with `exit_code`, `context` (a failure context) passed on stdout the way Run
// passes its own failures, and nothing on stderr: the stage before already said why, or there is
// nothing to say (Ctrl-C while waiting on stdin; the shell shows ^C).
struct SilentExit {
  int exit_code;
  nlohmann::json context;
};

// -O FILE: refused (Error(kExitUsage)) before any work when the file could not be written:
// empty, a directory, in a directory that does not exist or is not writable.
void CheckContextOut(const std::string& path);

// "15m", "90s", "500ms", "2h", "30" (seconds) → milliseconds; Error(kExitUsage) otherwise.
long long ParseDurationMs(const std::string& text, const std::string& flag);
// "500MiB", "200MB", "1G", "1024" (bytes) → bytes; Error(kExitUsage) otherwise.
long long ParseSize(const std::string& text, const std::string& flag);

// The session id: --session flag, else the context's "session_id"; if neither,
// Error(kExitNoContext) when stdin was a pipe that ended empty (the stage before ended without a
// context), else Error(kExitUsage).
std::string RequireSessionId(const std::string& flag, const nlohmann::json& context);

}  // namespace nemo
