// The API's envelopes and the checks every API request goes through (faults, then the token).
#pragma once

#include <httplib.h>

#include <nlohmann/json.hpp>

#include "sandbox.h"

namespace sandbox {

// {"code":0,"message":"success","data":…}
void ApiOk(httplib::Response& res, const nlohmann::json& data);
enum class Envelope { kApi, kRender };

// Every error the sandbox answers is written here, in the dialect the fault error_dialect
// chooses (a switch for all endpoints at once, so a client is tested on each endpoint in each
// dialect): the endpoint's own envelope by default — {"code":N,"message":…,"data":null} for the
// API, {"success":false,"error":{"code","message"}} for renders — or one of the others; on HTTP
// 200 instead of `http` with errors_on_200 (an HTML page keeps its status: proxies send them).
void ErrorReply(Sandbox& sb, httplib::Response& res, Envelope env, int http,
                const nlohmann::json& code, const std::string& msg);
void ApiError(Sandbox& sb, httplib::Response& res, int http, int code, const std::string& msg);
// Render endpoints: {"success":true,…} / {"success":false,"error":{"code","message"}}.
void RenderOk(httplib::Response& res, const nlohmann::json& body);
void RenderError(Sandbox& sb, httplib::Response& res, int http, const std::string& code,
                 const std::string& msg);
// `type`: the Content-Type (empty: application/json).
void SendJson(httplib::Response& res, int http, const nlohmann::json& body,
              const std::string& type = "");

// Counts the request and applies the request faults (503, 502 HTML, 429, and the injected
// error of inject/inject_code). True when a fault answered the request and the handler must
// stop.
bool InjectFault(Sandbox& sb, const httplib::Request& req, httplib::Response& res,
                 Envelope env = Envelope::kApi);
// The injected error alone (inject, inject_code, inject_times): the CDN listener uses it too.
bool InjectError(Sandbox& sb, const httplib::Request& req, httplib::Response& res,
                 Envelope env = Envelope::kApi, const std::string& listener = "");
// Checks the bearer token; on failure writes 401 code 1001 and returns false.
bool Authorize(Sandbox& sb, const httplib::Request& req, httplib::Response& res,
               std::string* user_id, Envelope env = Envelope::kApi);
// Both of the above, in the order a real gateway applies them.
bool Admit(Sandbox& sb, const httplib::Request& req, httplib::Response& res, std::string* user_id,
           Envelope env = Envelope::kApi);

// Parses a JSON request body; on failure answers 400 and returns false.
bool ParseBody(Sandbox& sb, const httplib::Request& req, httplib::Response& res,
               nlohmann::json* body, Envelope env = Envelope::kApi);

}  // namespace sandbox
