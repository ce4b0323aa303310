// The API client's token rules against a fake API on 127.0.0.1: automatic anonymous login,
// the one refresh after 1001, NEMO_TOKEN that is never replaced, and private files on disk.
#include "api.h"

#include <sys/stat.h>

#include <atomic>
#include <fstream>
#include <mutex>
#include <sstream>

#include <gtest/gtest.h>

#include "config.h"
#include "credentials.h"
#include "error.h"
#include "test_server.h"

namespace fs = std::filesystem;
using nemo_test::ScopedEnv;
using nemo_test::TempDir;
using nemo_test::TestServer;

namespace {

// Just enough of the API: the anonymous-token endpoint and one authenticated GET.
class FakeApi {
 public:
  FakeApi() {
    server_.server().Post(nemo::paths::kAnonymousToken,
                          [this](const httplib::Request& req, httplib::Response& res) {
                            std::lock_guard<std::mutex> lock(mu_);
                            client_ids_.push_back(req.get_header_value("X-Client-Id"));
                            std::string token = "nmv_usr_minted" + std::to_string(++minted_);
                            if (accept_minted_) valid_ = token;
                            nlohmann::json reply = {{"code", 0},
                                                    {"data",
                                                     {{"token", token},
                                                      {"user_id", "anon_1"},
                                                      {"expires_at", "2099-01-01T00:00:00Z"},
                                                      {"credits", 100}}}};
                            res.set_content(reply.dump(), "application/json");
                          });
    server_.server().Get(
        nemo::paths::kCredits, [this](const httplib::Request& req, httplib::Response& res) {
          std::lock_guard<std::mutex> lock(mu_);
          ++gets_;
          std::string auth = req.get_header_value("Authorization");
          if (!valid_.empty() && auth == "Bearer " + valid_) {
            res.set_content(R"({"code":0,"data":{"available":42}})", "application/json");
          } else {
            res.status = 401;
            res.set_content(R"({"code":1001,"message":"token expired"})", "application/json");
          }
        });
    // An event stream that refuses a bad token the way some gateways do: HTTP 200 and a JSON
    // envelope with code 1001 where the stream should be.
    server_.server().Get("/events", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard<std::mutex> lock(mu_);
      ++gets_;
      if (!valid_.empty() && req.get_header_value("Authorization") == "Bearer " + valid_) {
        res.set_content("data: {\"n\":42}\n\n", "text/event-stream");
      } else {
        res.set_content(R"({"code":1001,"message":"token expired"})", "application/json");
      }
    });
    // A token without the scope an endpoint needs: HTTP 403 without an API code.
    server_.server().Get("/api/scoped", [this](const httplib::Request&, httplib::Response& res) {
      std::lock_guard<std::mutex> lock(mu_);
      ++gets_;
      res.status = 403;
      res.set_content(R"({"message":"token lacks the render scope"})", "application/json");
    });
    server_.Start();
  }

  std::string Base() const { return server_.Base(); }
  // The token the GET accepts; newly minted tokens replace it unless told otherwise.
  void Accept(const std::string& token, bool accept_minted = true) {
    std::lock_guard<std::mutex> lock(mu_);
    valid_ = token;
    accept_minted_ = accept_minted;
  }
  int minted() {
    std::lock_guard<std::mutex> lock(mu_);
    return minted_;
  }
  int gets() {
    std::lock_guard<std::mutex> lock(mu_);
    return gets_;
  }
  std::vector<std::string> client_ids() {
    std::lock_guard<std::mutex> lock(mu_);
    return client_ids_;
  }

 private:
  TestServer server_;
  std::mutex mu_;
  std::string valid_;
  bool accept_minted_ = true;
  int minted_ = 0;
  int gets_ = 0;
  std::vector<std::string> client_ids_;
};

// A fresh XDG_CONFIG_HOME and no NEMO_* settings from the developer's shell.
class ApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    env_.ClearNemo().Set("XDG_CONFIG_HOME", tmp_.path.string());
    env_.Set("NEMO_RETRY_BASE_MS", "1");
  }
  nemo::Config MakeConfig() { return nemo::LoadConfig(fake_.Base(), {}, false); }
  fs::path Dir() { return tmp_.path / "nemovideo"; }
  // A stored anonymous token for the fake API, with the client id it was minted for.
  void StoreStale() {
    nemo::EnsurePrivateDir(Dir());
    std::ofstream(Dir() / "client_id") << "cid-1234\n";
    nemo::StoreCredentials(Dir(), {fake_.Base(), "nmv_usr_stale", "anon_1", "2099-01-01T00:00:00Z",
                                   "anonymous", "cid-1234"});
  }
  std::string ReadFile(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

  TempDir tmp_;
  ScopedEnv env_;
  FakeApi fake_;
};

using nemo_test::ModeOf;

}  // namespace

// 1001 on a stored anonymous token: one new token for the same client id, one retry, success.
TEST_F(ApiTest, Expired1001RefreshesOnceWithTheSameClientIdAndRetries) {
  StoreStale();
  nemo::Api api(MakeConfig());
  nlohmann::json data = api.Get(nemo::paths::kCredits);
  EXPECT_EQ(data["available"], 42);
  EXPECT_EQ(fake_.minted(), 1);
  EXPECT_EQ(fake_.gets(), 2);
  EXPECT_EQ(fake_.client_ids(), std::vector<std::string>{"cid-1234"});
  EXPECT_EQ(api.token_source(), nemo::TokenSource::kMinted);
  auto stored = nemo::LoadCredentials(Dir(), fake_.Base());
  ASSERT_TRUE(stored);
  EXPECT_TRUE(stored->token == "nmv_usr_minted1");  // the new token replaced the stale one
}

// A 403 (a missing scope) is exit 3 at once: minting a new token cannot cure it.
TEST_F(ApiTest, ForbiddenScopeIsNotRefreshed) {
  StoreStale();
  nemo::Api api(MakeConfig());
  try {
    api.Get("/api/scoped");
    FAIL() << "no error";
  } catch (const nemo::Error& e) {
    EXPECT_EQ(e.exit_code(), nemo::kExitAuth);
    EXPECT_EQ(e.http_status(), 403);
  }
  EXPECT_EQ(fake_.minted(), 0);
  EXPECT_EQ(fake_.gets(), 1);
}

// A second 1001 after the refresh is an authentication failure (exit 3), with no further tries.
TEST_F(ApiTest, Second1001AfterRefreshIsExit3) {
  StoreStale();
  fake_.Accept("", /*accept_minted=*/false);
  nemo::Api api(MakeConfig());
  try {
    api.Get(nemo::paths::kCredits);
    FAIL() << "no error";
  } catch (const nemo::Error& e) {
    EXPECT_EQ(e.exit_code(), nemo::kExitAuth);
    EXPECT_EQ(e.api_code(), 1001);
  }
  EXPECT_EQ(fake_.minted(), 1);
  EXPECT_EQ(fake_.gets(), 2);
}

// The same one refresh applies to streamed requests, also when the refusal is a JSON envelope
// on HTTP 200: it is decoded, never handed to the stream's consumer.
TEST_F(ApiTest, StreamRefreshesOnceAfter1001OnHttp200) {
  StoreStale();
  nemo::Api api(MakeConfig());
  nemo::HttpRequest request;
  request.url = api.Url("/events");
  request.idempotent = true;
  request.expect = nemo::BodyKind::kEventStream;
  std::string body;
  request.on_body = [&](std::string_view chunk) { body.append(chunk); };
  nemo::HttpResponse response = api.Exchange(request).http;
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(body, "data: {\"n\":42}\n\n");
  EXPECT_EQ(fake_.minted(), 1);
  EXPECT_EQ(fake_.gets(), 2);
}

// A stream refused for good (a second 1001 on HTTP 200) is exit 3, and the consumer saw nothing.
TEST_F(ApiTest, StreamRefusedOnHttp200IsAnErrorNotABody) {
  StoreStale();
  fake_.Accept("", /*accept_minted=*/false);
  nemo::Api api(MakeConfig());
  nemo::HttpRequest request;
  request.url = api.Url("/events");
  request.expect = nemo::BodyKind::kFile;
  std::string body;
  request.on_body = [&](std::string_view chunk) { body.append(chunk); };
  try {
    (void)api.Exchange(request).http;
    FAIL() << "no error";
  } catch (const nemo::Error& e) {
    EXPECT_EQ(e.exit_code(), nemo::kExitAuth);
    EXPECT_EQ(e.api_code(), 1001);
  }
  EXPECT_TRUE(body.empty());
  EXPECT_EQ(fake_.minted(), 1);
}

// A success envelope where a file was expected is unusable (exit 13), never the file's bytes.
TEST_F(ApiTest, JsonWhereAFileWasExpectedIsExit13) {
  StoreStale();
  fake_.Accept("nmv_usr_stale");
  nemo::Api api(MakeConfig());
  nemo::HttpRequest request;
  request.url = api.Url(nemo::paths::kCredits);
  request.expect = nemo::BodyKind::kFile;
  std::string body;
  request.on_body = [&](std::string_view chunk) { body.append(chunk); };
  try {
    (void)api.Exchange(request).http;
    FAIL() << "no error";
  } catch (const nemo::Error& e) {
    EXPECT_EQ(e.exit_code(), nemo::kExitBadResponse);
    EXPECT_NE(std::string(e.what()).find("a file was expected"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(body.empty());
}

// NEMO_TOKEN is never replaced: 1001 is exit 3 with a hint naming NEMO_TOKEN, files untouched.
TEST_F(ApiTest, EnvironmentTokenIsNeverRefreshed) {
  StoreStale();
  std::string before = ReadFile(Dir() / "credentials.json");
  env_.Set("NEMO_TOKEN", "nmv_usr_fromenv");
  nemo::Api api(MakeConfig());
  try {
    api.Get(nemo::paths::kCredits);
    FAIL() << "no error";
  } catch (const nemo::Error& e) {
    EXPECT_EQ(e.exit_code(), nemo::kExitAuth);
    EXPECT_NE(e.hint().find("NEMO_TOKEN"), std::string::npos);
    EXPECT_EQ(std::string(e.what()).find("fromenv"), std::string::npos);
    EXPECT_EQ(e.hint().find("fromenv"), std::string::npos);
  }
  EXPECT_EQ(api.token_source(), nemo::TokenSource::kEnvironment);
  EXPECT_EQ(fake_.minted(), 0);
  EXPECT_EQ(fake_.gets(), 1);
  EXPECT_TRUE(ReadFile(Dir() / "credentials.json") == before);
}

// A token handed over as a value (`nemo-auth login --with-token` checking the token on stdin) is
// the one sent, whatever NEMO_TOKEN and the store hold; refused, it is never replaced.
TEST_F(ApiTest, AGivenTokenIsSentAsItIsAndNeverReplaced) {
  StoreStale();
  env_.Set("NEMO_TOKEN", "nmv_usr_fromenv");
  fake_.Accept("nmv_usr_given", /*accept_minted=*/false);
  nemo::Api api(MakeConfig());
  api.UseToken("nmv_usr_given");
  EXPECT_EQ(api.Get(nemo::paths::kCredits).value("available", 0), 42);
  EXPECT_EQ(api.token_source(), nemo::TokenSource::kGiven);
  nemo::Api refused(MakeConfig());
  refused.UseToken("nmv_usr_wrong");
  EXPECT_EQ(nemo::testing::ExitOf([&] { refused.Get(nemo::paths::kCredits); }), nemo::kExitAuth);
  EXPECT_EQ(fake_.minted(), 0);
  EXPECT_EQ(fake_.gets(), 2);
}

// A streamed request refused with NEMO_TOKEN gets the same hint and no refresh.
TEST_F(ApiTest, EnvironmentTokenRefusedOnAStreamNamesNemoToken) {
  env_.Set("NEMO_TOKEN", "nmv_usr_fromenv");
  nemo::Api api(MakeConfig());
  nemo::HttpRequest request;
  request.url = api.Url(nemo::paths::kCredits);
  request.on_body = [](std::string_view) {};
  try {
    (void)api.Exchange(request).http;
    FAIL() << "no error";
  } catch (const nemo::Error& e) {
    EXPECT_EQ(e.exit_code(), nemo::kExitAuth);
    EXPECT_NE(e.hint().find("NEMO_TOKEN was refused"), std::string::npos) << e.hint();
  }
  EXPECT_EQ(fake_.minted(), 0);
  EXPECT_EQ(fake_.gets(), 1);
}

// An empty NEMO_TOKEN, or one with a newline, is refused (exit 3) without echoing its value.
TEST_F(ApiTest, MalformedEnvironmentTokenIsRefusedWithoutEchoingIt) {
  for (std::string value :
       {std::string(""), std::string("nmv_usr_leaky\n"), std::string("nmv_usr_leaky\nX-Evil: 1"),
        std::string("nmv_usr_le aky")}) {
    env_.Set("NEMO_TOKEN", value);
    nemo::Api api(MakeConfig());
    try {
      api.Token();
      ADD_FAILURE() << "accepted a malformed NEMO_TOKEN";
    } catch (const nemo::Error& e) {
      EXPECT_EQ(e.exit_code(), nemo::kExitAuth);
      std::string text = std::string(e.what()) + e.hint();
      EXPECT_NE(text.find("NEMO_TOKEN"), std::string::npos);
      EXPECT_EQ(text.find("leaky"), std::string::npos);
      EXPECT_EQ(text.find("le aky"), std::string::npos);
    }
  }
  EXPECT_EQ(fake_.minted(), 0);
  EXPECT_EQ(fake_.gets(), 0);
}

// NEMO_NO_AUTO_AUTH=1 and nothing stored: exit 3 with a hint, and no token is minted.
TEST_F(ApiTest, NoAutoAuthWithoutStoredTokenIsExit3WithHint) {
  env_.Set("NEMO_NO_AUTO_AUTH", "1");
  nemo::Api api(MakeConfig());
  try {
    api.Get(nemo::paths::kCredits);
    FAIL() << "no error";
  } catch (const nemo::Error& e) {
    EXPECT_EQ(e.exit_code(), nemo::kExitAuth);
    EXPECT_NE(e.hint().find("nemo-auth"), std::string::npos);
  }
  EXPECT_EQ(fake_.minted(), 0);
  EXPECT_EQ(fake_.gets(), 0);
}

// NEMO_NO_AUTO_AUTH=1 also forbids the refresh after 1001: exit 3 with one request.
TEST_F(ApiTest, NoAutoAuthDoesNotRefreshAfter1001) {
  StoreStale();
  env_.Set("NEMO_NO_AUTO_AUTH", "1");
  nemo::Api api(MakeConfig());
  try {
    api.Get(nemo::paths::kCredits);
    FAIL() << "no error";
  } catch (const nemo::Error& e) {
    EXPECT_EQ(e.exit_code(), nemo::kExitAuth);
  }
  EXPECT_EQ(fake_.minted(), 0);
  EXPECT_EQ(fake_.gets(), 1);
}

// With nothing stored, the first call mints a token and stores it privately (0600 in 0700).
TEST_F(ApiTest, AutomaticLoginStoresCredentialsPrivately) {
  nemo::Api api(MakeConfig());
  EXPECT_EQ(api.Get(nemo::paths::kCredits)["available"], 42);
  EXPECT_EQ(api.token_source(), nemo::TokenSource::kMinted);
  EXPECT_EQ(api.minted_credits(), 100);
  EXPECT_EQ(fake_.minted(), 1);
  EXPECT_EQ(ModeOf(Dir()), 0700);
  EXPECT_EQ(ModeOf(Dir() / "credentials.json"), 0600);
  EXPECT_EQ(ModeOf(Dir() / "client_id"), 0600);
  auto stored = nemo::LoadCredentials(Dir(), fake_.Base());
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->kind, "anonymous");
  auto ids = fake_.client_ids();
  ASSERT_EQ(ids.size(), 1u);
  EXPECT_EQ(stored->client_id, ids[0]);

  // A second process (a second Api) re-uses the stored token instead of minting again.
  nemo::Api again(MakeConfig());
  EXPECT_EQ(again.Get(nemo::paths::kCredits)["available"], 42);
  EXPECT_EQ(again.token_source(), nemo::TokenSource::kStored);
  EXPECT_EQ(fake_.minted(), 1);
}

// Path segments from the server or the context are percent-encoded.
TEST(ApiPaths, SegmentsArePercentEncoded) {
  EXPECT_EQ(nemo::paths::State("a/b c"), "/api/state/nemo_agent/me/a%2Fb%20c/latest");
  EXPECT_EQ(nemo::EscapePathSegment("abc-_.~"), "abc-_.~");
  EXPECT_EQ(nemo::EscapePathSegment("../x"), "..%2Fx");
}

// A session id of "." or ".." reaches the server as that id, not as a path that curl resolves away.
TEST(ApiPaths, DotSegmentsStayInsideTheirSegment) {
  TestServer server;
  std::mutex mu;
  std::vector<std::string> seen;
  server.server().Get(R"(/api/state/.*)", [&](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard<std::mutex> lock(mu);
    seen.push_back(req.path);
    res.set_content("{}", "application/json");
  });
  server.Start();
  nemo::HttpOptions options;
  options.api_origin = nemo::UrlOrigin(server.Base());
  nemo::Http http(options);
  for (std::string sid : {"..", "."}) {
    nemo::HttpRequest request;
    request.url = server.Url(nemo::paths::State(sid));
    EXPECT_EQ(http.Send(request).status, 200) << sid;
  }
  std::lock_guard<std::mutex> lock(mu);
  EXPECT_EQ(seen, (std::vector<std::string>{"/api/state/nemo_agent/me/../latest",
                                            "/api/state/nemo_agent/me/./latest"}));
}
