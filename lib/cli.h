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
  int Run(int argc, char** argv, const std::function<int()>& body);

  // The stdin context (empty when stdin is a terminal).
  nlohmann::json ReadContext() const;
  // The API client for this run: --api, else the context's "api" where the rule allows it
  // (ChooseApiBase in config.h), else NEMO_API_URL.
  Api MakeApi(const nlohmann::json& context) const;
  // One JSON object on stdout, pretty on a terminal unless --compact; with -O FILE, into FILE
  // instead, atomically (temporary file, fsync, rename), so a failure never leaves a half or
  // empty context that `make` would take for done.
  void WriteContext(const nlohmann::json& context) const;
  // What a program prints instead of the context (a summary line, a draft): same rules.
  void WriteOutput(const std::string& text) const;
  // A note for people on stderr, only on a terminal; silenced by --quiet.
  void Note(const std::string& message) const;

 private:
  std::string name_;
  CLI::App app_;
  CommonFlags flags_;
};

// -O FILE: refused (Error(kExitUsage)) before any work when the file could not be written:
// empty, a directory, in a directory that does not exist or is not writable.
void CheckContextOut(const std::string& path);

// "15m", "90s", "500ms", "2h", "30" (seconds) → milliseconds; Error(kExitUsage) otherwise.
long long ParseDurationMs(const std::string& text, const std::string& flag);
// "500MiB", "200MB", "1G", "1024" (bytes) → bytes; Error(kExitUsage) otherwise.
long long ParseSize(const std::string& text, const std::string& flag);

// The session id: --session flag, else the context's "session_id"; Error(kExitUsage) if neither.
std::string RequireSessionId(const std::string& flag, const nlohmann::json& context);

}  // namespace nemo
