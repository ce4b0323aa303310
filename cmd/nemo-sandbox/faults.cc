#include "faults.h"

#include <regex>
#include <vector>

namespace sandbox {
namespace {

using nlohmann::json;

enum class Kind { kBool, kInt, kString };

struct FaultDef {
  const char* name;
  Kind kind;
  json initial;
  const char* help;
  std::vector<std::string> choices;  // for strings with fixed values
};

const std::vector<FaultDef>& Defs() {
  static const std::vector<FaultDef> kDefs = {
      {"silent", Kind::kBool, false, "runs end with tool events only, no text", {}},
      {"drop_after",
       Kind::kInt,
       0,
       "close the SSE connection after K events; the run still completes",
       {}},
      {"keepalive_only",
       Kind::kBool,
       false,
       "runs send only keep-alives until the client disconnects",
       {}},
      {"fail_next", Kind::kInt, 0, "the next N API requests get HTTP 503 (JSON body)", {}},
      {"html_next", Kind::kInt, 0, "the next N API requests get HTTP 502 with an HTML page", {}},
      {"rate_limit_next",
       Kind::kInt,
       0,
       "the next N API requests get HTTP 429, Retry-After: 1",
       {}},
      {"expire_tokens", Kind::kBool, false, "action: every token issued so far expires now", {}},
      {"fail_render", Kind::kBool, false, "renders fail", {}},
      {"break_download_after",
       Kind::kInt,
       0,
       "downloads send this many bytes, then drop the connection",
       {}},
      {"break_download_times", Kind::kInt, 1, "how many downloads break_download_after breaks", {}},
      {"cdn_404", Kind::kBool, false, "the CDN answers 404", {}},
      {"dialect",
       Kind::kString,
       "",
       "adk or typed: the event dialect of /run_sse",
       {"", "adk", "typed"}},
      {"job_shape",
       Kind::kString,
       "data",
       "data or toplevel: the shape of export jobs",
       {"data", "toplevel"}},
      {"errors_on_200", Kind::kBool, false, "API errors ride on HTTP 200", {}},
      {"error_dialect",
       Kind::kString,
       "",
       "how every error is written: api ({code,message,data}), success ({success:false,error:"
       "{code,message}}), success_string ({success:false,code,message,error:\"text\"}), html "
       "(a proxy's page), text (the reason as text/plain), adk (ADK's {error:text}, no code), "
       "event (/run_sse: an error event in the stream); empty: each endpoint's own",
       {"", "api", "success", "success_string", "html", "text", "adk", "event"}},
      {"error_event",
       Kind::kString,
       "",
       "with error_dialect event, the error event's shape: empty (the run's dialect: ADK's "
       "errorCode/errorMessage or typed), envelope ({code,message,data} as the event) or success "
       "({success:false,code,message}); codes as digit strings",
       {"", "envelope", "success"}},
      {"error_content_type",
       Kind::kString,
       "",
       "the Content-Type JSON errors are sent with (e.g. text/event-stream, video/mp4); empty: "
       "application/json",
       {}},
      {"inject",
       Kind::kString,
       "",
       "ECMAScript regex on \"METHOD /path\" (API and CDN): matching requests get inject_code",
       {}},
      {"inject_code",
       Kind::kInt,
       0,
       "the error inject answers with: an API code (1001 1002 2001 4001 4002 4003) or an HTTP "
       "status (400-599)",
       {}},
      {"inject_times",
       Kind::kInt,
       0,
       "how many matching requests inject answers (counts down)",
       {}},
      {"inject_skip",
       Kind::kInt,
       0,
       "how many matching requests pass before inject answers (counts down)",
       {}},
      {"close_delimited",
       Kind::kBool,
       false,
       "/run_sse streams end by closing the connection, without chunked encoding",
       {}},
      {"end_before_events",
       Kind::kBool,
       false,
       "/run_sse responses end before their first event; the run goes on",
       {}},
      {"run_error",
       Kind::kString,
       "",
       "runs fail after their first tool has changed the draft (and are charged), ending the "
       "stream with an error event: error (ADK's {\"error\":text}), error_code (ADK's "
       "{errorCode,errorMessage}) or typed ({type:error,message})",
       {"", "error", "error_code", "typed"}},
      {"work_time_ms", Kind::kInt, 0, "override --work-time (milliseconds; 0: no override)", {}},
      {"render_time_ms",
       Kind::kInt,
       0,
       "override --render-time (milliseconds; 0: no override)",
       {}},
      {"trailing_issue",
       Kind::kBool,
       false,
       "after the final reply, one more text: a temporary issue",
       {}},
      {"flood",
       Kind::kInt,
       0,
       "the next run emits N tiny partial text events, then the aggregate",
       {}},
      {"render_file",
       Kind::kString,
       "",
       "path: renders complete at once with this file as their output",
       {}},
  };
  return kDefs;
}

const FaultDef* Find(const std::string& name) {
  for (const auto& d : Defs()) {
    if (name == d.name) return &d;
  }
  return nullptr;
}

// Accepts the JSON type or a string spelling of it, so `--fault drop_after=2` and
// `{"drop_after":"2"}` mean the same; returns false when the value does not fit the fault.
bool Coerce(const FaultDef& def, const json& in, json* out) {
  switch (def.kind) {
    case Kind::kBool:
      if (in.is_boolean()) return *out = in, true;
      if (in.is_number_integer()) return *out = in.get<int64_t>() != 0, true;
      if (in.is_string() && (in == "true" || in == "1")) return *out = true, true;
      if (in.is_string() && (in == "false" || in == "0")) return *out = false, true;
      return false;
    case Kind::kInt:
      if (in.is_number_integer() && in.get<int64_t>() >= 0) return *out = in, true;
      if (in.is_boolean()) return *out = in.get<bool>() ? 1 : 0, true;
      if (in.is_string()) {
        const std::string& s = in.get_ref<const std::string&>();
        if (s.empty() || s.find_first_not_of("0123456789") != std::string::npos) return false;
        if (s.size() > 15) return false;
        return *out = std::stoll(s), true;
      }
      return false;
    case Kind::kString:
      if (!in.is_string()) return false;
      if (!def.choices.empty()) {
        bool ok = false;
        for (const auto& c : def.choices) ok = ok || in == c;
        if (!ok) return false;
      }
      return *out = in, true;
  }
  return false;
}

}  // namespace

Faults::Faults() { Reset(); }

void Faults::Reset() {
  std::lock_guard lock(mu_);
  values_ = json::object();
  for (const auto& d : Defs()) values_[d.name] = d.initial;
}

std::string Faults::Merge(const json& patch, bool* expire) {
  if (!patch.is_object()) return "faults must be a JSON object";
  json coerced = json::object();
  for (auto it = patch.begin(); it != patch.end(); ++it) {
    const FaultDef* def = Find(it.key());
    if (!def) return "unknown fault: " + it.key();
    json v;
    if (!Coerce(*def, it.value(), &v)) return "bad value for fault " + it.key();
    if (it.key() == "inject") {
      try {
        std::regex check(v.get<std::string>());
      } catch (const std::regex_error&) {
        return "bad value for fault inject: not a regular expression";
      }
    }
    coerced[it.key()] = v;
  }
  std::lock_guard lock(mu_);
  *expire = coerced.value("expire_tokens", false);
  coerced.erase("expire_tokens");
  // A newly armed break applies break_download_times times (default once).
  if (coerced.contains("break_download_after") && !coerced.contains("break_download_times") &&
      values_["break_download_times"].get<int64_t>() == 0) {
    coerced["break_download_times"] = 1;
  }
  values_.update(coerced);
  return "";
}

std::string Faults::ParseFlag(const std::string& flag, json* patch) {
  auto eq = flag.find('=');
  std::string name = flag.substr(0, eq);
  const FaultDef* def = Find(name);
  if (!def) return "unknown fault: " + name;
  json value = true;
  if (eq != std::string::npos) value = flag.substr(eq + 1);
  json coerced;
  if (!Coerce(*def, value, &coerced)) return "bad value for fault " + name;
  *patch = json{{name, coerced}};
  return "";
}

json Faults::Snapshot() {
  std::lock_guard lock(mu_);
  return values_;
}

bool Faults::Flag(const std::string& name) {
  std::lock_guard lock(mu_);
  return values_.value(name, false);
}

int64_t Faults::Int(const std::string& name) {
  std::lock_guard lock(mu_);
  return values_.value(name, int64_t{0});
}

std::string Faults::Str(const std::string& name) {
  std::lock_guard lock(mu_);
  return values_.value(name, std::string());
}

bool Faults::TakeOne(const std::string& name) {
  std::lock_guard lock(mu_);
  int64_t n = values_.value(name, int64_t{0});
  if (n <= 0) return false;
  values_[name] = n - 1;
  return true;
}

int64_t Faults::TakeAll(const std::string& name) {
  std::lock_guard lock(mu_);
  int64_t n = values_.value(name, int64_t{0});
  values_[name] = 0;
  return n;
}

int64_t Faults::TakeBreak() {
  std::lock_guard lock(mu_);
  int64_t after = values_["break_download_after"].get<int64_t>();
  int64_t times = values_["break_download_times"].get<int64_t>();
  if (after <= 0 || times <= 0) return 0;
  values_["break_download_times"] = times - 1;
  if (times == 1) values_["break_download_after"] = 0;
  return after;
}

std::vector<std::pair<std::string, std::string>> Faults::List() {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& d : Defs()) out.emplace_back(d.name, d.help);
  return out;
}

}  // namespace sandbox
