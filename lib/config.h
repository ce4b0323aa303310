// Where the suite talks to and where it keeps its files: environment, XDG paths, the API base.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace nemo {

inline constexpr const char* kDefaultApiBase = "https://mega-api-prod.nemovideo.ai";
inline constexpr const char* kDefaultWebBase = "https://nemovideo.com";

struct Config {
  std::string api_base;  // no trailing slash
  std::string web_base;
  std::filesystem::path config_dir;  // ${XDG_CONFIG_HOME:-~/.config}/nemovideo
  // Attribution headers (X-Skill-Source/Version/Platform): missing ones make exports fail (402).
  std::string skill_source;
  std::string skill_version;
  std::string skill_platform;
  bool verbose = false;
  bool auto_auth = true;  // NEMO_NO_AUTO_AUTH=1 turns automatic anonymous login off
  // NEMO_TOKEN may be sent to api_base. False when the base is a loopback sandbox that only a
  // context named: such a base gets the tokens stored for it or minted there, never NEMO_TOKEN.
  bool environment_token = true;
  // Where notes for people go (Program::Note: on a terminal, not with --quiet), such as the
  // account the first anonymous token created; none when unset.
  std::function<void(const std::string&)> note;
};

// The API base a run talks to, and whether NEMO_TOKEN may go there.
struct ApiChoice {
  std::string base;  // validated, no trailing slash
  bool environment_token = true;
};

// The rule behind "a context's api never redirects a token" (nemo-video(7), SECURITY). The
// environment and the command line are the user's word; a context on stdin is not (it may be a
// saved file or someone else's pipeline):
//   --api                  wins, with NEMO_TOKEN (the user named it);
//   the configured base    NEMO_API_URL, else production: used with NEMO_TOKEN;
//   the context's "api"    used when it is the configured base; a loopback base (a sandbox) is
//                          used too, but NEMO_TOKEN is not sent to it; any other base is refused
//                          with Error(kExitUsage) before anything is sent.
// `configured` is NEMO_API_URL's value, or "" for production. Every base is validated.
ApiChoice ChooseApiBase(const std::optional<std::string>& flag,
                        const std::optional<std::string>& context_api,
                        const std::string& configured);

// Two bases name the same API: scheme, host and port (default ports made explicit) and path.
bool SameApiBase(const std::string& a, const std::string& b);
// The base's host is loopback: localhost, 127.0.0.0/8 or ::1.
bool IsLoopbackBase(const std::string& base);

// The API base by ChooseApiBase (--api flag, the context's "api", NEMO_API_URL, production) and
// the rest of the environment. Throws Error(kExitUsage) for an unusable or untrusted base.
Config LoadConfig(const std::optional<std::string>& api_flag, const nlohmann::json& context,
                  bool verbose);

// Refuses anything but http(s) URLs with a host; plain http only for loopback hosts unless
// NEMO_ALLOW_INSECURE=1. Returns the base without a trailing slash.
std::string ValidateApiBase(const std::string& url);

// terminal, cursor, vscode, ci, ... from the environment; NEMO_SKILL_PLATFORM overrides.
std::string DetectPlatform();

std::filesystem::path ConfigDir();

}  // namespace nemo
