#include "store.h"

namespace sandbox {
namespace {

// Adds n to obj[key], creating either as needed (nlohmann's value() refuses a null object).
void Bump(json& obj, const std::string& key, int64_t n = 1) {
  int64_t old = obj.is_object() && obj.contains(key) ? obj[key].get<int64_t>() : 0;
  obj[key] = old + n;
}

}  // namespace

Store::Auth Store::Authenticate(const std::string& header, std::string* user_id) {
  const std::string prefix = "Bearer ";
  if (header.compare(0, prefix.size(), prefix) != 0) return Auth::kInvalid;
  std::string token = header.substr(prefix.size());
  while (!token.empty() && (token.back() == ' ' || token.back() == '\r')) token.pop_back();
  std::lock_guard lock(mu_);
  auto it = tokens_.find(token);
  if (it == tokens_.end()) return Auth::kInvalid;
  if (SysClock::now() >= it->second.expires) return Auth::kExpired;
  *user_id = it->second.user_id;
  return Auth::kOk;
}

json Store::AnonymousToken(const std::string& client_id) {
  std::lock_guard lock(mu_);
  Bump(counters_["anon_token_requests"], client_id);
  auto now = SysClock::now();
  std::string token;
  std::string user_id;
  if (auto c = client_token_.find(client_id); c != client_token_.end()) {
    const Token& t = tokens_.at(c->second);
    user_id = t.user_id;
    if (now < t.expires) token = c->second;
  }
  if (token.empty()) {
    if (user_id.empty()) {
      user_id = "anon_" + RandomHex(12);
      users_[user_id].available = credits_;
    }
    token = "nmv_usr_" + RandomHex(32);
    auto expires = std::chrono::time_point_cast<std::chrono::seconds>(now + token_ttl_);
    tokens_[token] = Token{user_id, client_id, expires};
    client_token_[client_id] = token;
    Bump(counters_["tokens_minted"], client_id);
    Bump(counters_, "tokens_minted_total");
  }
  const Token& t = tokens_.at(token);
  return {{"token", token},
          {"user_id", t.user_id},
          {"expires_at", IsoTime(t.expires)},
          {"credits", users_[t.user_id].available}};
}

void Store::ExpireAllTokens() {
  std::lock_guard lock(mu_);
  // A second in the past, so a token minted in this same second is not mistaken for one of these.
  auto past = SysClock::now() - std::chrono::seconds(1);
  for (auto& [token, t] : tokens_) t.expires = std::min(t.expires, past);
}

json Store::Balance(const std::string& user_id) {
  std::lock_guard lock(mu_);
  const User& u = users_[user_id];
  return {{"available", u.available}, {"frozen", u.frozen}, {"total", u.available + u.frozen}};
}

bool Store::Freeze(const std::string& user_id, int64_t cost, int64_t* available) {
  std::lock_guard lock(mu_);
  User& u = users_[user_id];
  *available = u.available;
  if (u.available < cost) return false;
  u.available -= cost;
  u.frozen += cost;
  return true;
}

void Store::Settle(const std::string& user_id, int64_t cost) {
  std::lock_guard lock(mu_);
  users_[user_id].frozen -= cost;
}

void Store::Refund(const std::string& user_id, int64_t cost) {
  std::lock_guard lock(mu_);
  users_[user_id].frozen -= cost;
  users_[user_id].available += cost;
}

void Store::SetCredits(const std::optional<std::string>& user_id, int64_t available) {
  std::lock_guard lock(mu_);
  if (user_id) {
    users_[*user_id].available = available;
    return;
  }
  for (auto& [id, u] : users_) u.available = available;
  credits_ = available;  // users created later start with the same balance
}

json Store::CreateSession(const std::string& user_id, const std::string& name) {
  std::lock_guard lock(mu_);
  Session s;
  s.id = "ses_" + RandomHex(24);
  s.task_id = "task_" + RandomHex(24);
  s.user_id = user_id;
  s.name = name;
  sessions_[s.id] = s;
  return {{"task_id", s.task_id}, {"session_id", s.id}, {"user_id", user_id}};
}

std::string Store::IssueClaim(const std::string& sid) {
  std::lock_guard lock(mu_);
  std::string token = "clm_" + RandomHex(32);
  claims_[token] = {sid, SysClock::now() + std::chrono::seconds(kClaimSeconds)};
  return token;
}

std::string Store::ClaimedSession(const std::string& claim_token) {
  std::lock_guard lock(mu_);
  auto it = claims_.find(claim_token);
  if (it == claims_.end() || it->second.expires <= SysClock::now()) return "";
  return it->second.session_id;
}

std::optional<Session> Store::GetSession(const std::string& sid, const std::string& user_id) {
  std::lock_guard lock(mu_);
  auto it = sessions_.find(sid);
  if (it == sessions_.end()) return std::nullopt;
  if (!user_id.empty() && it->second.user_id != user_id) return std::nullopt;
  return it->second;
}

void Store::SetDraft(const std::string& sid, const json& draft) {
  std::lock_guard lock(mu_);
  sessions_[sid].draft = draft;
}

void Store::AddUploads(const std::string& sid, const json& files) {
  std::lock_guard lock(mu_);
  for (const auto& f : files) sessions_[sid].video_infos.push_back(f);
}

json Store::BeginMessage(const std::string& sid) {
  std::lock_guard lock(mu_);
  Session& s = sessions_[sid];
  ++s.messages;
  ++s.runs_active;
  counters_["messages"][sid] = s.messages;
  Bump(counters_, "runs_active");
  return s.draft;
}

void Store::EndRun(const std::string& sid) {
  std::lock_guard lock(mu_);
  --sessions_[sid].runs_active;
  Bump(counters_, "runs_active", -1);
}

void Store::Count(const std::string& name, int64_t n) {
  std::lock_guard lock(mu_);
  Bump(counters_, name, n);
}

void Store::CountKeyed(const std::string& name, const std::string& key) {
  std::lock_guard lock(mu_);
  Bump(counters_[name], key);
}

json Store::Counters() {
  std::lock_guard lock(mu_);
  json out = {{"requests", 0},
              {"anon_token_requests", json::object()},
              {"tokens_minted", json::object()},
              {"tokens_minted_total", 0},
              {"messages", json::object()},
              {"runs_active", 0},
              {"uploads", 0},
              {"upload_requests", 0},
              {"render_requests", 0},
              {"polls", json::object()},
              {"cdn_requests", 0},
              {"cdn_auth_headers", 0},
              {"fallback_downloads", 0}};
  out.update(counters_);
  return out;
}

}  // namespace sandbox
