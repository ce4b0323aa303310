// Everything the fake backend remembers: tokens, users and their credits, sessions (draft,
// uploads, message counts) and the counters the tests read. One mutex guards it all: the work
// done under it is tiny, and one lock makes "check credits then freeze them" trivially atomic.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "util.h"

namespace sandbox {

using nlohmann::json;
using SysClock = std::chrono::system_clock;

inline constexpr int64_t kClaimSeconds = 604800;  // a claim token's life, as the service's

struct Session {
  std::string id, task_id, user_id;
  std::string name;  // task_name: what the web app (and the claim page) shows
  json draft = json::object();
  json video_infos = json::array();
  int64_t messages = 0;
  int runs_active = 0;
};

class Store {
 public:
  Store(Millis token_ttl, int64_t credits) : token_ttl_(token_ttl), credits_(credits) {}

  enum class Auth { kOk, kInvalid, kExpired };
  // `header` is the whole Authorization header value.
  Auth Authenticate(const std::string& header, std::string* user_id);

  // One live token per client id: an unexpired one is returned again, otherwise a new one is
  // minted for the same user. Returns the API's `data` object.
  json AnonymousToken(const std::string& client_id);
  void ExpireAllTokens();

  json Balance(const std::string& user_id);
  // Moves `cost` from available to frozen; false (and nothing changes) when it is short.
  bool Freeze(const std::string& user_id, int64_t cost, int64_t* available);
  void Settle(const std::string& user_id, int64_t cost);  // the frozen cost is spent
  void Refund(const std::string& user_id, int64_t cost);  // the frozen cost is available again
  void SetCredits(const std::optional<std::string>& user_id, int64_t available);

  json CreateSession(const std::string& user_id, const std::string& name);
  // Copies of a session, if it exists and belongs to `user_id` (empty user: any owner).
  std::optional<Session> GetSession(const std::string& sid, const std::string& user_id = "");
  void SetDraft(const std::string& sid, const json& draft);
  void AddUploads(const std::string& sid, const json& files);
  // Counts an accepted message and marks a run active; returns the draft at that moment.
  json BeginMessage(const std::string& sid);
  void EndRun(const std::string& sid);

  // Browser links: a claim token for a session, valid for 7 days like the service's, and the
  // session a live one opens ("" when unknown or expired).
  std::string IssueClaim(const std::string& sid);
  std::string ClaimedSession(const std::string& claim_token);

  // Counters for GET /_sandbox/counters.
  void Count(const std::string& name, int64_t n = 1);
  void CountKeyed(const std::string& name, const std::string& key);
  json Counters();

 private:
  struct Token {
    std::string user_id, client_id;
    SysClock::time_point expires;
  };
  struct User {
    int64_t available = 0, frozen = 0;
  };

  std::mutex mu_;
  Millis token_ttl_;
  int64_t credits_;
  std::map<std::string, Token> tokens_;              // token → owner
  std::map<std::string, std::string> client_token_;  // client id → its latest token
  std::map<std::string, User> users_;
  std::map<std::string, Session> sessions_;
  struct Claim {
    std::string session_id;
    SysClock::time_point expires;
  };
  std::map<std::string, Claim> claims_;  // claim token → session
  json counters_ = json::object();
};

}  // namespace sandbox
