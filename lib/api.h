// The NemoVideo API as the programs see it: the token (environment, store, or a fresh anonymous
// one), endpoint paths and bodies, envelope decoding, and the one refresh after a 1001.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "config.h"
#include "credentials.h"
#include "envelope.h"
#include "error.h"
#include "http.h"

namespace nemo {

// kGiven: handed to UseToken (a registered token `nemo-auth login --with-token` checks).
enum class TokenSource { kNone, kEnvironment, kStored, kMinted, kGiven };
const char* TokenSourceName(TokenSource source);

class Api {
 public:
  explicit Api(Config config);

  const Config& config() const { return config_; }
  std::string Url(const std::string& path) const { return config_.api_base + path; }

  // The token to use: NEMO_TOKEN, else the stored one for this API base, else a new anonymous
  // token (unless NEMO_NO_AUTO_AUTH=1). Never printed, never put in a URL or argv.
  const std::string& Token();
  TokenSource token_source() const { return source_; }
  // Uses `token` as it is instead: never replaced, never refreshed, nothing read from the
  // environment or the store.
  void UseToken(std::string token);
  // What is known about the token in use (user id, expiry, kind); empty for NEMO_TOKEN.
  const Credentials& credentials() const { return credentials_; }
  // Credits reported when the token was minted by this process, if it was.
  std::optional<long long> minted_credits() const { return minted_credits_; }

  // Stored token for this base, without acquiring one (status, logout).
  std::optional<Credentials> StoredCredentials() const;

  // The one door every request to the service goes through (JSON calls, event streams, file
  // downloads, uploads): the token is attached (unless `with_token` is false: the CDN), the
  // reply is classified before its body reaches a consumer (a JSON or HTML body where an event
  // stream or file was expected is an envelope and decoded), every error status or envelope
  // becomes one typed Error with its API code, and a refused token (1001, 401) is refreshed
  // once and the request sent once more: it was refused, so nothing was done twice.
  struct Reply {
    HttpResponse http;
    nlohmann::json payload;  // the decoded envelope; null when the body went to on_body
  };
  Reply Exchange(HttpRequest request, Plain plain = Plain::kErrorMemberFails,
                 bool with_token = true);

  // A JSON call: the payload of Exchange.
  nlohmann::json Call(HttpRequest request);
  nlohmann::json Get(const std::string& path, long timeout_ms = 0);
  nlohmann::json Post(const std::string& path, const nlohmann::json& body, bool idempotent = false);

  // After a refusal the caller could only see later (an error event in a stream): refreshes a
  // stored anonymous token and returns true when `e` is a refused token and nothing has been
  // refreshed yet; false otherwise (the caller reports `e`).
  bool RefreshAfter(const Error& e);

  // Mints (or re-uses) the anonymous token for this client id under the config lock.
  Credentials AcquireAnonymousToken(const std::string& stale_token = "");

 private:
  bool CanRefresh() const;
  bool RefreshOrThrow(const Error& e, int attempt);
  nlohmann::json Classify(const HttpRequest& request, const HttpResponse& response, Plain plain);
  void Refresh();
  HttpRequest Prepare(HttpRequest request);

  Config config_;
  Http http_;
  std::string token_;
  TokenSource source_ = TokenSource::kNone;
  Credentials credentials_;
  std::optional<long long> minted_credits_;
  bool refreshed_ = false;  // one refresh per process: a second refusal is final
};

// Endpoint paths (NEMOVIDEO-API.md).
namespace paths {
inline constexpr const char* kAnonymousToken = "/api/auth/anonymous-token";
inline constexpr const char* kClaimToken = "/api/auth/claim-token";
inline constexpr const char* kCreateSession = "/api/tasks/me/with-session/nemo_agent";
inline constexpr const char* kRunSse = "/run_sse";
inline constexpr const char* kCredits = "/api/credits/balance/simple";
inline constexpr const char* kRenderStart = "/api/render/proxy/lambda";
std::string Upload(const std::string& session_id);
std::string State(const std::string& session_id);
std::string RenderJob(const std::string& render_id);
std::string RenderCancel(const std::string& render_id);
std::string RenderDownload(const std::string& render_id);
}  // namespace paths

// Percent-encodes a path segment (session and render ids come from the server and the context).
std::string EscapePathSegment(const std::string& segment);

// The body of POST /run_sse: ADK's RunAgentRequest in snake_case, as NemoVideo documents it.
nlohmann::json RunSseBody(const std::string& session_id, const std::string& message);

}  // namespace nemo
