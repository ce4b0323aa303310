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
std::string DumpJson(const nlohmann::json& value, bool pretty);

// Removes anything that looks like a bearer token from text meant for logs and errors.
std::string RedactSecrets(std::string text);

}  // namespace nemo
