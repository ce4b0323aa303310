#include "api.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>

#include "envelope.h"
#include "error.h"
#include "wait.h"

namespace nemo {
namespace {

HttpOptions MakeHttpOptions(const Config& config) {
  HttpOptions options;
  options.api_origin = UrlOrigin(config.api_base);
  options.user_agent = std::string("nemo/") + NEMO_VERSION + " " + CurlVersion();
  options.attribution = {"X-Skill-Source: " + config.skill_source,
                         "X-Skill-Version: " + config.skill_version,
                         "X-Skill-Platform: " + config.skill_platform};
  options.verbose = config.verbose;
  // Tests and benchmarks shorten the waits between tries; users get the documented ones.
  if (const char* ms = std::getenv("NEMO_RETRY_BASE_MS"); ms && *ms) {
    options.backoff_base = std::chrono::milliseconds(std::atol(ms));
  }
  if (const char* s = std::getenv("NEMO_RETRY_AFTER_DEFAULT"); s && *s) {
    options.default_retry_after = std::chrono::seconds(std::atol(s));
  }
  return options;
}

// A bad or expired token (1001, or a bare 401) is worth one refresh; a 403 (a missing scope) is
// not.
bool IsAuthFailure(const Error& e) {
  return e.exit_code() == kExitAuth && e.http_status() != 403 && e.api_code() != 403;
}

// NEMO_TOKEN is never replaced, so the usual "run nemo-auth" hint would not help.
Error EnvironmentTokenRefused(const Error& e) {
  return Error(e.exit_code(), e.what(),
               "NEMO_TOKEN was refused and is never replaced; set a fresh one or unset it",
               e.api_code());
}

}  // namespace

const char* TokenSourceName(TokenSource source) {
  switch (source) {
    case TokenSource::kEnvironment:
      return "environment";
    case TokenSource::kStored:
      return "stored";
    case TokenSource::kMinted:
      return "minted";
    case TokenSource::kGiven:
      return "given";
    default:
      return "none";
  }
}

Api::Api(Config config) : config_(std::move(config)), http_(MakeHttpOptions(config_)) {}

std::optional<Credentials> Api::StoredCredentials() const {
  return LoadCredentials(config_.config_dir, config_.api_base);
}

const std::string& Api::Token() {
  if (!token_.empty()) return token_;
  // Not to a base only a context named (config.h): NEMO_TOKEN belongs to the configured API.
  if (const char* env = config_.environment_token ? std::getenv("NEMO_TOKEN") : nullptr) {
    std::string token = env;
    if (token.empty()) {
      throw Error(kExitAuth, "NEMO_TOKEN is set but empty",
                  "unset NEMO_TOKEN to use the stored or an anonymous token");
    }
    for (unsigned char c : token) {
      if (c < 0x21 || c == 0x7f) {
        throw Error(kExitAuth, "NEMO_TOKEN contains whitespace or a control character",
                    "set NEMO_TOKEN to the token alone, e.g. NEMO_TOKEN=$(nemo-auth token)");
      }
    }
    token_ = token;
    source_ = TokenSource::kEnvironment;
    return token_;
  }
  auto stored = StoredCredentials();
  if (stored && !IsExpired(*stored)) {
    credentials_ = *stored;
    token_ = stored->token;
    source_ = TokenSource::kStored;
    return token_;
  }
  if (!config_.auto_auth) {
    throw Error(
        kExitAuth, stored ? "the stored token has expired" : "no token",
        "run `nemo-auth` (NEMO_NO_AUTO_AUTH=1 turns automatic login off), or set NEMO_TOKEN");
  }
  credentials_ = AcquireAnonymousToken(stored ? stored->token : "");
  token_ = credentials_.token;
  source_ = TokenSource::kMinted;
  return token_;
}

void Api::UseToken(std::string token) {
  token_ = std::move(token);
  source_ = TokenSource::kGiven;
  credentials_ = {};
}

Credentials Api::AcquireAnonymousToken(const std::string& stale_token) {
  // The client id is read (or created) before the lock: it takes the same lock itself.
  std::string client_id = LoadOrCreateClientId(config_.config_dir);
  FileLock lock = LockCredentialsDir(config_.config_dir);
  // Re-check under the lock: a parallel process may have minted while we waited.
  auto stored = StoredCredentials();
  if (stored && !IsExpired(*stored) && stored->token != stale_token) return *stored;

  HttpRequest request;
  request.method = "POST";
  request.url = Url(paths::kAnonymousToken);
  request.headers = {"X-Client-Id: " + client_id, "Content-Type: application/json"};
  request.idempotent = true;  // one live token per client id: asking twice gives the same one
  nlohmann::json data = Exchange(request, Plain::kErrorMemberFails, /*with_token=*/false).payload;
  Credentials c;
  c.api = config_.api_base;
  c.token = data.value("token", "");
  if (c.token.empty()) throw Error(kExitBadResponse, "the anonymous-token reply has no token");
  c.user_id = data.value("user_id", "");
  c.expires_at = data.value("expires_at", "");
  c.kind = "anonymous";
  c.client_id = client_id;
  if (data.contains("credits") && data["credits"].is_number()) {
    minted_credits_ = data["credits"].get<long long>();
  }
  StoreCredentials(config_.config_dir, c);
  // The first token on this machine is an account the user did not ask for by name: say so once.
  if (!stored && config_.note) {
    config_.note(
        "created an anonymous NemoVideo account for this machine: " +
        std::to_string(minted_credits_.value_or(100)) +
        " credits, valid 7 days (`nemo-session link` gives a link to keep it by signing up)");
  }
  return c;
}

bool Api::CanRefresh() const {
  return source_ != TokenSource::kEnvironment && credentials_.kind == "anonymous" &&
         config_.auto_auth && !refreshed_;
}

void Api::Refresh() {
  credentials_ = AcquireAnonymousToken(token_);
  token_ = credentials_.token;
  source_ = TokenSource::kMinted;
  refreshed_ = true;
}

HttpRequest Api::Prepare(HttpRequest request) {
  if (request.url.empty()) throw Error(kExitInternal, "request without a URL");
  request.bearer = Token();
  return request;
}

// One place for what a refused token means: a stored anonymous token is refreshed once and the
// request sent again (it was refused, not accepted, so nothing can be done twice); a NEMO_TOKEN
// is never replaced. Returns whether to send again; otherwise throws.
bool Api::RefreshOrThrow(const Error& e, int attempt) {
  if (attempt == 0 && RefreshAfter(e)) return true;
  if (IsAuthFailure(e) && source_ == TokenSource::kEnvironment) throw EnvironmentTokenRefused(e);
  // A registered token is never replaced by an anonymous one behind the user's back, so
  // "run nemo-auth" would fail the same way: say the two ways out.
  if (IsAuthFailure(e) && e.http_status() != 403 && source_ == TokenSource::kStored &&
      credentials_.kind == "registered") {
    throw Error(
        e.exit_code(),
        std::string("the stored registered token was refused (expired or revoked): ") + e.what(),
        "store a new one with `nemo-auth login --with-token <token.txt`, or "
        "`nemo-auth logout` to go back to an anonymous token",
        e.api_code(), e.http_status());
  }
  throw e;
}

bool Api::RefreshAfter(const Error& e) {
  if (!IsAuthFailure(e) || !CanRefresh()) return false;
  Refresh();
  return true;
}

nlohmann::json Api::Classify(const HttpRequest& request, const HttpResponse& response,
                             Plain plain) {
  if (response.streamed) return nullptr;
  ApiReply reply{response.status, response.Header("content-type"), response.body};
  bool success = response.status >= 200 && response.status < 300;
  if (!request.on_body || !success) return DecodeEnvelope(reply, plain);
  // An event stream or a file was expected and the body is not one.
  if (response.body.empty()) return nullptr;
  nlohmann::json payload = DecodeEnvelope(reply);  // an error envelope throws its own error
  // A stream that carried no event is the caller's to judge (a run may be going on: nemo-send
  // reads the state); a file that is JSON is never the file.
  if (request.expect == BodyKind::kEventStream) return payload;
  throw Error(kExitBadResponse,
              "the server answered HTTP " + std::to_string(response.status) +
                  " with JSON where a file was expected (" + BodyExcerpt(response.body) + ")",
              "the service may have changed its API; run with --verbose and report it", 0,
              response.status);
}

Api::Reply Api::Exchange(HttpRequest request, Plain plain, bool with_token) {
  bool waited = false;  // the one wait after a rate limit told in the body
  for (int attempt = 0;; ++attempt) {
    HttpResponse response = http_.Send(with_token ? Prepare(request) : request);
    if (response.aborted) return {std::move(response), nullptr};
    try {
      nlohmann::json payload = Classify(request, response, plain);
      return {std::move(response), std::move(payload)};
    } catch (const Error& e) {
      // A 429 told in the body of another status (HTTP 200 with {"code":429}) is the same refusal
      // as an HTTP 429, which Http waits for once: wait once here too.
      if (e.api_code() == 429 && response.status != 429 && !request.never_retry && !waited) {
        waited = true;
        auto pause = http_.RetryAfter(response);
        if (request.timeout_ms > 0 && pause.count() >= request.timeout_ms) throw;
        if (http_.options().verbose) {
          std::fprintf(stderr, "%s: rate limited; retrying once in %lld ms\n",
                       program_invocation_short_name, static_cast<long long>(pause.count()));
        }
        SleepOrInterrupt(pause);
        --attempt;  // not a refusal of the token: the one refresh is still there
        continue;
      }
      if (!with_token) throw;  // not our token that was refused: nothing to refresh
      RefreshOrThrow(e, attempt);
    }
  }
}

nlohmann::json Api::Call(HttpRequest request) { return Exchange(std::move(request)).payload; }

nlohmann::json Api::Get(const std::string& path, long timeout_ms) {
  HttpRequest request;
  request.url = Url(path);
  request.idempotent = true;
  request.timeout_ms = timeout_ms;
  return Call(request);
}

nlohmann::json Api::Post(const std::string& path, const nlohmann::json& body, bool idempotent) {
  HttpRequest request;
  request.method = "POST";
  request.url = Url(path);
  request.headers = {"Content-Type: application/json"};
  request.body = body.dump();
  request.idempotent = idempotent;
  return Call(request);
}

namespace paths {
std::string Upload(const std::string& sid) {
  return "/api/upload-video/nemo_agent/me/" + EscapePathSegment(sid);
}
std::string State(const std::string& sid) {
  return "/api/state/nemo_agent/me/" + EscapePathSegment(sid) + "/latest";
}
std::string RenderJob(const std::string& id) {
  return "/api/render/proxy/lambda/" + EscapePathSegment(id);
}
std::string RenderCancel(const std::string& id) { return RenderJob(id) + "/cancel"; }
std::string RenderDownload(const std::string& id) {
  return "/api/render/proxy/" + EscapePathSegment(id) + "/download";
}
}  // namespace paths

std::string EscapePathSegment(const std::string& segment) {
  static const char* kHex = "0123456789ABCDEF";
  // "." and ".." would be resolved away by the URL parser (curl removes dot segments), turning
  // /me/../latest into another endpoint: encode their dots.
  bool dots_only = segment == "." || segment == "..";
  std::string out;
  for (unsigned char c : segment) {
    if (std::isalnum(c) || c == '-' || c == '_' || (c == '.' && !dots_only) || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

nlohmann::json RunSseBody(const std::string& session_id, const std::string& message) {
  return {{"app_name", "nemo_agent"},
          {"user_id", "me"},
          {"session_id", session_id},
          {"new_message", {{"role", "user"}, {"parts", {{{"text", message}}}}}},
          {"streaming", true}};
}

}  // namespace nemo
