#include "config.h"

#include <arpa/inet.h>

#include <cstdlib>

#include "context.h"
#include "error.h"
#include "http.h"

namespace nemo {
namespace {

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

bool IsLoopbackHost(const std::string& host) {
  if (host == "localhost" || host == "::1" || host == "[::1]") return true;
  // 127.0.0.0/8 as an address, not any name that starts with "127." (127.example.com).
  in_addr addr{};
  return inet_pton(AF_INET, host.c_str(), &addr) == 1 && (ntohl(addr.s_addr) >> 24) == 127;
}

}  // namespace

std::filesystem::path ConfigDir() {
  std::string xdg = Env("XDG_CONFIG_HOME");
  if (!xdg.empty()) return std::filesystem::path(xdg) / "nemovideo";
  std::string home = Env("HOME");
  if (home.empty()) throw Error(kExitUsage, "neither XDG_CONFIG_HOME nor HOME is set");
  return std::filesystem::path(home) / ".config" / "nemovideo";
}

std::string ValidateApiBase(const std::string& url) {
  UrlParts parts;
  if (url.empty() || !ParseUrl(url, parts) || parts.host.empty() ||
      (parts.scheme != "http" && parts.scheme != "https")) {
    throw Error(kExitUsage, "bad API URL \"" + url + "\": expected http(s)://host[:port]",
                "set --api, the context's \"api\" or NEMO_API_URL to a URL like " +
                    std::string(kDefaultApiBase));
  }
  if (parts.scheme == "http" && !IsLoopbackHost(parts.host) && Env("NEMO_ALLOW_INSECURE") != "1") {
    throw Error(kExitUsage,
                "refusing plain http to " + parts.host + ": the token would travel unencrypted",
                "use https, or set NEMO_ALLOW_INSECURE=1 if you really mean it");
  }
  std::string base = url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base;
}

std::string DetectPlatform() {
  std::string forced = Env("NEMO_SKILL_PLATFORM");
  if (!forced.empty()) return forced;
  if (!Env("CURSOR_TRACE_ID").empty()) return "cursor";
  if (Env("TERM_PROGRAM") == "vscode") return "vscode";
  if (!Env("CI").empty()) return "ci";
  return "terminal";
}

bool SameApiBase(const std::string& a, const std::string& b) {
  UrlParts x, y;
  if (!ParseUrl(a, x) || !ParseUrl(b, y)) return false;
  auto path = [](std::string p) {
    while (!p.empty() && p.back() == '/') p.pop_back();
    return p;
  };
  return x.scheme == y.scheme && x.host == y.host && x.port == y.port &&
         path(x.path) == path(y.path);
}

bool IsLoopbackBase(const std::string& base) {
  UrlParts parts;
  return ParseUrl(base, parts) && IsLoopbackHost(parts.host);
}

ApiChoice ChooseApiBase(const std::optional<std::string>& flag,
                        const std::optional<std::string>& context_api,
                        const std::string& configured) {
  if (flag && !flag->empty()) return {ValidateApiBase(*flag), true};
  std::string trusted = ValidateApiBase(configured.empty() ? kDefaultApiBase : configured);
  if (!context_api) return {trusted, true};
  std::string named = ValidateApiBase(*context_api);
  if (SameApiBase(named, trusted)) return {trusted, true};
  // A sandbox on this machine: the pipeline stays on it, with its own tokens only.
  if (IsLoopbackBase(named)) return {named, false};
  throw Error(kExitUsage,
              "the context's \"api\" " + named + " is not the configured API " + trusted +
                  ": a context never chooses where the token goes",
              "if you trust it, pass --api " + named + " or set NEMO_API_URL=" + named +
                  "; see SECURITY in nemo-video(7)");
}

Config LoadConfig(const std::optional<std::string>& api_flag, const nlohmann::json& context,
                  bool verbose) {
  Config config;
  // Set but empty is a mistake (`NEMO_API_URL=$(…)` that printed nothing), never "production":
  // taken as unset, it sent the pipeline to the real service and minted a real token there.
  const char* env_api = std::getenv("NEMO_API_URL");
  if (env_api != nullptr && *env_api == '\0' && !(api_flag && !api_flag->empty())) {
    throw Error(kExitUsage, "NEMO_API_URL: set but empty",
                "unset NEMO_API_URL for the real service, or set it to an API base such as the "
                "sandbox's (eval \"$(nemo-sandbox --daemon)\")");
  }
  ApiChoice choice = ChooseApiBase(api_flag, ContextString(context, "api"), Env("NEMO_API_URL"));
  config.api_base = choice.base;
  config.environment_token = choice.environment_token;
  config.web_base = Env("NEMO_WEB_URL").empty() ? kDefaultWebBase : Env("NEMO_WEB_URL");
  while (!config.web_base.empty() && config.web_base.back() == '/') config.web_base.pop_back();
  config.config_dir = ConfigDir();
  std::string source = Env("NEMO_SKILL_SOURCE");
  if (source.empty()) source = Env("SKILL_SOURCE");
  config.skill_source = source.empty() ? "nemo-cli" : source;
  config.skill_version =
      Env("NEMO_SKILL_VERSION").empty() ? NEMO_VERSION : Env("NEMO_SKILL_VERSION");
  config.skill_platform = DetectPlatform();
  config.verbose = verbose || Env("NEMO_DEBUG") == "1";
  config.auto_auth = Env("NEMO_NO_AUTO_AUTH") != "1";
  return config;
}

}  // namespace nemo
