#include "context.h"

#include <unistd.h>

#include <cctype>
#include <cstring>

#include "error.h"
#include "terminal.h"

namespace nemo {
namespace {

// One object may be large (a state with a big draft) but not unbounded.
constexpr std::size_t kMaxValueBytes = 64u << 20;

const char* TypeName(const nlohmann::json& v) {
  if (v.is_array()) return "an array";
  if (v.is_string()) return "a string";
  if (v.is_number()) return "a number";
  if (v.is_boolean()) return "a boolean";
  if (v.is_null()) return "null";
  return "an object";
}

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

}  // namespace

void ContextReader::Feed(std::string_view bytes) {
  for (std::size_t i = 0; i < bytes.size(); ++i, ++offset_) {
    char c = bytes[i];
    if (value_.empty() && !scalar_) {
      if (IsSpace(c)) continue;
      value_start_ = offset_;
      if (c != '{' && c != '[') scalar_ = true;
    }
    if (scalar_ && !in_string_ && (IsSpace(c) || c == '{' || c == '[')) {
      Complete();
      if (IsSpace(c)) continue;
      value_start_ = offset_;
    }
    value_.push_back(c);
    if (value_.size() > kMaxValueBytes) {
      throw Error(kExitUsage, "stdin: JSON object at byte " + std::to_string(value_start_) +
                                  " is larger than 64 MiB");
    }
    if (in_string_) {
      if (escaped_) {
        escaped_ = false;
      } else if (c == '\\') {
        escaped_ = true;
      } else if (c == '"') {
        in_string_ = false;
      }
      continue;
    }
    if (c == '"') {
      in_string_ = true;
      if (scalar_ && value_.size() == 1) continue;
    } else if (c == '{' || c == '[') {
      ++depth_;
    } else if (c == '}' || c == ']') {
      if (--depth_ <= 0) Complete();
    }
  }
}

void ContextReader::Finish() {
  if (!value_.empty()) Complete();
}

void ContextReader::Complete() {
  nlohmann::json value;
  try {
    value = nlohmann::json::parse(value_);
  } catch (const nlohmann::json::parse_error& e) {
    std::size_t at = value_start_ + (e.byte > 0 ? e.byte - 1 : 0);
    std::string why = e.what();
    // nlohmann's message is "[json.exception.parse_error.101] parse error at line 1, column 5: …".
    auto colon = why.find(": ", why.find("parse error"));
    if (colon != std::string::npos) why = why.substr(colon + 2);
    throw Error(kExitUsage, "stdin: bad JSON at byte " + std::to_string(at) + ": " + why,
                "each program reads the JSON context the previous one wrote; pipe programs of "
                "this suite together or pass flags instead");
  } catch (const nlohmann::json::out_of_range& e) {
    // A number too large for a double (1e999): bad input too, not a bad server reply.
    std::string why = e.what();
    auto bracket = why.find("] ");
    if (bracket != std::string::npos) why = why.substr(bracket + 2);
    throw Error(kExitUsage, "stdin: bad JSON in the value at byte " + std::to_string(value_start_) +
                                ": " + why);
  }
  if (!value.is_object()) {
    throw Error(kExitUsage, "stdin: expected a JSON object at byte " +
                                std::to_string(value_start_) + ", got " + TypeName(value));
  }
  MergeContext(context_, value);
  value_.clear();
  depth_ = 0;
  in_string_ = escaped_ = scalar_ = false;
}

nlohmann::json ParseContext(std::string_view text) {
  ContextReader reader;
  reader.Feed(text);
  reader.Finish();
  return reader.context();
}

nlohmann::json ReadContext(std::FILE* in) {
  int fd = fileno(in);
  if (isatty(fd) == 1) return nlohmann::json::object();
  ContextReader reader;
  char buffer[65536];
  for (;;) {
    ssize_t n = read(fd, buffer, sizeof buffer);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      throw Error(kExitUsage, std::string("stdin: cannot read: ") + std::strerror(errno));
    }
    reader.Feed(std::string_view(buffer, static_cast<std::size_t>(n)));
  }
  reader.Finish();
  return reader.context();
}

void MergeContext(nlohmann::json& into, const nlohmann::json& object) {
  for (auto it = object.begin(); it != object.end(); ++it) {
    if (it.key() == "uploads" && it->is_array() && into.contains("uploads") &&
        into["uploads"].is_array()) {
      for (const auto& u : *it) into["uploads"].push_back(u);
    } else {
      into[it.key()] = *it;
    }
  }
}

std::optional<std::string> ContextString(const nlohmann::json& context, const std::string& key) {
  auto it = context.find(key);
  if (it == context.end() || it->is_null()) return std::nullopt;
  if (!it->is_string()) {
    throw Error(kExitUsage,
                "stdin: context key \"" + key + "\" must be a string, got " + TypeName(*it));
  }
  return it->get<std::string>();
}

void SetApi(nlohmann::json& context, const std::string& api) { context["api"] = api; }

void SetSession(nlohmann::json& context, const std::string& api, const std::string& session_id) {
  SetApi(context, api);
  context["session_id"] = session_id;
}

void StartNewSession(nlohmann::json& context, const std::string& api,
                     const std::string& session_id) {
  // Every key nemo-upload, nemo-send, nemo-state, nemo-export and `nemo-session link` add.
  for (const char* key : {"uploads", "reply", "texts", "tools", "changes", "silent", "recovered",
                          "replayed", "state", "summary", "ready", "render", "file", "bytes",
                          "sha256", "contact_sheet", "link", "inputs"}) {
    context.erase(key);
  }
  SetSession(context, api, session_id);
}

}  // namespace nemo
