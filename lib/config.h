// Where the suite talks to and where it keeps its files: environment, XDG paths, the API base.
#pragma once

#include <filesystem>
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
};

// The API base: --api flag, else the context's "api" (a pipeline stays on one backend), else
// NEMO_API_URL, else production. Throws Error(kExitUsage) for a base that is not a usable URL.
Config LoadConfig(const std::optional<std::string>& api_flag, const nlohmann::json& context,
                  bool verbose);

// Refuses anything but http(s) URLs with a host; plain http only for loopback hosts unless
// NEMO_ALLOW_INSECURE=1. Returns the base without a trailing slash.
std::string ValidateApiBase(const std::string& url);

// terminal, cursor, vscode, ci, ... from the environment; NEMO_SKILL_PLATFORM overrides.
std::string DetectPlatform();

std::filesystem::path ConfigDir();

}  // namespace nemo
