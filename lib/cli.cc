#include "cli.h"

#include <signal.h>
#include <unistd.h>

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <limits>

#include "atomic_file.h"
#include "context.h"
#include "error.h"
#include "http.h"
#include "interrupt.h"
#include "terminal.h"

namespace nemo {
namespace {

void OnSignal(int sig) {
  // A second Ctrl-C means "now": leave without cleaning up further.
  if (InterruptSignal() != 0) _exit(ExitCodeForSignal(sig));
  RequestInterrupt(sig);
}

void InstallSignalHandlers() {
  struct sigaction sa {};
  sa.sa_handler = OnSignal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  // A closed stdout (`| head -c1`) must not be reported as an error: writes see EPIPE and the
  // program leaves quietly (see WriteJson's callers).
  signal(SIGPIPE, SIG_IGN);
}

std::string ScanErrorFormat(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--error-format" && i + 1 < argc) return argv[i + 1];
    if (arg.rfind("--error-format=", 0) == 0) return arg.substr(15);
  }
  return "";
}

}  // namespace

JsonStyle CommonFlags::json_style() const {
  if (pretty) return JsonStyle::kPretty;
  if (compact) return JsonStyle::kCompact;
  return JsonStyle::kAuto;
}

Program::Program(std::string name, std::string summary, std::string example)
    : name_(std::move(name)), app_(std::move(summary), name_) {
  app_.set_help_flag("-h,--help", "Show this help and exit");
  app_.set_version_flag("--version", name_ + " " + NEMO_VERSION + " (" + CurlVersion() + ")",
                        "Show the version (and libcurl's) and exit");
  app_.footer("Example:\n  " + example + "\n\nExit status and the context keys: see " + name_ +
              "(1) and nemo(7).");
  app_.get_formatter()->column_width(28);
  app_.option_defaults()->group("Options");
  // Subcommands inherit this: common flags work after them too (`nemo-auth status -v`).
  app_.fallthrough();
  auto* common = "Common options";
  app_.add_option("--api", flags_.api, "API base URL (default: context \"api\", NEMO_API_URL)")
      ->type_name("<url>")
      ->group(common);
  app_.add_flag("--pretty", flags_.pretty, "Indent the JSON output")->group(common);
  app_.add_flag("--compact", flags_.compact, "One-line JSON output, even on a terminal")
      ->group(common);
  app_.add_flag("-q,--quiet", flags_.quiet, "No progress or notes on stderr")->group(common);
  app_.add_flag("-v,--verbose", flags_.verbose, "Log requests to stderr (tokens redacted)")
      ->group(common);
  app_.add_option("--error-format", flags_.error_format, "Errors as text or one JSON object")
      ->type_name("{text|json}")
      ->group(common);
  app_.add_option("-O,--context-out", flags_.context_out,
                  "Write the context to FILE (atomically, on success) instead of stdout")
      ->type_name("<file>")
      ->group(common);
}

int Program::Run(int argc, char** argv, const std::function<int()>& body) {
  InstallSignalHandlers();
  ErrorFormat format = ResolveErrorFormat(ScanErrorFormat(argc, argv));
  try {
    try {
      app_.parse(argc, argv);
    } catch (const CLI::CallForHelp&) {
      std::fputs(app_.help().c_str(), stdout);
      return kExitOk;
    } catch (const CLI::CallForVersion& e) {
      std::printf("%s\n", e.what());
      return kExitOk;
    } catch (const CLI::ParseError& e) {
      std::string message = e.what();
      for (char& c : message)
        if (c == '\n') c = ' ';
      throw Error(kExitUsage, message, "run `" + name_ + " --help` for usage");
    }
    if (!flags_.error_format.empty() && flags_.error_format != "text" &&
        flags_.error_format != "json") {
      throw Error(kExitUsage,
                  "--error-format: expected text or json, got \"" + flags_.error_format + "\"");
    }
    if (flags_.pretty && flags_.compact) {
      throw Error(kExitUsage, "--pretty and --compact exclude each other");
    }
    format = ResolveErrorFormat(flags_.error_format);
    if (app_.get_option("--context-out")->count() > 0) CheckContextOut(flags_.context_out);
    return body();
  } catch (const Error& e) {
    PrintError(name_, e, format);
    return e.exit_code();
  } catch (const nlohmann::json::exception& e) {
    PrintError(name_, Error(kExitBadResponse, std::string("unexpected data: ") + e.what()), format);
    return kExitBadResponse;
  } catch (const std::bad_alloc&) {
    PrintError(name_, Error(kExitInternal, "out of memory"), format);
    return kExitInternal;
  } catch (const std::exception& e) {
    PrintError(name_,
               Error(kExitInternal, std::string("internal error: ") + e.what(),
                     "this is a bug in nemo; please report it with the command you ran"),
               format);
    return kExitInternal;
  }
}

nlohmann::json Program::ReadContext() const { return nemo::ReadContext(stdin); }

Api Program::MakeApi(const nlohmann::json& context) const {
  Config config =
      LoadConfig(flags_.api.empty() ? std::nullopt : std::optional<std::string>(flags_.api),
                 context, flags_.verbose);
  if (!config.environment_token && std::getenv("NEMO_TOKEN") != nullptr) {
    Note("NEMO_TOKEN is not sent to " + config.api_base +
         ", which only the context names; using the token stored for it or minted there");
  }
  return Api(std::move(config));
}

void Program::WriteContext(const nlohmann::json& context) const {
  if (flags_.context_out.empty() || flags_.context_out == "-") {
    WriteJson(context, flags_.json_style());
    if (std::ferror(stdout)) _exit(ExitCodeForWriteError(errno));
    return;
  }
  // A file is not a terminal: compact unless --pretty.
  WriteOutput(DumpJson(context, flags_.pretty) + "\n");
}

void Program::WriteOutput(const std::string& text) const {
  if (flags_.context_out.empty() || flags_.context_out == "-") {
    std::fwrite(text.data(), 1, text.size(), stdout);
    if (std::fflush(stdout) != 0 || std::ferror(stdout)) {
      _exit(ExitCodeForWriteError(errno));
    }
    return;
  }
  ReplaceFileAtomically(flags_.context_out, text, DefaultFileMode(), kExitUsage);
}

void Program::Note(const std::string& message) const {
  // Notes are for people: only on a terminal (the spec's rule for everything but errors).
  if (!flags_.quiet && StderrIsTerminal()) {
    std::fprintf(stderr, "%s: %s\n", name_.c_str(), message.c_str());
  }
}

void CheckContextOut(const std::string& path) {
  if (path.empty()) throw Error(kExitUsage, "-O: the context file name is empty");
  if (path == "-") return;
  namespace fs = std::filesystem;
  std::error_code ec;
  if (path.back() == '/' || fs::is_directory(path, ec)) {
    throw Error(kExitUsage, "-O " + path + ": is a directory",
                "give a file name, e.g. -O " + (fs::path(path) / "context.json").string());
  }
  fs::path dir = fs::absolute(fs::path(path), ec).parent_path();
  if (!fs::is_directory(dir, ec)) {
    throw Error(kExitUsage, "-O " + path + ": directory " + dir.string() + " does not exist",
                "create it first (mkdir -p " + dir.string() + ")");
  }
  if (access(dir.c_str(), W_OK | X_OK) != 0) {
    throw Error(kExitUsage, "-O " + path + ": directory " + dir.string() + " is not writable");
  }
}

long long ParseDurationMs(const std::string& text, const std::string& flag) {
  std::size_t i = 0;
  while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.'))
    ++i;
  std::string number = text.substr(0, i), unit = text.substr(i);
  double value = 0;
  bool ok = !number.empty() && number.size() < 12;
  if (ok) {
    try {
      std::size_t used = 0;
      value = std::stod(number, &used);
      ok = used == number.size();  // "1.2.3" is not 1.2
    } catch (...) {
      ok = false;
    }
  }
  double scale = 0;
  if (unit == "ms")
    scale = 1;
  else if (unit.empty() || unit == "s")
    scale = 1000;
  else if (unit == "m" || unit == "min")
    scale = 60000;
  else if (unit == "h")
    scale = 3600000;
  if (!ok || scale == 0) {
    throw Error(kExitUsage, flag + ": bad duration \"" + text + "\"",
                "use e.g. 90s, 15m, 500ms or 1h");
  }
  return static_cast<long long>(value * scale);
}

long long ParseSize(const std::string& text, const std::string& flag) {
  std::size_t i = 0;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
  std::string number = text.substr(0, i), unit = text.substr(i);
  for (char& c : unit) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  long long scale = 0;
  if (unit.empty() || unit == "b")
    scale = 1;
  else if (unit == "k" || unit == "kib")
    scale = 1LL << 10;
  else if (unit == "kb")
    scale = 1000;
  else if (unit == "m" || unit == "mib")
    scale = 1LL << 20;
  else if (unit == "mb")
    scale = 1000000;
  else if (unit == "g" || unit == "gib")
    scale = 1LL << 30;
  else if (unit == "gb")
    scale = 1000000000;
  if (number.empty() || number.size() > 12 || scale == 0) {
    throw Error(kExitUsage, flag + ": bad size \"" + text + "\"", "use e.g. 500MiB, 200MB or 1G");
  }
  long long value = std::stoll(number);
  if (value > std::numeric_limits<long long>::max() / scale) {  // would overflow
    throw Error(kExitUsage, flag + ": size \"" + text + "\" is too large");
  }
  return value * scale;
}

std::string RequireSessionId(const std::string& flag, const nlohmann::json& context) {
  if (!flag.empty()) return flag;
  auto from_context = ContextString(context, "session_id");
  if (from_context && !from_context->empty()) return *from_context;
  throw Error(kExitUsage, "no session id",
              "pipe a context from `nemo-session` or pass --session <id>");
}

}  // namespace nemo
