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
  if (status == 413) return kExitFileTooLarge;  // also a proxy's own limit, as an HTML page
  if (status == 400 || status == 409 || status == 422) return kExitUsage;
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
      return "get credits by signing up with the link `nemo-session link` prints (the session and "
             "the account move with you), or top up on nemovideo.com; `nemo-auth credits` shows "
             "the balance";
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
  // A code that is an HTTP status (some gateways put one in the body on HTTP 200) means the same
  // whatever status it rides on.
  if (api_code >= 400 && api_code < 600) fallback = ExitForStatus(api_code);
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

nlohmann::json DecodeEnvelope(const ApiReply& reply, Plain plain) {
  nlohmann::json doc = nlohmann::json::parse(reply.body, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    std::size_t first = reply.body.find_first_not_of(" \t\r\n");
    bool html = reply.content_type.find("html") != std::string::npos ||
                (first != std::string::npos && reply.body[first] == '<');
    std::string what = reply.body.empty()   ? "an empty body"
                       : html               ? "an HTML page"
                       : doc.is_discarded() ? "something that is not JSON"
                                            : "JSON that is not an object";
    // A page from a proxy carries no API code: its HTTP status is all there is to go by.
    int exit_code = reply.status >= 400 ? ExitForStatus(reply.status) : kExitBadResponse;
    if (exit_code == kExitUsage) exit_code = kExitBadResponse;  // a 400 page says nothing usable
    std::string excerpt = reply.body.empty() ? "" : " (" + BodyExcerpt(reply.body) + ")";
    std::string hint = HintFor(exit_code, reply.status);
    if (exit_code == kExitBadResponse) hint = "a proxy or the service is failing; try again later";
    throw Error(
        exit_code,
        "the server answered HTTP " + std::to_string(reply.status) + " with " + what + excerpt,
        hint, 0, reply.status);
  }

  // The shapes seen: {code,message,data}, {success,data,error:{code,message}},
  // {success:false,code,message,error:"text"}, ADK's {error:"text"} and {errorCode,errorMessage},
  // and plain objects. The code is looked for wherever any of them puts it, so none loses it.
  const nlohmann::json* error = nullptr;
  if (auto it = doc.find("error");
      it != doc.end() && !it->is_null() && !(it->is_boolean() && !it->get<bool>())) {
    error = &*it;
  }
  const nlohmann::json* code = nullptr;
  for (const char* key : {"code", "errorCode", "error_code"}) {
    auto it = doc.find(key);
    if (it != doc.end() && (it->is_number() || it->is_string())) {
      code = &*it;
      break;
    }
  }
  if (code == nullptr && error != nullptr && error->is_object()) {
    auto it = error->find("code");
    if (it != error->end() && (it->is_number() || it->is_string())) code = &*it;
  }
  int api_code = code != nullptr ? NumericCode(*code) : 0;
  bool code_says_error =
      code != nullptr && !(api_code == 0 && (code->is_number() || code->get<std::string>() == "0"));
  auto success = doc.find("success");
  bool has_success = success != doc.end() && success->is_boolean();
  bool success_says_error = has_success && !success->get<bool>();
  // A plain object's "error" member is an error, except in a job, where it is the job's reason.
  bool plain_job = plain == Plain::kJob && !has_success && code == nullptr &&
                   doc.contains("status") && reply.status < 400;
  bool error_says_error = error != nullptr && !has_success && code == nullptr && !plain_job;

  if (reply.status >= 400 || code_says_error || success_says_error || error_says_error) {
    std::string message = error != nullptr ? MessageOf(*error) : "";
    if (message.empty()) message = MessageOf(doc);
    for (const char* key : {"errorMessage", "error_message"}) {
      if (message.empty() && doc.contains(key)) message = MessageOf(doc[key]);
    }
    if (message.empty() && error != nullptr && !error->is_boolean()) message = error->dump();
    if (code_says_error && api_code == 0 && code->is_string()) {
      message += " [" + code->get<std::string>() + "]";  // a code that is a word: keep it
    }
    Fail(reply.status, api_code, message);
  }
  auto data = doc.find("data");
  if (data != doc.end() && !data->is_null() && (code != nullptr || has_success)) return *data;
  if (code != nullptr) return nlohmann::json::object();
  return doc;
}

}  // namespace nemo
