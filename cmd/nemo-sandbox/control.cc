// /_sandbox/*: the tests' side door (faults, counters, sessions, credits). Plain JSON without
// the API envelope and without auth: a prefix the real API does not use, so no client can
// mistake it for part of the contract.
#include <optional>

#include "envelope.h"
#include "routes.h"

namespace sandbox {

using httplib::Request;
using httplib::Response;
using nlohmann::json;

void AddControlRoutes(httplib::Server& svr, Sandbox& sb) {
  svr.Get("/_sandbox/faults",
          [&sb](const Request&, Response& res) { SendJson(res, 200, sb.faults.Snapshot()); });

  // POST merges into the current faults; PUT replaces them all (a DELETE and a POST in one
  // request, which the tests' matrices make hundreds of times).
  auto set_faults = [&sb](bool replace) {
    return [&sb, replace](const Request& req, Response& res) {
      json patch = json::parse(req.body, nullptr, false);
      if (patch.is_discarded() || !patch.is_object()) {
        return SendJson(res, 400, {{"error", "the body must be a JSON object"}});
      }
      if (replace) sb.faults.Reset();
      bool expire = false;
      std::string error = sb.faults.Merge(patch, &expire);
      if (!error.empty()) return SendJson(res, 400, {{"error", error}});
      if (expire) sb.store.ExpireAllTokens();
      SendJson(res, 200, sb.faults.Snapshot());
    };
  };
  svr.Post("/_sandbox/faults", set_faults(false));
  svr.Put("/_sandbox/faults", set_faults(true));

  svr.Delete("/_sandbox/faults", [&sb](const Request&, Response& res) {
    sb.faults.Reset();
    SendJson(res, 200, sb.faults.Snapshot());
  });

  svr.Get("/_sandbox/counters",
          [&sb](const Request&, Response& res) { SendJson(res, 200, sb.store.Counters()); });

  svr.Get(R"(/_sandbox/sessions/([^/]+))", [&sb](const Request& req, Response& res) {
    auto s = sb.store.GetSession(req.matches[1]);
    if (!s) return SendJson(res, 404, {{"error", "Session not found: " + req.matches[1].str()}});
    SendJson(res, 200,
             {{"session_id", s->id},
              {"user_id", s->user_id},
              {"run_active", s->runs_active > 0},
              {"messages", s->messages},
              {"draft", s->draft},
              {"video_infos", s->video_infos}});
  });

  svr.Post("/_sandbox/credits", [&sb](const Request& req, Response& res) {
    json body = json::parse(req.body, nullptr, false);
    if (body.is_discarded() || !body.is_object() || !body.contains("available") ||
        !body["available"].is_number_integer()) {
      return SendJson(res, 400, {{"error", "expected {\"available\": N, \"user_id\"?: …}"}});
    }
    std::optional<std::string> user;
    if (body.contains("user_id") && body["user_id"].is_string()) user = body["user_id"];
    sb.store.SetCredits(user, body["available"].get<int64_t>());
    SendJson(res, 200, {{"ok", true}});
  });
}

}  // namespace sandbox
