#include "envelope.h"

#include <regex>

namespace sandbox {

using nlohmann::json;

void SendJson(httplib::Response& res, int http, const json& body, const std::string& type) {
  res.status = http;
  res.set_content(body.dump(), type.empty() ? "application/json" : type);
}

void ApiOk(httplib::Response& res, const json& data) {
  SendJson(res, 200, {{"code", 0}, {"message", "success"}, {"data", data}});
}

namespace {

const char* ReasonPhrase(int http) {
  switch (http) {
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 402:
      return "Payment Required";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 413:
      return "Request Entity Too Large";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Internal Server Error";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Temporarily Unavailable";
    case 504:
      return "Gateway Time-out";
    default:
      return "Error";
  }
}

// What nginx in front of the service sends, byte for byte in spirit.
void HtmlPage(httplib::Response& res, int http) {
  std::string title = std::to_string(http) + " " + ReasonPhrase(http);
  res.status = http;
  res.set_content("<html>\r\n<head><title>" + title + "</title></head>\r\n<body>\r\n<center><h1>" +
                      title +
                      "</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n",
                  "text/html");
}

// An API code as a number where it is one ("1002" → 1002), as the API envelope carries it.
json NumericIfDigits(const json& code) {
  if (!code.is_string()) return code;
  const std::string& s = code.get_ref<const std::string&>();
  if (s.empty() || s.size() > 9 || s.find_first_not_of("0123456789") != std::string::npos) {
    return code;
  }
  return std::stoi(s);
}

// The HTTP status an injected code travels with (unless errors_on_200 puts it on 200).
int StatusForCode(int64_t code) {
  switch (code) {
    case 1001:
      return 401;
    case 1002:
      return 404;
    case 2001:
      return 402;  // the status says "plan", the code says "credits": the code wins
    case 4002:
      return 413;
    default:
      return code >= 400 && code < 600 ? static_cast<int>(code) : 400;
  }
}

std::string MessageForCode(int64_t code) {
  switch (code) {
    case 1001:
      return "token expired";
    case 1002:
      return "session not found";
    case 2001:
      return "insufficient credits";
    case 4001:
      return "unsupported file type";
    case 4002:
      return "file too large";
    case 4003:
      return "the URL could not be fetched";
    case 402:
      return "export requires a registered account";
    case 429:
      return "too many requests";
    default:
      return code >= 500 ? "service unavailable" : "request refused";
  }
}

// /run_sse in the event dialect: HTTP 200 and an event stream whose one event is the error,
// in the run's event dialect.
void ErrorEvent(Sandbox& sb, httplib::Response& res, const json& code, const std::string& msg) {
  std::string dialect = sb.faults.Str("dialect");
  if (dialect.empty()) dialect = sb.opt.dialect;
  // A layer in front of the agent may write its own envelope into the stream as the event.
  std::string shape = sb.faults.Str("error_event");
  if (shape == "envelope") dialect = "envelope";
  if (shape == "success") dialect = "success";
  json event = dialect == "envelope"  ? json{{"code", code}, {"message", msg}, {"data", nullptr}}
               : dialect == "success" ? json{{"success", false}, {"code", code}, {"message", msg}}
               : dialect == "typed"
                   ? json{{"type", "error"}, {"code", NumericIfDigits(code)}, {"message", msg}}
                   : json{{"id", RandomHex(8)},
                          {"author", "nemo_agent"},
                          {"timestamp", NowMs()},
                          {"errorCode", code.is_string() ? code : json(code.dump())},
                          {"errorMessage", msg}};
  res.status = 200;
  res.set_header("Cache-Control", "no-cache");
  res.set_content("data: " + event.dump() + "\n\n", "text/event-stream");
}

}  // namespace

void ErrorReply(Sandbox& sb, httplib::Response& res, Envelope env, int http, const json& code,
                const std::string& msg) {
  std::string dialect = sb.faults.Str("error_dialect");
  if (dialect.empty() || dialect == "event") {
    dialect = env == Envelope::kRender ? "success" : "api";
  }
  if (dialect == "html") return HtmlPage(res, http);
  if (sb.faults.Flag("errors_on_200")) http = 200;
  if (dialect == "text") {  // what many servers and gateways write: the reason, as plain text
    res.status = http;
    return res.set_content(msg + "\n", "text/plain; charset=utf-8");
  }
  // A gateway or framework that set the type of what the endpoint streams (an event stream, a
  // video) before the error was written.
  std::string type = sb.faults.Str("error_content_type");
  if (dialect == "adk") {  // ADK's own server: {"error": text}, no code (its 404 for a session)
    return SendJson(res, http, {{"error", msg}}, type);
  }
  if (dialect == "api") {
    return SendJson(res, http,
                    {{"code", NumericIfDigits(code)}, {"message", msg}, {"data", nullptr}}, type);
  }
  if (dialect == "success_string") {
    return SendJson(
        res, http,
        {{"success", false}, {"code", NumericIfDigits(code)}, {"message", msg}, {"error", msg}},
        type);
  }
  SendJson(res, http, {{"success", false}, {"error", {{"code", code}, {"message", msg}}}}, type);
}

void ApiError(Sandbox& sb, httplib::Response& res, int http, int code, const std::string& msg) {
  ErrorReply(sb, res, Envelope::kApi, http, code, msg);
}

void RenderOk(httplib::Response& res, const json& body) { SendJson(res, 200, body); }

void RenderError(Sandbox& sb, httplib::Response& res, int http, const std::string& code,
                 const std::string& msg) {
  ErrorReply(sb, res, Envelope::kRender, http, code, msg);
}

bool InjectFault(Sandbox& sb, const httplib::Request& req, httplib::Response& res, Envelope env) {
  sb.store.Count("requests");
  sb.store.CountKeyed("hits", req.method + " " + req.path);
  if (sb.faults.TakeOne("fail_next")) {
    SendJson(res, 503, {{"code", 503}, {"message", "service unavailable"}});
    return true;
  }
  if (sb.faults.TakeOne("html_next")) {
    HtmlPage(res, 502);
    return true;
  }
  if (sb.faults.TakeOne("rate_limit_next")) {
    res.set_header("Retry-After", "1");
    SendJson(res, 429, {{"code", 429}, {"message", "too many requests"}});
    return true;
  }
  return InjectError(sb, req, res, env);
}

bool InjectError(Sandbox& sb, const httplib::Request& req, httplib::Response& res, Envelope env,
                 const std::string& listener) {
  std::string pattern = sb.faults.Str("inject");
  std::string what = listener + req.method + " " + req.path;
  if (pattern.empty() || !std::regex_search(what, std::regex(pattern)) ||
      sb.faults.TakeOne("inject_skip") || !sb.faults.TakeOne("inject_times")) {
    return false;
  }
  sb.store.CountKeyed("injected", what);
  int64_t code = sb.faults.Int("inject_code");
  std::string msg = MessageForCode(code) + " (injected)";
  if (code == 429) res.set_header("Retry-After", "0");
  if (req.path == "/run_sse" && sb.faults.Str("error_dialect") == "event") {
    ErrorEvent(sb, res, std::to_string(code), msg);
  } else {
    ErrorReply(sb, res, env, StatusForCode(code), code, msg);
  }
  return true;
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
  return !InjectFault(sb, req, res, env) && Authorize(sb, req, res, user_id, env);
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
