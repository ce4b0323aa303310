#include "envelope.h"

#include <algorithm>
#include <cctype>

#include "error.h"

namespace nemo {
namespace {

std::string CollapseSpace(const std::string& text, std::size_t limit) {
  std::string out;
  bool space = false;
  for (unsigned char c : text) {
    if (std::isspace(c) || c < 0x20) {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(static_cast<char>(c));
    if (out.size() >= limit) {
      out += "…";
      break;
    }
  }
  return out;
}

int ExitForStatus(long status) {
  if (status == 401 || status == 403) return kExitAuth;
  if (status == 402) return kExitPlanBlocked;
  if (status == 429) return kExitRateLimited;
  if (status == 400 || status == 409 || status == 413 || status == 422) return kExitUsage;
  return kExitBadResponse;
}

std::string HintFor(int exit_code, long status) {
  switch (exit_code) {
    case kExitAuth:
      return status == 403
                 ? "the token lacks a permission this command needs; retrying will not help"
                 : "run `nemo-auth` to get a fresh token (or check NEMO_TOKEN)";
    case kExitSessionNotFound:
      return "create a new session with `nemo-session`";
    case kExitNoCredits:
      return "check `nemo-auth credits`; register or top up on nemovideo.com";
    case kExitUnsupportedFile:
      return "supported: video mp4 mov avi webm mkv; image jpg png gif webp; audio mp3 wav m4a aac";
    case kExitFileTooLarge:
      return "compress or trim the file";
    case kExitPlanBlocked:
      return "exporting needs a registered account or a paid plan (this is not about credits)";
    case kExitRateLimited:
      return "the service is rate limiting this machine; wait a minute and try again";
    case kExitBadResponse:
      return status >= 500 ? "the service is having trouble; try again later" : "";
    default:
      return "";
  }
}

std::string MessageOf(const nlohmann::json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_object()) {
    for (const char* key : {"message", "msg", "detail", "error"}) {
      auto it = value.find(key);
      if (it != value.end() && it->is_string()) return it->get<std::string>();
    }
  }
  return "";
}

int NumericCode(const nlohmann::json& value) {
  if (value.is_number_integer()) {
    long long v = value.get<long long>();
    return v > 1000000000 || v < -1000000000 ? -1 : static_cast<int>(v);
  }
  if (value.is_number_float()) {
    double d = value.get<double>();
    return d >= -1e9 && d <= 1e9 ? static_cast<int>(d) : -1;
  }
  if (value.is_string()) {
    const std::string& s = value.get_ref<const std::string&>();
    if (!s.empty() && s.size() < 9 && std::all_of(s.begin(), s.end(), ::isdigit)) {
      return std::stoi(s);
    }
  }
  return 0;
}

[[noreturn]] void Fail(long status, int api_code, std::string message) {
  int fallback = status >= 400 ? ExitForStatus(status) : kExitBadResponse;
  if (status == 404 && message.find("ession") != std::string::npos) fallback = kExitSessionNotFound;
  int exit_code = ExitCodeForApiCode(api_code, fallback);
  if (CollapseSpace(message, 1).empty()) message.clear();  // blanks only: say what we know
  if (message.empty()) {
    message = status >= 400 ? "the server answered HTTP " + std::to_string(status)
                            : "the server reported an error";
  } else if (status >= 400) {
    message = "the server answered HTTP " + std::to_string(status) + ": " + message;
  }
  throw Error(exit_code, CollapseSpace(message, 300), HintFor(exit_code, status), api_code, status);
}

}  // namespace

std::string BodyExcerpt(const std::string& body) {
  std::string lower(body.substr(0, 4096));
  std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
  auto open = lower.find("<title>");
  auto close = lower.find("</title>");
  if (open != std::string::npos && close != std::string::npos && close > open) {
    return CollapseSpace(body.substr(open + 7, close - open - 7), 80);
  }
  return CollapseSpace(body.substr(0, 400), 80);
}

nlohmann::json DecodeEnvelope(const ApiReply& reply) {
  nlohmann::json doc = nlohmann::json::parse(reply.body, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    std::size_t first = reply.body.find_first_not_of(" \t\r\n");
    bool html = reply.content_type.find("html") != std::string::npos ||
                (first != std::string::npos && reply.body[first] == '<');
    std::string what = reply.body.empty()   ? "an empty body"
                       : html               ? "an HTML page"
                       : doc.is_discarded() ? "something that is not JSON"
                                            : "JSON that is not an object";
    int exit_code = kExitBadResponse;
    if (reply.status == 401 || reply.status == 403 || reply.status == 402 || reply.status == 429) {
      exit_code = ExitForStatus(reply.status);
    }
    std::string excerpt = reply.body.empty() ? "" : " (" + BodyExcerpt(reply.body) + ")";
    std::string hint = HintFor(exit_code, reply.status);
    if (exit_code == kExitBadResponse) hint = "a proxy or the service is failing; try again later";
    throw Error(
        exit_code,
        "the server answered HTTP " + std::to_string(reply.status) + " with " + what + excerpt,
        hint);
  }

  // {code, message, data}
  auto code = doc.find("code");
  if (code != doc.end() && (code->is_number() || code->is_string()) && !doc.contains("success")) {
    int api_code = NumericCode(*code);
    bool zero = api_code == 0 && (code->is_number() || code->get<std::string>() == "0");
    if (zero && reply.status < 400) {
      auto data = doc.find("data");
      return data != doc.end() && !data->is_null() ? *data : nlohmann::json::object();
    }
    std::string message = MessageOf(doc);
    if (api_code == 0 && code->is_string()) message += " [" + code->get<std::string>() + "]";
    Fail(reply.status, api_code, message);
  }

  // {success, data, error}
  auto success = doc.find("success");
  if (success != doc.end() && success->is_boolean()) {
    if (success->get<bool>() && reply.status < 400) {
      auto data = doc.find("data");
      return data != doc.end() && !data->is_null() ? *data : doc;
    }
    nlohmann::json error = doc.value("error", nlohmann::json());
    int api_code = error.is_object() ? NumericCode(error.value("code", nlohmann::json())) : 0;
    std::string message = MessageOf(error);
    if (message.empty()) message = MessageOf(doc);
    Fail(reply.status, api_code, message);
  }

  // A plain object: an error only by its status or an "error" member (ADK's server).
  if (reply.status >= 400) Fail(reply.status, 0, MessageOf(doc));
  auto error = doc.find("error");
  if (error != doc.end() && !error->is_null() && !(error->is_boolean() && !error->get<bool>())) {
    Fail(reply.status, 0, MessageOf(*error).empty() ? error->dump() : MessageOf(*error));
  }
  return doc;
}

}  // namespace nemo
