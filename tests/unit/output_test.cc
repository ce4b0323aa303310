// What programs print: error lines in text and JSON, and the context as compact or pretty JSON.
#include "output.h"

#include <gtest/gtest.h>

#include "test_server.h"

using nemo::Error;
using nemo::ErrorFormat;
using nemo_test::ScopedEnv;

namespace {

std::string CaptureJson(const nlohmann::json& value, nemo::JsonStyle style) {
  testing::internal::CaptureStdout();
  nemo::WriteJson(value, style);
  return testing::internal::GetCapturedStdout();
}

}  // namespace

// Text: `prog: message [code]` then an optional `hint:` line.
TEST(Output, FormatErrorTextHasCodeAndHint) {
  Error e(nemo::kExitFileTooLarge, "clip.mkv: file too large (612 MiB; limit 500 MiB)",
          "compress or trim the file", 4002);
  EXPECT_EQ(nemo::FormatError("nemo-upload", e, ErrorFormat::kText),
            "nemo-upload: clip.mkv: file too large (612 MiB; limit 500 MiB) [4002]\n"
            "hint: compress or trim the file\n");
  EXPECT_EQ(nemo::FormatError("nemo-x", Error(nemo::kExitUsage, "bad"), ErrorFormat::kText),
            "nemo-x: bad\n");
}

// JSON: one line, {"error":{exit, code?, message, hint?, program}}.
TEST(Output, FormatErrorJsonIsOneObject) {
  std::string text = nemo::FormatError(
      "nemo-upload", Error(nemo::kExitNoCredits, "no credits", "top up", 2001), ErrorFormat::kJson);
  EXPECT_EQ(text.find('\n'), text.size() - 1);
  auto doc = nlohmann::json::parse(text);
  EXPECT_EQ(doc, (nlohmann::json{{"error",
                                  {{"exit", 5},
                                   {"code", 2001},
                                   {"message", "no credits"},
                                   {"hint", "top up"},
                                   {"program", "nemo-upload"}}}}));
  auto bare = nlohmann::json::parse(
      nemo::FormatError("p", Error(nemo::kExitUsage, "bad"), ErrorFormat::kJson));
  EXPECT_FALSE(bare["error"].contains("code"));
  EXPECT_FALSE(bare["error"].contains("hint"));
}

// Error text never carries a token, whoever built the message.
TEST(Output, FormatErrorRedactsTokens) {
  Error e(nemo::kExitAuth, "refused nmv_usr_SecretValue9", "Bearer SecretValue9 was refused");
  for (auto format : {ErrorFormat::kText, ErrorFormat::kJson}) {
    EXPECT_EQ(nemo::FormatError("p", e, format).find("SecretValue9"), std::string::npos);
  }
}

// NEMO_ERROR_FORMAT=json is the fallback when --error-format is absent; the flag wins.
TEST(Output, ErrorFormatFlagBeatsEnvironment) {
  ScopedEnv env;
  env.ClearNemo();
  EXPECT_EQ(nemo::ResolveErrorFormat(""), ErrorFormat::kText);
  env.Set("NEMO_ERROR_FORMAT", "json");
  EXPECT_EQ(nemo::ResolveErrorFormat(""), ErrorFormat::kJson);
  EXPECT_EQ(nemo::ResolveErrorFormat("text"), ErrorFormat::kText);
}

// Off a terminal the context is one compact line; on a (forced) terminal it is indented.
TEST(Output, WriteJsonIsCompactOffTerminalAndPrettyOnOne) {
  ScopedEnv env;
  env.ClearNemo();
  nlohmann::json value = {{"a", 1}, {"b", {{"c", "d"}}}};
  EXPECT_EQ(CaptureJson(value, nemo::JsonStyle::kAuto), R"({"a":1,"b":{"c":"d"}})"
                                                        "\n");
  env.Set("NEMO_FORCE_TTY", "1");
  EXPECT_EQ(CaptureJson(value, nemo::JsonStyle::kAuto), value.dump(2) + "\n");
  EXPECT_EQ(CaptureJson(value, nemo::JsonStyle::kCompact), R"({"a":1,"b":{"c":"d"}})"
                                                           "\n");
  env.Set("NEMO_FORCE_TTY", "0");
  EXPECT_EQ(CaptureJson(value, nemo::JsonStyle::kPretty), value.dump(2) + "\n");
}

// Invalid UTF-8 from a server is replaced instead of aborting the writer.
TEST(Output, WriteJsonSurvivesInvalidUtf8) {
  nlohmann::json value = {{"title", std::string("bad \xff byte")}};
  std::string out = CaptureJson(value, nemo::JsonStyle::kCompact);
  EXPECT_TRUE(nlohmann::json::accept(out)) << out;
}
