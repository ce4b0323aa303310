// What a program says to its user: the JSON context on stdout, errors and notes on stderr.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "error.h"

namespace nemo {

enum class ErrorFormat { kText, kJson };
enum class JsonStyle { kAuto, kPretty, kCompact };

// `flag` is --error-format's value ("" when absent); NEMO_ERROR_FORMAT is the fallback.
ErrorFormat ResolveErrorFormat(std::string_view flag);

// `nemo-upload: clip.mkv: file too large (612 MiB; limit 500 MiB) [4002]` and an optional
// `hint: …` line; or one JSON object {"error":{…}} in the JSON format.
void PrintError(std::string_view program, const Error& error, ErrorFormat format);
std::string FormatError(std::string_view program, const Error& error, ErrorFormat format);

// `nemo-auth: warning: …` on stderr (always: warnings are for people and scripts alike).
void PrintWarning(std::string_view program, std::string_view message);

// One JSON document on stdout, newline-terminated and flushed: pretty on a terminal.
void WriteJson(const nlohmann::json& value, JsonStyle style);

// Flushes stdout; when that (or an earlier write) failed, ends the program at once with
// ExitCodeForWriteError: a reader that went away (EPIPE: `| head -c1`) quietly with 141, anything
// else the system refused (a full disk, EIO, a read-only mount, a quota) with 14 and one line
// (after SIGINT or SIGTERM, a reader gone is that signal's doing: 130 or 143)
// "PROGRAM: stdout: cannot write: WHY". The one place stdout's write errors are turned into exits.
void FlushStdoutOrExit(std::string_view program);

// The failure context: the object a failed program writes on stdout for the next program in the
// pipe (the same one --error-format json prints on stderr: {"error":{"exit","message","hint",
// "code","program"}}), and the test that a context read from stdin is one.
nlohmann::json FailureContext(std::string_view program, const Error& error);
bool IsFailureContext(const nlohmann::json& context);
// The exit code a failure context carries (kExitInternal when it carries none that fits).
int FailureExitCode(const nlohmann::json& context);
std::string DumpJson(const nlohmann::json& value, bool pretty);

// Removes anything that looks like a bearer token from text meant for logs and errors.
std::string RedactSecrets(std::string text);

}  // namespace nemo
