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

Config LoadConfig(const std::optional<std::string>& api_flag, const nlohmann::json& context,
                  bool verbose) {
  Config config;
  std::string api;
  if (api_flag && !api_flag->empty()) {
    api = *api_flag;
  } else if (auto from_context = ContextString(context, "api")) {
    api = *from_context;
  } else if (!Env("NEMO_API_URL").empty()) {
    api = Env("NEMO_API_URL");
  } else {
    api = kDefaultApiBase;
  }
  config.api_base = ValidateApiBase(api);
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
