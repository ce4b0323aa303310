// The plain JSON endpoints: tokens, claim links, sessions, credits and session state.
#include "envelope.h"
#include "routes.h"

namespace sandbox {

using httplib::Request;
using httplib::Response;
using nlohmann::json;

namespace {

json CanvasOf(const json& draft) {
  json m = draft.is_object() ? draft.value("m", json::object()) : json::object();
  return {{"width", m.value("width", 1920)}, {"height", m.value("height", 1080)}};
}

}  // namespace

void AddApiRoutes(httplib::Server& svr, Sandbox& sb) {
  svr.Post("/api/auth/anonymous-token", [&sb](const Request& req, Response& res) {
    if (InjectFault(sb, req, res)) return;
    std::string client_id = req.get_header_value("X-Client-Id");
    if (client_id.empty()) {
      // The real service answers this one without the data field.
      SendJson(res, 400, {{"code", 400}, {"message", "X-Client-Id header required"}});
      return;
    }
    ApiOk(res, sb.store.AnonymousToken(client_id));
  });

  svr.Post("/api/auth/claim-token", [&sb](const Request& req, Response& res) {
    std::string user;
    json body;
    if (!Admit(sb, req, res, &user) || !ParseBody(sb, req, res, &body)) return;
    auto session = sb.store.GetSession(body.value("session_id", ""), user);
    if (!session) return ApiError(sb, res, 404, 1002, "session not found");
    // As the real service does: the task must be the session's own.
    if (body.value("task_id", "") != session->task_id) {
      return ApiError(sb, res, 400, 400, "task_id does not match the session");
    }
    // The service's link goes to its web app; the sandbox's page is its own (page.cc), so the
    // reply names it: a client on a sandbox prints a link that opens offline.
    std::string claim = sb.store.IssueClaim(session->id);
    ApiOk(res, {{"claim_token", claim},
                {"expires_in", kClaimSeconds},
                {"claim_url", sb.api_url + "/workspace/claim?ct=" + claim}});
  });

  svr.Post("/api/tasks/me/with-session/nemo_agent", [&sb](const Request& req, Response& res) {
    std::string user;
    json body;
    if (!Admit(sb, req, res, &user)) return;
    if (!req.body.empty() && !ParseBody(sb, req, res, &body)) return;
    std::string name = body.is_object() ? body.value("task_name", "project") : "project";
    ApiOk(res, sb.store.CreateSession(user, name));
  });

  svr.Get("/api/credits/balance/simple", [&sb](const Request& req, Response& res) {
    std::string user;
    if (!Admit(sb, req, res, &user)) return;
    ApiOk(res, sb.store.Balance(user));
  });

  svr.Get(R"(/api/state/nemo_agent/me/([^/]+)/latest)", [&sb](const Request& req, Response& res) {
    std::string user;
    if (!Admit(sb, req, res, &user)) return;
    auto session = sb.store.GetSession(req.matches[1], user);
    if (!session) return ApiError(sb, res, 404, 1002, "session not found");
    ApiOk(res, {{"state",
                 {{"draft", session->draft},
                  {"video_infos", session->video_infos},
                  {"canvas_config", CanvasOf(session->draft)},
                  {"video_analyses", json::array()},
                  {"generated_media", json::array()}}}});
  });
}

}  // namespace sandbox
