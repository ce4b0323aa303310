// The API's envelopes and the checks every API request goes through (faults, then the token).
#pragma once

#include <httplib.h>

#include <nlohmann/json.hpp>

#include "sandbox.h"

namespace sandbox {

// {"code":0,"message":"success","data":…}
void ApiOk(httplib::Response& res, const nlohmann::json& data);
// {"code":N,"message":…,"data":null} on `http`, or on 200 with fault errors_on_200.
void ApiError(Sandbox& sb, httplib::Response& res, int http, int code, const std::string& msg);
// Render endpoints: {"success":true,…} / {"success":false,"error":{"code","message"}}.
void RenderOk(httplib::Response& res, const nlohmann::json& body);
void RenderError(Sandbox& sb, httplib::Response& res, int http, const std::string& code,
                 const std::string& msg);
void SendJson(httplib::Response& res, int http, const nlohmann::json& body);

enum class Envelope { kApi, kRender };

// Counts the request and applies the request faults (503, 502 HTML, 429). True when a fault
// answered the request and the handler must stop.
bool InjectFault(Sandbox& sb, httplib::Response& res);
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
