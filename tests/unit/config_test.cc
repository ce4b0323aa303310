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

// --api beats the context's "api", which beats NEMO_API_URL, which beats production.
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
