#include "output.h"

#include <cstdio>
#include <cstdlib>
#include <regex>

#include "terminal.h"
#include "text.h"

namespace nemo {

ErrorFormat ResolveErrorFormat(std::string_view flag) {
  std::string_view value = flag;
  if (value.empty()) {
    const char* env = std::getenv("NEMO_ERROR_FORMAT");
    value = env ? env : "";
  }
  return value == "json" ? ErrorFormat::kJson : ErrorFormat::kText;
}

std::string FormatError(std::string_view program, const Error& error, ErrorFormat format) {
  std::string message = RedactSecrets(error.what());
  std::string hint = RedactSecrets(error.hint());
  if (format == ErrorFormat::kJson) {
    nlohmann::json body = {{"exit", error.exit_code()}, {"message", message}};
    if (error.api_code() != 0) body["code"] = error.api_code();
    if (!hint.empty()) body["hint"] = hint;
    body["program"] = std::string(program);
    return nlohmann::json{{"error", body}}.dump(-1, ' ', false,
                                                nlohmann::json::error_handler_t::replace) +
           "\n";
  }
  std::string line = std::string(program) + ": " + ForTerminal(message);
  if (error.api_code() != 0) line += " [" + std::to_string(error.api_code()) + "]";
  line += "\n";
  if (!hint.empty()) line += "hint: " + ForTerminal(hint) + "\n";
  return line;
}

void PrintError(std::string_view program, const Error& error, ErrorFormat format) {
  std::string text = FormatError(program, error, format);
  std::fwrite(text.data(), 1, text.size(), stderr);
  std::fflush(stderr);
}

void PrintWarning(std::string_view program, std::string_view message) {
  std::fprintf(stderr, "%.*s: warning: %s\n", static_cast<int>(program.size()), program.data(),
               ForTerminal(RedactSecrets(std::string(message))).c_str());
}

std::string DumpJson(const nlohmann::json& value, bool pretty) {
  // Invalid UTF-8 from a server must not crash the writer: replace it.
  return value.dump(pretty ? 2 : -1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void WriteJson(const nlohmann::json& value, JsonStyle style) {
  bool pretty = style == JsonStyle::kPretty || (style == JsonStyle::kAuto && StdoutIsTerminal());
  std::string text = DumpJson(value, pretty) + "\n";
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
}

std::string RedactSecrets(std::string text) {
  static const std::regex kToken(R"((nmv_usr_|Bearer\s+)[A-Za-z0-9._~+/=-]+)");
  return std::regex_replace(text, kToken, "$1[redacted]");
}

}  // namespace nemo
