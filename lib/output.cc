#include "output.h"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <regex>

#include "interrupt.h"
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

nlohmann::json FailureContext(std::string_view program, const Error& error) {
  nlohmann::json body = {{"exit", error.exit_code()}, {"message", RedactSecrets(error.what())}};
  if (error.api_code() != 0) body["code"] = error.api_code();
  std::string hint = RedactSecrets(error.hint());
  if (!hint.empty()) body["hint"] = hint;
  body["program"] = std::string(program);
  return nlohmann::json{{"error", body}};
}

bool IsFailureContext(const nlohmann::json& context) {
  // No context a program writes on success has a top-level "error" object with an exit code.
  auto it = context.find("error");
  return it != context.end() && it->is_object() && it->contains("exit") &&
         (*it)["exit"].is_number_integer();
}

int FailureExitCode(const nlohmann::json& context) {
  if (!IsFailureContext(context)) return kExitInternal;
  long long code = context["error"]["exit"].get<long long>();
  return code > 0 && code < 256 ? static_cast<int>(code) : kExitInternal;
}

std::string FormatError(std::string_view program, const Error& error, ErrorFormat format) {
  if (format == ErrorFormat::kJson) return DumpJson(FailureContext(program, error), false) + "\n";
  std::string message = RedactSecrets(error.what());
  std::string hint = RedactSecrets(error.hint());
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

void FlushStdoutOrExit(std::string_view program) {
  if (std::fflush(stdout) == 0 && !std::ferror(stdout)) return;
  int err = errno != 0 ? errno : EIO;  // errno of the write that failed, in fflush or before
  // Ctrl-C on a pipeline: the reader ended first because of the same signal; say 130, not 141.
  if (err == EPIPE && InterruptSignal() != 0) _exit(ExitCodeForSignal(InterruptSignal()));
  if (err != EPIPE) {
    std::fprintf(stderr, "%.*s: stdout: cannot write: %s\n", static_cast<int>(program.size()),
                 program.data(), std::strerror(err));
    std::fflush(stderr);
  }
  _exit(ExitCodeForWriteError(err));
}

std::string RedactSecrets(std::string text) {
  static const std::regex kToken(R"((nmv_usr_|Bearer\s+)[A-Za-z0-9._~+/=-]+)");
  return std::regex_replace(text, kToken, "$1[redacted]");
}

}  // namespace nemo
