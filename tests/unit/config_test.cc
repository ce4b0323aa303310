// Where the suite talks to: which API bases are accepted, and which source of the base wins.
#include "config.h"

#include <gtest/gtest.h>

#include "error.h"
#include "test_server.h"

using nemo::ValidateApiBase;
using nemo_test::ScopedEnv;
using nemo_test::TempDir;

namespace {

int ExitOf(const std::string& url) {
  try {
    ValidateApiBase(url);
  } catch (const nemo::Error& e) {
    return e.exit_code();
  }
  return 0;
}

}  // namespace

// https to any host, and plain http to loopback hosts, are accepted.
TEST(Config, HttpsAndLoopbackHttpAreAccepted) {
  ScopedEnv env;
  env.ClearNemo();
  EXPECT_EQ(ValidateApiBase("https://mega-api-prod.nemovideo.ai"),
            "https://mega-api-prod.nemovideo.ai");
  EXPECT_EQ(ValidateApiBase("http://127.0.0.1:8080"), "http://127.0.0.1:8080");
  EXPECT_EQ(ValidateApiBase("http://localhost:9"), "http://localhost:9");
  EXPECT_EQ(ValidateApiBase("http://[::1]:9"), "http://[::1]:9");
}

// Trailing slashes are stripped so paths can be appended.
TEST(Config, TrailingSlashIsStripped) {
  ScopedEnv env;
  env.ClearNemo();
  EXPECT_EQ(ValidateApiBase("https://api.example.com/"), "https://api.example.com");
  EXPECT_EQ(ValidateApiBase("http://127.0.0.1:1//"), "http://127.0.0.1:1");
}

// Plain http to another host is refused (exit 2) unless NEMO_ALLOW_INSECURE=1.
TEST(Config, PlainHttpToAnotherHostNeedsAllowInsecure) {
  ScopedEnv env;
  env.ClearNemo();
  EXPECT_EQ(ExitOf("http://api.example.com"), nemo::kExitUsage);
  EXPECT_EQ(ExitOf("http://localhost.example.com"), nemo::kExitUsage);
  EXPECT_EQ(ExitOf("http://10.0.0.1"), nemo::kExitUsage);
  EXPECT_EQ(ExitOf("http://127.example.com"), nemo::kExitUsage);  // a name, not 127/8
  EXPECT_EQ(ValidateApiBase("http://127.0.0.2:1"), "http://127.0.0.2:1");
  env.Set("NEMO_ALLOW_INSECURE", "1");
  EXPECT_EQ(ValidateApiBase("http://api.example.com"), "http://api.example.com");
}

// Anything but an http(s) URL with a host is refused with exit 2.
TEST(Config, GarbageIsRefused) {
  ScopedEnv env;
  env.ClearNemo().Set("NEMO_ALLOW_INSECURE", "1");
  for (const char* url : {"", "not a url", "ftp://example.com", "file:///etc/passwd", "https://",
                          "//example.com", "javascript:alert(1)"}) {
    EXPECT_EQ(ExitOf(url), nemo::kExitUsage) << url;
  }
}

// --api beats the context's "api" (a loopback one here, which the rule allows), which beats
// NEMO_API_URL, which beats production.
TEST(Config, ApiBasePrecedence) {
  TempDir tmp;
  ScopedEnv env;
  env.ClearNemo().Set("XDG_CONFIG_HOME", tmp.path.string());
  nlohmann::json ctx = {{"api", "http://127.0.0.1:2/"}};
  EXPECT_EQ(nemo::LoadConfig(std::nullopt, {}, false).api_base, nemo::kDefaultApiBase);
  env.Set("NEMO_API_URL", "http://127.0.0.1:3");
  EXPECT_EQ(nemo::LoadConfig(std::nullopt, {}, false).api_base, "http://127.0.0.1:3");
  EXPECT_EQ(nemo::LoadConfig(std::nullopt, ctx, false).api_base, "http://127.0.0.1:2");
  EXPECT_EQ(nemo::LoadConfig(std::string("http://127.0.0.1:1"), ctx, false).api_base,
            "http://127.0.0.1:1");
  // An empty flag is no flag.
  EXPECT_EQ(nemo::LoadConfig(std::string(""), ctx, false).api_base, "http://127.0.0.1:2");
}

// A bad base from any source is a usage error, and the context's "api" must be a string.
TEST(Config, BadBaseFromAnySourceIsExit2) {
  TempDir tmp;
  ScopedEnv env;
  env.ClearNemo().Set("XDG_CONFIG_HOME", tmp.path.string());
  auto exit_of = [](auto&& f) {
    try {
      f();
    } catch (const nemo::Error& e) {
      return e.exit_code();
    }
    return 0;
  };
  EXPECT_EQ(exit_of([] { nemo::LoadConfig(std::string("ftp://x"), {}, false); }), nemo::kExitUsage);
  EXPECT_EQ(exit_of([] { nemo::LoadConfig(std::nullopt, {{"api", 5}}, false); }), nemo::kExitUsage);
  env.Set("NEMO_API_URL", "http://evil.example.com");
  EXPECT_EQ(exit_of([] { nemo::LoadConfig(std::nullopt, {}, false); }), nemo::kExitUsage);
}

// The config dir follows XDG_CONFIG_HOME, else ~/.config.
TEST(Config, ConfigDirFollowsXdg) {
  ScopedEnv env;
  env.Set("XDG_CONFIG_HOME", "/tmp/xdg-test").Set("HOME", "/tmp/home-test");
  EXPECT_EQ(nemo::ConfigDir(), std::filesystem::path("/tmp/xdg-test/nemovideo"));
  env.Unset("XDG_CONFIG_HOME");
  EXPECT_EQ(nemo::ConfigDir(), std::filesystem::path("/tmp/home-test/.config/nemovideo"));
}

// NEMO_NO_AUTO_AUTH=1 turns automatic login off; NEMO_DEBUG=1 turns verbose on.
TEST(Config, EnvironmentSwitches) {
  TempDir tmp;
  ScopedEnv env;
  env.ClearNemo().Set("XDG_CONFIG_HOME", tmp.path.string());
  EXPECT_TRUE(nemo::LoadConfig(std::nullopt, {}, false).auto_auth);
  EXPECT_FALSE(nemo::LoadConfig(std::nullopt, {}, false).verbose);
  env.Set("NEMO_NO_AUTO_AUTH", "1").Set("NEMO_DEBUG", "1");
  EXPECT_FALSE(nemo::LoadConfig(std::nullopt, {}, false).auto_auth);
  EXPECT_TRUE(nemo::LoadConfig(std::nullopt, {}, false).verbose);
}

// The rule behind "a context's api never redirects a token": --api and the configured base are
// trusted with NEMO_TOKEN; a context may name the configured base, or a loopback sandbox (without
// NEMO_TOKEN); any other base it names is refused with exit 2.
TEST(Config, AContextChoosesTheBaseOnlyWithinTheRule) {
  ScopedEnv env;
  env.ClearNemo();
  using nemo::ChooseApiBase;
  const std::string prod = nemo::kDefaultApiBase;
  auto choice = ChooseApiBase(std::nullopt, std::nullopt, "");
  EXPECT_EQ(choice.base, prod);
  EXPECT_TRUE(choice.environment_token);
  // the configured base, however it is spelled
  choice = ChooseApiBase(std::nullopt, prod + "/", "");
  EXPECT_EQ(choice.base, prod);
  EXPECT_TRUE(choice.environment_token);
  choice = ChooseApiBase(std::nullopt, "HTTPS://Mega-API-Prod.nemovideo.ai:443", "");
  EXPECT_TRUE(choice.environment_token);
  choice = ChooseApiBase(std::nullopt, "http://127.0.0.1:8080", "http://127.0.0.1:8080/");
  EXPECT_EQ(choice.base, "http://127.0.0.1:8080");
  EXPECT_TRUE(choice.environment_token);
  // a loopback sandbox the context names: followed, but NEMO_TOKEN stays at home
  for (const char* sandbox : {"http://127.0.0.1:9", "http://localhost:9", "http://[::1]:9"}) {
    choice = ChooseApiBase(std::nullopt, std::string(sandbox), "");
    EXPECT_EQ(choice.base, sandbox);
    EXPECT_FALSE(choice.environment_token) << sandbox;
  }
  choice = ChooseApiBase(std::nullopt, std::string("http://127.0.0.1:9"), "http://127.0.0.1:8");
  EXPECT_FALSE(choice.environment_token);
  // any other host: refused, whatever the scheme or spelling
  for (const char* other :
       {"https://api.evil.example", "https://mega-api-prod.nemovideo.ai.evil.example",
        "https://mega-api-prod.nemovideo.ai:8443", "https://mega-api-prod.nemovideo.ai/other",
        "https://127.example.com"}) {
    try {
      ChooseApiBase(std::nullopt, std::string(other), "");
      ADD_FAILURE() << other;
    } catch (const nemo::Error& e) {
      EXPECT_EQ(e.exit_code(), nemo::kExitUsage) << other;
      EXPECT_NE(std::string(e.what()).find("not the configured API"), std::string::npos)
          << other << ": " << e.what();
    }
  }
  // --api is the user's word: any valid base, with NEMO_TOKEN, whatever the context says
  choice = ChooseApiBase(std::string("https://staging.example"),
                         std::string("https://api.evil.example"), "");
  EXPECT_EQ(choice.base, "https://staging.example");
  EXPECT_TRUE(choice.environment_token);
  EXPECT_EQ(ChooseApiBase(std::nullopt, std::nullopt, "https://staging.example").base,
            "https://staging.example");
}

// LoadConfig carries the rule's verdict: NEMO_TOKEN may go to the base, or not.
TEST(Config, LoadConfigCarriesWhetherNemoTokenMayGo) {
  TempDir tmp;
  ScopedEnv env;
  env.ClearNemo()
      .Set("XDG_CONFIG_HOME", tmp.path.string())
      .Set("NEMO_API_URL", "http://127.0.0.1:3");
  EXPECT_TRUE(
      nemo::LoadConfig(std::nullopt, {{"api", "http://127.0.0.1:3"}}, false).environment_token);
  EXPECT_FALSE(
      nemo::LoadConfig(std::nullopt, {{"api", "http://127.0.0.1:4"}}, false).environment_token);
  EXPECT_TRUE(
      nemo::LoadConfig(std::string("http://127.0.0.1:4"), {{"api", "http://127.0.0.1:5"}}, false)
          .environment_token);
  EXPECT_THROW(nemo::LoadConfig(std::nullopt, {{"api", "https://api.evil.example"}}, false),
               nemo::Error);
}
