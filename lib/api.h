// The NemoVideo API as the programs see it: the token (environment, store, or a fresh anonymous
// one), endpoint paths and bodies, envelope decoding, and the one refresh after a 1001.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "config.h"
#include "credentials.h"
#include "error.h"
#include "http.h"

namespace nemo {

enum class TokenSource { kNone, kEnvironment, kStored, kMinted };
const char* TokenSourceName(TokenSource source);

class Api {
 public:
  explicit Api(Config config);

  const Config& config() const { return config_; }
  Http& http() { return http_; }
  std::string Url(const std::string& path) const { return config_.api_base + path; }

  // The token to use: NEMO_TOKEN, else the stored one for this API base, else a new anonymous
  // token (unless NEMO_NO_AUTO_AUTH=1). Never printed, never put in a URL or argv.
  const std::string& Token();
  TokenSource token_source() const { return source_; }
  // What is known about the token in use (user id, expiry, kind); empty for NEMO_TOKEN.
  const Credentials& credentials() const { return credentials_; }
  // Credits reported when the token was minted by this process, if it was.
  std::optional<long long> minted_credits() const { return minted_credits_; }

  // Stored token for this base, without acquiring one (status, logout).
  std::optional<Credentials> StoredCredentials() const;

  // A JSON call with the bearer token; decodes the envelope (throws Error) and returns the payload.
  // On 1001 a stored/minted anonymous token is refreshed once and the call retried once.
  nlohmann::json Call(HttpRequest request);
  nlohmann::json Get(const std::string& path);
  nlohmann::json Post(const std::string& path, const nlohmann::json& body, bool idempotent = false);

  // A request whose 2xx body streams into request.on_body (SSE, downloads, uploads). An error
  // status is decoded and thrown like Call's, with the same one refresh on 1001. The response
  // (headers, status) is returned for 2xx.
  HttpResponse Stream(HttpRequest request);

  // Mints (or re-uses) the anonymous token for this client id under the config lock.
  Credentials AcquireAnonymousToken(const std::string& stale_token = "");

 private:
  bool CanRefresh() const;
  bool RefreshOrThrow(const Error& e, int attempt);
  void Refresh();
  HttpRequest Prepare(HttpRequest request);

  Config config_;
  Http http_;
  std::string token_;
  TokenSource source_ = TokenSource::kNone;
  Credentials credentials_;
  std::optional<long long> minted_credits_;
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
