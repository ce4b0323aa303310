#include "envelope.h"

namespace sandbox {

using nlohmann::json;

void SendJson(httplib::Response& res, int http, const json& body) {
  res.status = http;
  res.set_content(body.dump(), "application/json");
}

void ApiOk(httplib::Response& res, const json& data) {
  SendJson(res, 200, {{"code", 0}, {"message", "success"}, {"data", data}});
}

void ApiError(Sandbox& sb, httplib::Response& res, int http, int code, const std::string& msg) {
  if (sb.faults.Flag("errors_on_200")) http = 200;
  SendJson(res, http, {{"code", code}, {"message", msg}, {"data", nullptr}});
}

void RenderOk(httplib::Response& res, const json& body) { SendJson(res, 200, body); }

void RenderError(Sandbox& sb, httplib::Response& res, int http, const std::string& code,
                 const std::string& msg) {
  if (sb.faults.Flag("errors_on_200")) http = 200;
  SendJson(res, http, {{"success", false}, {"error", {{"code", code}, {"message", msg}}}});
}

bool InjectFault(Sandbox& sb, httplib::Response& res) {
  sb.store.Count("requests");
  if (sb.faults.TakeOne("fail_next")) {
    SendJson(res, 503, {{"code", 503}, {"message", "service unavailable"}});
    return true;
  }
  if (sb.faults.TakeOne("html_next")) {
    // What nginx in front of a dead upstream sends, byte for byte in spirit.
    res.status = 502;
    res.set_content(
        "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
        "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n"
        "</body>\r\n</html>\r\n",
        "text/html");
    return true;
  }
  if (sb.faults.TakeOne("rate_limit_next")) {
    res.set_header("Retry-After", "1");
    SendJson(res, 429, {{"code", 429}, {"message", "too many requests"}});
    return true;
  }
  return false;
}

bool Authorize(Sandbox& sb, const httplib::Request& req, httplib::Response& res,
               std::string* user_id, Envelope env) {
  auto result = sb.store.Authenticate(req.get_header_value("Authorization"), user_id);
  if (result == Store::Auth::kOk) return true;
  std::string msg = result == Store::Auth::kExpired ? "token expired" : "invalid token";
  if (env == Envelope::kRender) {
    RenderError(sb, res, 401, "1001", msg);
  } else {
    ApiError(sb, res, 401, 1001, msg);
  }
  return false;
}

bool Admit(Sandbox& sb, const httplib::Request& req, httplib::Response& res, std::string* user_id,
           Envelope env) {
  return !InjectFault(sb, res) && Authorize(sb, req, res, user_id, env);
}

bool ParseBody(Sandbox& sb, const httplib::Request& req, httplib::Response& res, json* body,
               Envelope env) {
  *body = json::parse(req.body, nullptr, false);
  if (!body->is_discarded() && body->is_object()) return true;
  if (env == Envelope::kRender) {
    RenderError(sb, res, 400, "BAD_REQUEST", "the body must be a JSON object");
  } else {
    ApiError(sb, res, 400, 400, "the body must be a JSON object");
  }
  return false;
}

}  // namespace sandbox
