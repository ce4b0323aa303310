#include "events.h"

#include <algorithm>
#include <cctype>
#include <climits>
#include <cmath>
#include <initializer_list>
#include <string_view>

#include "events_fast.h"
#include "gui_text.h"
#include "text.h"

namespace nemo {
namespace {

using nlohmann::json;

// Deeper JSON than this is not an event: copying or comparing it would recurse that deep.

bool ContainsNoCase(std::string_view haystack, std::string_view needle) {
  return AsciiLower(haystack).find(AsciiLower(needle)) != std::string::npos;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::string WithoutSpace(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (!std::isspace(static_cast<unsigned char>(c))) out += c;
  }
  return out;
}

const json* Field(const json& object, std::initializer_list<const char*> keys) {
  if (!object.is_object()) return nullptr;
  for (const char* key : keys) {
    auto it = object.find(key);
    if (it != object.end() && !it->is_null()) return &*it;
  }
  return nullptr;
}

std::string StringField(const json& object, std::initializer_list<const char*> keys) {
  if (!object.is_object()) return {};
  for (const char* key : keys) {
    auto it = object.find(key);
    if (it != object.end() && it->is_string()) return it->get<std::string>();
  }
  return {};
}

// An id may be a string or a number; either way it is compared as text.
std::string IdField(const json& object, std::initializer_list<const char*> keys) {
  const json* id = Field(object, keys);
  if (id == nullptr) return {};
  if (id->is_string()) return id->get<std::string>();
  if (id->is_number()) return id->dump();
  return {};
}

bool TrueField(const json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_boolean() && it->get<bool>();
}

// A tool's response reports failure with "error", "status":"error"/"failed", or "success":false.
bool ResultFailed(const json& result) {
  if (!result.is_object()) return false;
  if (auto it = result.find("error"); it != result.end()) {
    if (!it->is_null() && !(it->is_boolean() && !it->get<bool>()) &&
        !(it->is_string() && it->get<std::string>().empty())) {
      return true;
    }
  }
  std::string status = AsciiLower(StringField(result, {"status", "state"}));
  if (status == "error" || status == "failed" || status == "failure") return true;
  if (auto it = result.find("success"); it != result.end() && it->is_boolean()) {
    return !it->get<bool>();
  }
  return false;
}

// Numbers, numeric strings ("2001") as numbers; other strings as they are; null when absent.
json CodeValue(const json* code) {
  if (code == nullptr) return nullptr;
  if (code->is_number_integer()) return *code;
  if (code->is_number_float()) {
    double d = code->get<double>();
    if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 1e15) {
      return static_cast<long long>(d);
    }
    return code->dump();
  }
  if (code->is_string()) {
    std::string s = code->get<std::string>();
    std::string_view t = Trim(s);
    if (!t.empty() && t.size() <= 15 &&
        t.find_first_not_of("0123456789") == std::string_view::npos) {
      return std::stoll(std::string(t));
    }
    return s;
  }
  if (code->is_boolean()) return nullptr;
  return code->dump();
}

// A code that says "error": a non-zero number, or digits other than "0".
bool CodeSaysError(const json& code) {
  json value = CodeValue(&code);
  return value.is_number_integer() && value.get<long long>() != 0;
}

// Text that did not come through the JSON parser may be any bytes, but a JSON string must be
// UTF-8 (nlohmann's dump throws otherwise): invalid sequences become U+FFFD.
std::string ValidUtf8(std::string_view s) { return ReplaceInvalidUtf8(s); }

// Error text goes on one line of stderr.
std::string OneLine(std::string_view s) {
  std::string out;
  for (char c : Trim(s)) {
    out += (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) ? ' ' : c;
  }
  return out;
}

json Status(std::string status, const json& raw) {
  return {{"type", "status"}, {"status", std::move(status)}, {"raw", raw}};
}

bool OneOf(const std::string& s, std::initializer_list<const char*> names) {
  return std::any_of(names.begin(), names.end(), [&](const char* n) { return s == n; });
}

}  // namespace

Error RunError(const json& code, const std::string& message) {
  json value = CodeValue(code.is_null() ? nullptr : &code);
  int api = 0;
  std::string code_text;
  if (value.is_number_integer()) {
    long long n = value.get<long long>();
    if (n >= INT_MIN && n <= INT_MAX) api = static_cast<int>(n);
    code_text = std::to_string(n);
  } else if (value.is_string()) {
    code_text = OneLine(value.get<std::string>());
  }
  // The same table as every other reply (error.h), so a code means one thing wherever it came.
  int exit = ExitCodeForApiCode(api, kExitJobFailed);
  std::string hint;
  if (api == 2001 || ContainsNoCase(message, "insufficient credit") ||
      ContainsNoCase(message, "not enough credit")) {
    exit = kExitNoCredits;
    hint = "register or top up your credits; check the balance with `nemo-auth credits`";
  } else if (api == 1002 || ContainsNoCase(message, "session not found")) {
    exit = kExitSessionNotFound;
    hint = "create a new session with `nemo-session`";
  } else if (api == 1001) {
    exit = kExitAuth;
    hint = "get a fresh token with `nemo-auth login`";
  }
  std::string text = OneLine(message);
  std::string line =
      "run failed: " + (text.empty() ? std::string("the server reported an error") : text);
  if (!code_text.empty()) line += " [" + code_text + "]";
  return Error(exit, line, hint, api);
}

std::vector<json> EventNormalizer::Normalize(const SseEvent& event, long long now_ms) {
  last_ms_ = std::max(last_ms_, now_ms);
  std::vector<json> out;
  std::string_view data = Trim(event.data);
  std::string sse_type = AsciiLower(event.type);
  if (data.empty() || OneOf(sse_type, {"heartbeat", "ping", "keepalive", "keep-alive"})) {
    out.push_back(Keepalive());
    return out;
  }
  if (data == "[DONE]") {
    FlushChunks(out);
    out.push_back(Status("done", event.data));
    return out;
  }
  if (fast_path_ && AdkPartialTexts(data, fast_texts_)) {
    for (const std::string& text : fast_texts_) Delta(text, out);
    return out;
  }
  json j = JsonTooDeep(data) ? json(json::value_t::discarded) : json::parse(data, nullptr, false);
  if (j.is_discarded()) {
    if (sse_type == "error")
      Failure(nullptr, ValidUtf8(data), out);
    else
      out.push_back(Status("invalid_json", ValidUtf8(event.data)));
    return out;
  }
  if (!j.is_object()) {
    out.push_back(Status("unknown", j));
    return out;
  }
  auto type = j.find("type");
  if (type != j.end() && type->is_string()) {
    Typed(j, now_ms, out);
  } else if (Field(j, {"content", "partial", "errorCode", "error_code", "errorMessage",
                       "error_message", "invocationId", "invocation_id", "author"})) {
    Adk(j, now_ms, out);
  } else if (const json* error = Field(j, {"error"}); error != nullptr) {
    if (error->is_object()) {
      Failure(CodeValue(Field(*error, {"code", "status"})),
              StringField(*error, {"message", "detail", "details"}), out);
    } else {
      Failure(CodeValue(Field(j, {"code"})),
              error->is_string() ? error->get<std::string>() : error->dump(), out);
    }
  } else if (const json* code = Field(j, {"code"}); code != nullptr && CodeSaysError(*code)) {
    // An API envelope in the middle of the stream: {"code":2001,"message":…}, the code a number
    // or digits, as DecodeEnvelope reads it on any other reply.
    Failure(CodeValue(code), StringField(j, {"message", "msg"}), out);
  } else if (auto success = j.find("success");
             success != j.end() && success->is_boolean() && !success->get<bool>()) {
    // {"success":false,…} with no code and no error member still says the run failed.
    Failure(CodeValue(Field(j, {"code"})), StringField(j, {"message", "msg"}), out);
  } else if (sse_type == "error") {
    Failure(CodeValue(Field(j, {"code"})), StringField(j, {"message", "msg"}), out);
  } else {
    out.push_back(Status("unknown", j));
  }
  return out;
}

void EventNormalizer::Adk(const json& event, long long now_ms, std::vector<json>& out) {
  bool partial = TrueField(event, "partial");
  std::size_t emitted = out.size();
  const json* content = Field(event, {"content"});
  const json* parts = content != nullptr ? Field(*content, {"parts"}) : nullptr;
  std::string role = content != nullptr ? StringField(*content, {"role"}) : std::string();
  bool from_user = role == "user" && StringField(event, {"author"}) == "user";
  if (parts != nullptr && parts->is_array()) {
    // A non-partial event's text parts form one text: the aggregate of the chunks before it.
    std::string text;
    bool has_text = false;
    for (const json& part : *parts) {
      const json* text_part = Field(part, {"text"});
      if (text_part != nullptr && text_part->is_string() && !TrueField(part, "thought") &&
          !from_user) {
        const std::string& s = text_part->get_ref<const std::string&>();
        if (s.empty()) continue;
        if (partial) {
          Delta(s, out);
        } else {
          text += s;
          has_text = true;
        }
        continue;
      }
      const json* call = Field(part, {"functionCall", "function_call"});
      const json* response = Field(part, {"functionResponse", "function_response"});
      if (!partial && call != nullptr && call->is_object()) {
        const json* args = Field(*call, {"args", "arguments"});
        ToolCall(StringField(*call, {"name"}), args != nullptr ? *args : json::object(),
                 IdField(*call, {"id"}), now_ms, out);
      } else if (!partial && response != nullptr && response->is_object()) {
        const json* result = Field(*response, {"response", "result"});
        json value = result != nullptr ? *result : json::object();
        ToolResult(StringField(*response, {"name"}), value, IdField(*response, {"id"}),
                   !ResultFailed(value), now_ms, out);
      } else if (text_part != nullptr && text_part->is_string() &&
                 text_part->get<std::string>().empty()) {
        // An empty text part says nothing.
      } else {
        out.push_back(Status(from_user ? "user" : partial ? "partial" : "part", part));
      }
    }
    if (has_text) {
      Text(text, out);
    } else if (!partial && !chunks_.empty()) {
      FlushChunks(out);
    }
  }
  const json* code = Field(event, {"errorCode", "error_code"});
  std::string message = StringField(event, {"errorMessage", "error_message"});
  if (code != nullptr || !message.empty()) {
    Failure(CodeValue(code), message, out);
  } else if (const json* error = Field(event, {"error"}); error != nullptr) {
    Failure(CodeValue(Field(*error, {"code"})),
            error->is_string()                         ? error->get<std::string>()
            : StringField(*error, {"message"}).empty() ? error->dump()
                                                       : StringField(*error, {"message"}),
            out);
  }
  if (out.size() == emitted) out.push_back(Status("event", event));
}

void EventNormalizer::Typed(const json& event, long long now_ms, std::vector<json>& out) {
  std::string type = AsciiLower(event["type"].get_ref<const std::string&>());
  if (OneOf(type, {"text", "message", "assistant", "reply", "answer"})) {
    const json* text = Field(event, {"content", "text", "message"});
    if (text == nullptr || !text->is_string()) {
      out.push_back(Status(type, event));
    } else if (text->get_ref<const std::string&>().empty()) {
      out.push_back(Status("empty", event));
    } else if (TrueField(event, "partial") || TrueField(event, "delta")) {
      Delta(text->get<std::string>(), out);
    } else {
      Text(text->get<std::string>(), out);
    }
  } else if (OneOf(type, {"text_delta", "delta", "content_delta", "token", "chunk"})) {
    const json* text = Field(event, {"text", "delta", "content"});
    if (text != nullptr && text->is_string()) {
      if (!text->get_ref<const std::string&>().empty())
        Delta(text->get<std::string>(), out);
      else
        out.push_back(Status("empty", event));
    } else {
      out.push_back(Status(type, event));
    }
  } else if (OneOf(type, {"tool_call", "function_call", "tool_use", "tool_start"})) {
    FlushChunks(out);
    const json* args = Field(event, {"args", "arguments", "input", "parameters"});
    ToolCall(StringField(event, {"name", "tool", "tool_name"}),
             args != nullptr ? *args : json::object(),
             IdField(event, {"id", "call_id", "tool_call_id"}), now_ms, out);
  } else if (OneOf(type, {"tool_result", "function_result", "tool_response", "function_response",
                          "tool_end"})) {
    FlushChunks(out);
    const json* result = Field(event, {"result", "response", "output"});
    json value = result != nullptr ? *result : json::object();
    bool ok = !ResultFailed(value) && Field(event, {"error"}) == nullptr;
    if (auto it = event.find("ok"); it != event.end() && it->is_boolean()) ok = it->get<bool>();
    if (auto it = event.find("success"); it != event.end() && it->is_boolean())
      ok = it->get<bool>();
    ToolResult(StringField(event, {"name", "tool", "tool_name"}), value,
               IdField(event, {"id", "call_id", "tool_call_id"}), ok, now_ms, out);
  } else if (OneOf(type, {"heartbeat", "ping", "keepalive", "keep-alive", "keep_alive"})) {
    out.push_back(Keepalive());
  } else if (type == "error") {
    const json* error = Field(event, {"error"});
    const json* code = Field(event, {"code", "error_code", "errorCode"});
    std::string message = StringField(event, {"message", "errorMessage", "error_message"});
    if (error != nullptr && error->is_object()) {
      if (code == nullptr) code = Field(*error, {"code"});
      if (message.empty()) message = StringField(*error, {"message"});
    } else if (error != nullptr && error->is_string() && message.empty()) {
      message = error->get<std::string>();
    }
    Failure(CodeValue(code), message, out);
  } else if (OneOf(type, {"done", "end", "complete", "completed", "finish", "finished"})) {
    FlushChunks(out);
    out.push_back(Status("done", event));
  } else {
    out.push_back(Status(type, event));
  }
}

void EventNormalizer::Text(const std::string& text, std::vector<json>& out) {
  bool aggregate = false;
  if (!chunks_.empty()) {
    // The aggregate repeats the chunks; anything else means the chunks were a text of their own.
    aggregate = WithoutSpace(text).find(WithoutSpace(chunks_)) != std::string::npos;
    if (aggregate)
      chunks_.clear();
    else
      FlushChunks(out);
  }
  json e = {{"type", "text"}, {"text", text}};
  if (aggregate) e["final"] = true;
  if (!texts_.empty() && ContainsNoCase(text, "encountered a temporary issue")) {
    e["ignored"] = true;
  } else {
    texts_.push_back(text);
  }
  out.push_back(std::move(e));
}

void EventNormalizer::Delta(const std::string& chunk, std::vector<json>& out) {
  chunks_ += chunk;
  // {"type":"text_delta","text":chunk}, built without an initializer list (the hot path).
  json e(json::value_t::object);
  auto& object = e.get_ref<json::object_t&>();
  object.emplace("text", chunk);
  object.emplace("type", "text_delta");
  out.push_back(std::move(e));
}

void EventNormalizer::FlushChunks(std::vector<json>& out) {
  if (chunks_.empty()) return;
  std::string joined = std::move(chunks_);
  chunks_.clear();
  Text(joined, out);
  out.back()["final"] = true;
}

void EventNormalizer::Flush() {
  std::vector<json> ignored;
  FlushChunks(ignored);
}

void EventNormalizer::ToolCall(const std::string& name, const json& args, const std::string& id,
                               long long now_ms, std::vector<json>& out) {
  tools_.push_back(Tool{id, name, now_ms, std::nullopt, 0});
  json e = {{"type", "tool_call"}, {"name", name}, {"args", args}};
  if (!id.empty()) e["id"] = id;
  out.push_back(std::move(e));
}

void EventNormalizer::ToolResult(const std::string& name, const json& result, const std::string& id,
                                 std::optional<bool> ok, long long now_ms, std::vector<json>& out) {
  // The matching call: same id, else the oldest unanswered call of the same name.
  Tool* call = nullptr;
  if (!id.empty()) {
    for (Tool& t : tools_) {
      if (!t.ok && t.id == id) {
        call = &t;
        break;
      }
    }
  }
  if (call == nullptr) {
    for (Tool& t : tools_) {
      if (!t.ok && t.name == name) {
        call = &t;
        break;
      }
    }
  }
  json e = {{"type", "tool_result"}, {"name", name}, {"result", result}, {"ok", ok.value_or(true)}};
  if (!id.empty()) e["id"] = id;
  if (call != nullptr) {
    long long elapsed = std::max(0LL, now_ms - call->started_ms);
    call->ok = ok.value_or(true);
    call->seconds = static_cast<double>(elapsed) / 1000.0;
    if (call->name.empty()) call->name = name;
    e["elapsed_ms"] = elapsed;
  } else {
    tools_.push_back(Tool{id, name, now_ms, ok.value_or(true), 0});
  }
  out.push_back(std::move(e));
}

void EventNormalizer::Failure(const json& code, const std::string& message,
                              std::vector<json>& out) {
  Error error = RunError(code, message);
  json e = {{"type", "error"}, {"message", message}, {"exit", error.exit_code()}};
  json value = CodeValue(code.is_null() ? nullptr : &code);
  if (!value.is_null()) e["code"] = value;
  if (!failure_) failure_ = error;
  out.push_back(std::move(e));
}

std::string EventNormalizer::reply() const {
  std::string out;
  for (const auto& text : texts_) {
    if (!out.empty()) out += "\n\n";
    out += TranslateGuiPhrases(text);
  }
  return out;
}

json EventNormalizer::tools() const {
  json out = json::array();
  for (const Tool& t : tools_) {
    json entry = {{"name", t.name}, {"ok", t.ok.value_or(false)}};
    if (t.ok) {
      entry["seconds"] = t.seconds;
    } else {
      entry["seconds"] = static_cast<double>(std::max(0LL, last_ms_ - t.started_ms)) / 1000.0;
      entry["pending"] = true;
    }
    out.push_back(std::move(entry));
  }
  return out;
}

}  // namespace nemo
