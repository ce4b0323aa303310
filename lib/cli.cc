#include "cli.h"

#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
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
#include "summary.h"
#include "terminal.h"
#include "text.h"

namespace nemo {
namespace {

// Program::ReadContext found stdin a pipe that ended without a byte.
bool g_stdin_was_empty_pipe = false;

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

// --help as people read it: "-h, --help" and the value's name alone ("<n>", "{mp4}"), without
// the validator's own text that CLI11 appends (":NONNEGATIVE", ":INT in [1 - 64]", ":{mp4}").
class HelpFormatter : public CLI::Formatter {
 public:
  std::string make_option_name(const CLI::Option* opt, bool is_positional) const override {
    std::string names = CLI::Formatter::make_option_name(opt, is_positional);
    std::string out;
    for (char c : names) {
      out += c;
      if (c == ',') out += ' ';
    }
    return out;
  }
  std::string make_option_opts(const CLI::Option* opt) const override {
    if (opt->get_type_size() == 0 || !opt->get_option_text().empty()) {
      return CLI::Formatter::make_option_opts(opt);
    }
    std::string type = opt->get_type_name();
    type = type.substr(0, type.find(':'));
    return type.empty() ? "" : " " + type;
  }
};

// Every long option of `app` and of the subcommands it parsed ("--output"), for "did you mean".
void CollectLongOptions(const CLI::App* app, std::vector<std::string>& out) {
  for (const CLI::Option* opt : app->get_options()) {
    for (const auto& name : opt->get_lnames()) out.push_back("--" + name);
  }
  for (const CLI::App* sub : app->get_subcommands()) CollectLongOptions(sub, out);
}

// A CLI11 parse error in the suite's voice: "what: why" and a hint, with "did you mean" for a
// mistyped flag or subcommand (CLI11 says "The following arguments were not expected: …").
Error UsageError(const CLI::App& app, const std::string& program, const CLI::ParseError& e) {
  std::string help_hint = "run `" + program + " --help` for usage";
  if (dynamic_cast<const CLI::ExtrasError*>(&e) != nullptr) {
    std::vector<std::string> extras = app.remaining(true);
    std::string word;
    for (const auto& arg : extras) {
      if (arg.size() > 1 && arg[0] == '-') {
        word = arg;
        break;
      }
    }
    if (!word.empty()) {
      word = word.substr(0, word.find('='));
      std::vector<std::string> names;
      CollectLongOptions(&app, names);
      std::string guess = word.rfind("--", 0) == 0 ? ClosestMatch(word, names) : "";
      return Error(kExitUsage, word + ": unknown option",
                   guess.empty() ? help_hint : "did you mean " + guess + "?");
    }
    word = extras.empty() ? std::string() : extras.front();
    if (app.get_subcommands().empty() && !app.get_subcommands({}).empty()) {
      std::vector<std::string> names;
      for (const CLI::App* sub : app.get_subcommands({})) names.push_back(sub->get_name());
      std::string guess = ClosestMatch(word, names);
      if (!guess.empty()) {
        return Error(kExitUsage, word + ": unknown command",
                     "did you mean `" + program + " " + guess + "`?");
      }
    }
    return Error(kExitUsage, word + ": unexpected argument", help_hint);
  }
  // CLI11's own sentence ("--jobs: Value 0 not in range [1 - 64]", "--output: 1 required TEXT
  // missing"), on one line and in lower case after its subject.
  std::string message = e.what();
  for (char& c : message)
    if (c == '\n') c = ' ';
  std::size_t colon = message.find(": ");
  std::size_t first = colon == std::string::npos ? 0 : colon + 2;
  if (first < message.size() && message.compare(first, 3, "INT") != 0) {
    message[first] = static_cast<char>(std::tolower(static_cast<unsigned char>(message[first])));
  }
  return Error(kExitUsage, message, help_hint);
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
              "(1) and nemo-video(7).");
  app_.formatter(std::make_shared<HelpFormatter>());
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
  app_.add_flag("--json", flags_.json, "The JSON context on stdout even on a terminal (no summary)")
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
  // Said on stderr, and passed down the pipe: the next program stops without a word of its own.
  auto fail = [&](const Error& e) {
    PrintError(name_, e, format);
    PassOn(FailureContext(name_, e));
    return e.exit_code();
  };
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
      throw UsageError(app_, name_, e);
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
  } catch (const SilentExit& e) {
    PassOn(e.context);
    return e.exit_code;
  } catch (const Error& e) {
    return fail(e);
  } catch (const nlohmann::json::exception& e) {
    return fail(Error(kExitBadResponse, std::string("unexpected data: ") + e.what()));
  } catch (const std::bad_alloc&) {
    return fail(Error(kExitInternal, "out of memory"));
  } catch (const std::exception& e) {
    return fail(Error(kExitInternal, std::string("internal error: ") + e.what(),
                      "this is a bug in nemo; please report it with the command you ran"));
  }
}

void Program::PassOn(const nlohmann::json& failure) const {
  // Only where the next program reads a context: not to a terminal (the person read stderr),
  // not into -O's file (a failure leaves none), not into a video or text on stdout.
  // -O was given (even an empty, refused name): the context was never stdout's to carry.
  bool o_given = app_.get_option("--context-out")->count() > 0;
  bool to_stdout = !o_given || flags_.context_out == "-";
  if (!to_stdout || StdoutIsTerminal()) return;
  if (context_on_stdout_ && !context_on_stdout_()) return;
  std::string line = DumpJson(failure, false) + "\n";
  // Best effort: a reader that went away has nothing to be told.
  std::fwrite(line.data(), 1, line.size(), stdout);
  std::fflush(stdout);
}

nlohmann::json Program::ReadContext() const {
  const int fd = STDIN_FILENO;
  if (isatty(fd) == 1) return nlohmann::json::object();
  struct stat st {};
  bool pipe = fstat(fd, &st) == 0 && (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode));
  auto stop_if_interrupted = [&] {
    // Nothing is in flight while waiting for the context: nothing to say (the shell shows ^C).
    if (int sig = InterruptSignal(); sig != 0) {
      int code = ExitCodeForSignal(sig);
      throw SilentExit{code, FailureContext(name_, Error(code, "interrupted"))};
    }
  };
  ContextReader reader;
  std::size_t total = 0;
  char buffer[65536];
  for (;;) {
    // A blocking read would not notice a signal that came just before it: wait in short steps.
    stop_if_interrupted();
    struct pollfd p {
      fd, POLLIN, 0
    };
    int ready = poll(&p, 1, 100);
    if (ready == 0 || (ready < 0 && errno == EINTR)) continue;
    ssize_t n = ready < 0 ? -1 : read(fd, buffer, sizeof buffer);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      throw Error(kExitUsage, "stdin: cannot read: " + ErrnoText());
    }
    total += static_cast<std::size_t>(n);
    reader.Feed(std::string_view(buffer, static_cast<std::size_t>(n)));
  }
  reader.Finish();
  stop_if_interrupted();
  // The stage before ended without a word on stdout (killed, or not a nemo program). Said when
  // a session id is then missing (RequireSessionId); a program that needs no context (nemo-auth
  // in a script whose stdin is a spent pipe) goes on without one.
  g_stdin_was_empty_pipe = total == 0 && pipe;
  const nlohmann::json& context = reader.context();
  if (IsFailureContext(context)) {
    throw SilentExit{FailureExitCode(context), {{"error", context["error"]}}};
  }
  return context;
}

Api Program::MakeApi(const nlohmann::json& context) const {
  Config config =
      LoadConfig(flags_.api.empty() ? std::nullopt : std::optional<std::string>(flags_.api),
                 context, flags_.verbose);
  if (!config.environment_token && std::getenv("NEMO_TOKEN") != nullptr) {
    Note("NEMO_TOKEN is not sent to " + config.api_base +
         ", which only the context names; using the token stored for it or minted there");
  }
  config.note = [this](const std::string& note) { Note(note); };
  return Api(std::move(config));
}

bool Program::WantsSummary() const {
  bool to_stdout = flags_.context_out.empty() || flags_.context_out == "-";
  return to_stdout && !flags_.json && flags_.json_style() == JsonStyle::kAuto && StdoutIsTerminal();
}

void Program::WriteContext(const nlohmann::json& context) const {
  if (WantsSummary()) {
    std::string summary = Summarize(name_, context);
    if (!summary.empty()) {
      WriteOutput(summary);
      return;
    }
  }
  WriteDocument(context);
}

void Program::WriteDocument(const nlohmann::json& document) const {
  if (flags_.context_out.empty() || flags_.context_out == "-") {
    WriteJson(document, flags_.json_style());
    FlushStdoutOrExit(name_);
    return;
  }
  // A file is not a terminal: compact unless --pretty.
  WriteOutput(DumpJson(document, flags_.pretty) + "\n");
}

void Program::WriteOutput(const std::string& text) const {
  if (flags_.context_out.empty() || flags_.context_out == "-") {
    std::fwrite(text.data(), 1, text.size(), stdout);
    FlushStdoutOrExit(name_);
    return;
  }
  ReplaceFileAtomically(flags_.context_out, text, DefaultFileMode(), kExitLocalWrite);
}

void Program::Note(const std::string& message) const {
  // Notes are for people: only on a terminal (the spec's rule for everything but errors).
  if (!flags_.quiet && StderrIsTerminal()) {
    std::fprintf(stderr, "%s: %s\n", name_.c_str(), ForTerminal(message).c_str());
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
  if (g_stdin_was_empty_pipe) {
    // One short line, not a usage error with a hint about piping that would not help.
    throw Error(kExitNoContext,
                "no context on stdin: the command before it in the pipe wrote none");
  }
  throw Error(kExitUsage, "no session id",
              "pipe a context from `nemo-session` or pass --session <id>");
}

}  // namespace nemo
