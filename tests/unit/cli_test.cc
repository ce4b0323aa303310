// What every program shares: duration and size flags, the session id rule, and how Program::Run
// turns errors into one stderr line and an exit code.
#include "cli.h"

#include <gtest/gtest.h>

#include "error.h"
#include "temp_files.h"
#include "test_server.h"

using nemo::Error;
using nemo::testing::ExitOf;
using nemo_test::ScopedEnv;

namespace {

// Runs a Program with `args` whose body throws `error`; returns the exit code, stderr in `err`.
int RunThrowing(std::vector<std::string> args, const Error& error, std::string& err) {
  nemo::Program prog("nemo-test", "A test program", "nemo-test --help");
  std::vector<char*> argv;
  args.insert(args.begin(), "nemo-test");
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  testing::internal::CaptureStderr();
  int code = prog.Run(static_cast<int>(args.size()), argv.data(), [&]() -> int { throw error; });
  err = testing::internal::GetCapturedStderr();
  return code;
}

}  // namespace

// Durations: units ms, s, m, h; a bare number is seconds.
TEST(Cli, ParseDurationMsAcceptsUnits) {
  struct Case {
    const char* text;
    long long ms;
  } cases[] = {{"15m", 900000}, {"90s", 90000}, {"500ms", 500},    {"2h", 7200000},
               {"30", 30000},   {"1.5s", 1500}, {"10min", 600000}, {"0", 0}};
  for (const auto& c : cases) EXPECT_EQ(nemo::ParseDurationMs(c.text, "--timeout"), c.ms) << c.text;
}

// Bad durations are usage errors (exit 2) that name the flag.
TEST(Cli, ParseDurationMsRefusesGarbage) {
  for (const char* text : {"", "m", "-5", "5x", "1.2.3s", ".", "5 s", "s5"}) {
    try {
      nemo::ParseDurationMs(text, "--timeout");
      ADD_FAILURE() << "accepted \"" << text << "\"";
    } catch (const Error& e) {
      EXPECT_EQ(e.exit_code(), nemo::kExitUsage) << text;
      EXPECT_NE(std::string(e.what()).find("--timeout"), std::string::npos) << text;
    }
  }
}

// Sizes: binary units (k, MiB, G) and decimal ones (kB, MB, GB), case-insensitive.
TEST(Cli, ParseSizeAcceptsUnits) {
  struct Case {
    const char* text;
    long long bytes;
  } cases[] = {{"1024", 1024},
               {"500MiB", 500LL << 20},
               {"200MB", 200000000},
               {"1G", 1LL << 30},
               {"2gb", 2000000000},
               {"4k", 4096},
               {"3KiB", 3072},
               {"7kB", 7000},
               {"12b", 12},
               {"1m", 1LL << 20},
               {"0", 0}};
  for (const auto& c : cases) EXPECT_EQ(nemo::ParseSize(c.text, "--max"), c.bytes) << c.text;
}

// Bad sizes, and sizes too large to count, are usage errors (exit 2).
TEST(Cli, ParseSizeRefusesGarbageAndOverflow) {
  for (const char* text :
       {"", "MiB", "-1", "5x", "1.5G", "1 G", "99999999999G", "999999999999GB", "9999999999999"}) {
    EXPECT_EQ(ExitOf([&] { nemo::ParseSize(text, "--max"); }), nemo::kExitUsage) << text;
  }
}

// The --session flag wins over the context; the context is used without it.
TEST(Cli, RequireSessionIdPrefersTheFlag) {
  nlohmann::json ctx = {{"session_id", "from-context"}};
  EXPECT_EQ(nemo::RequireSessionId("from-flag", ctx), "from-flag");
  EXPECT_EQ(nemo::RequireSessionId("", ctx), "from-context");
}

// Neither flag nor context, an empty id, or a number in the context: exit 2.
TEST(Cli, RequireSessionIdRefusesMissingOrMistypedIds) {
  EXPECT_EQ(ExitOf([] { nemo::RequireSessionId("", nlohmann::json::object()); }), nemo::kExitUsage);
  EXPECT_EQ(ExitOf([] { nemo::RequireSessionId("", {{"session_id", ""}}); }), nemo::kExitUsage);
  EXPECT_EQ(ExitOf([] { nemo::RequireSessionId("", {{"session_id", 42}}); }), nemo::kExitUsage);
}

// A thrown Error becomes its exit code and `prog: message [code]` plus a hint line.
TEST(Cli, RunMapsErrorToExitCodeAndOneLine) {
  ScopedEnv env;
  env.ClearNemo();
  std::string err;
  int code = RunThrowing({}, Error(nemo::kExitNoCredits, "no credits left", "top up", 2001), err);
  EXPECT_EQ(code, nemo::kExitNoCredits);
  EXPECT_EQ(err, "nemo-test: no credits left [2001]\nhint: top up\n");
}

// An unknown flag is a usage error (exit 2) on one line, with a pointer to --help.
TEST(Cli, RunRefusesUnknownFlagWithExit2) {
  ScopedEnv env;
  env.ClearNemo();
  std::string err;
  int code = RunThrowing({"--bogus"}, Error(nemo::kExitInternal, "body ran"), err);
  EXPECT_EQ(code, nemo::kExitUsage);
  EXPECT_EQ(err.rfind("nemo-test: ", 0), 0u) << err;
  EXPECT_NE(err.find("--bogus"), std::string::npos) << err;
  EXPECT_NE(err.find("hint: run `nemo-test --help`"), std::string::npos) << err;
  EXPECT_EQ(err.find("body ran"), std::string::npos);
}

// --pretty with --compact is refused before the body runs.
TEST(Cli, RunRefusesPrettyWithCompact) {
  ScopedEnv env;
  env.ClearNemo();
  std::string err;
  EXPECT_EQ(RunThrowing({"--pretty", "--compact"}, Error(nemo::kExitInternal, "body ran"), err),
            nemo::kExitUsage);
  EXPECT_EQ(err.find("body ran"), std::string::npos);
}

// --error-format json prints exactly one JSON object with exit, code, message and hint.
TEST(Cli, RunPrintsOneJsonObjectWithErrorFormatJson) {
  ScopedEnv env;
  env.ClearNemo();
  std::string err;
  int code =
      RunThrowing({"--error-format", "json"},
                  Error(nemo::kExitFileTooLarge, "clip.mkv: file too large", "trim", 4002), err);
  EXPECT_EQ(code, nemo::kExitFileTooLarge);
  ASSERT_FALSE(err.empty());
  EXPECT_EQ(err.find('\n'), err.size() - 1) << err;  // one line
  nlohmann::json doc = nlohmann::json::parse(err);
  ASSERT_TRUE(doc.contains("error")) << err;
  EXPECT_EQ(doc["error"]["exit"], nemo::kExitFileTooLarge);
  EXPECT_EQ(doc["error"]["code"], 4002);
  EXPECT_EQ(doc["error"]["message"], "clip.mkv: file too large");
  EXPECT_EQ(doc["error"]["hint"], "trim");
  EXPECT_EQ(doc["error"]["program"], "nemo-test");
}

// A flag error is already reported in JSON when --error-format json is on the command line.
TEST(Cli, RunReportsFlagErrorsInJsonToo) {
  ScopedEnv env;
  env.ClearNemo();
  std::string err;
  int code = RunThrowing({"--error-format=json", "--bogus"}, Error(nemo::kExitInternal, "x"), err);
  EXPECT_EQ(code, nemo::kExitUsage);
  nlohmann::json doc = nlohmann::json::parse(err);
  EXPECT_EQ(doc["error"]["exit"], nemo::kExitUsage);
}

// The body's return value is the exit code when nothing is thrown.
TEST(Cli, RunReturnsTheBodysExitCode) {
  nemo::Program prog("nemo-test", "A test program", "nemo-test");
  std::string name = "nemo-test";
  char* argv[] = {name.data(), nullptr};
  EXPECT_EQ(prog.Run(1, argv, [] { return 20; }), 20);
}
