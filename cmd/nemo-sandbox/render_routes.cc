// The export endpoints, in the render envelope ({"success":…}) and either job shape.
#include <regex>

#include "envelope.h"
#include "files.h"
#include "renders.h"
#include "routes.h"

namespace sandbox {

using httplib::Request;
using httplib::Response;
using nlohmann::json;

namespace {

// The two job shapes the sources disagree about (NEMOVIDEO-API.md, "disagree" item 1).
json Shape(Sandbox& sb, const json& v) {
  if (sb.faults.Str("job_shape") == "toplevel") {
    json out = {{"id", v["id"]},
                {"render_id", v["id"]},
                {"status", v["status"]},
                {"progress", v["progress"]},
                {"output", {{"url", v["output_url"]}}},
                {"created_at", v["created_at"]}};
    if (!v["error"].is_null()) out["error"] = out["reason"] = v["error"];
    return out;
  }
  json data = {{"id", v["id"]},
               {"status", v["status"]},
               {"progress", v["progress"]},
               {"outputUrl", v["output_url"]},
               {"createdAt", v["created_at"]}};
  if (!v["completed_at"].is_null()) data["completedAt"] = v["completed_at"];
  if (!v["error"].is_null()) data["error"] = data["reason"] = v["error"];
  return {{"success", true}, {"data", data}};
}

bool HasDraft(const json& draft) {
  if (!draft.is_object() || !draft.contains("t") || !draft["t"].is_array()) return false;
  for (const auto& t : draft["t"]) {
    if (t.is_object() && t.contains("sg") && t["sg"].is_array() && !t["sg"].empty()) return true;
  }
  return false;
}

void Submit(Sandbox& sb, const Request& req, Response& res) {
  sb.store.Count("render_requests");
  std::string user;
  json body;
  if (!Admit(sb, req, res, &user, Envelope::kRender)) return;
  for (const char* h : {"X-Skill-Source", "X-Skill-Version", "X-Skill-Platform"}) {
    if (req.get_header_value(h).empty()) {
      return RenderError(sb, res, 402, "PLAN_REQUIRED",
                         "Export requires attribution headers / a paid plan");
    }
  }
  if (!ParseBody(sb, req, res, &body, Envelope::kRender)) return;
  std::string id = body.value("id", "");
  static const std::regex kId(R"([A-Za-z0-9_\-]{1,128})");
  if (!std::regex_match(id, kId)) {
    return RenderError(sb, res, 400, "BAD_REQUEST", "id must be 1-128 letters, digits, _ or -");
  }
  std::string sid = body.value("sessionId", body.value("session_id", ""));
  auto session = sb.store.GetSession(sid, user);
  if (!session) return RenderError(sb, res, 404, "1002", "session not found");
  json draft = body.contains("draft") && !body["draft"].is_null() ? body["draft"] : session->draft;
  if (!HasDraft(draft)) return RenderError(sb, res, 400, "EMPTY_DRAFT", "draft is empty");
  // The service's qualities; anything else renders as high (nemo-sandbox(1)).
  std::string quality = "high";
  if (body.contains("output") && body["output"].is_object()) {
    quality = body["output"].value("quality", quality);
  }
  auto job = sb.renders->Submit(id, sid, user, draft, quality);
  if (!job) {
    return RenderError(sb, res, 409, "DUPLICATE_ID", "a render with id " + id + " already exists");
  }
  RenderOk(res, Shape(sb, *job));
}

}  // namespace

void AddRenderRoutes(httplib::Server& svr, Sandbox& sb) {
  svr.Post("/api/render/proxy/lambda",
           [&sb](const Request& req, Response& res) { Submit(sb, req, res); });

  svr.Get(R"(/api/render/proxy/lambda/([^/]+))", [&sb](const Request& req, Response& res) {
    std::string user;
    if (!Admit(sb, req, res, &user, Envelope::kRender)) return;
    std::string id = req.matches[1];
    sb.store.CountKeyed("polls", id);
    auto view = sb.renders->View(id, user);
    if (!view) return RenderError(sb, res, 404, "NOT_FOUND", "render not found: " + id);
    RenderOk(res, Shape(sb, *view));
  });

  svr.Post(R"(/api/render/proxy/lambda/([^/]+)/cancel)", [&sb](const Request& req, Response& res) {
    std::string user;
    if (!Admit(sb, req, res, &user, Envelope::kRender)) return;
    std::string id = req.matches[1];
    if (!sb.renders->Cancel(id, user)) {
      return RenderError(sb, res, 404, "NOT_FOUND", "render not found: " + id);
    }
    RenderOk(res, Shape(sb, *sb.renders->View(id, user)));
  });

  svr.Get(R"(/api/render/proxy/([^/]+)/download)", [&sb](const Request& req, Response& res) {
    std::string user;
    if (!Admit(sb, req, res, &user, Envelope::kRender)) return;
    std::string path = sb.renders->OutputPath(req.matches[1], user);
    if (path.empty())
      return RenderError(sb, res, 404, "NOT_FOUND", "no finished render with this id");
    sb.store.Count("fallback_downloads");
    ServeFile(sb, req, res, path, "video/mp4");
  });
}

}  // namespace sandbox
