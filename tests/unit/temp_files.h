// Helpers for the tests that touch the local machine: the one temporary directory type, a file's
// content and permission bits, the one scoped environment, the exit code an Error carries, and
// whether a program the test uses to make its input is here.
#pragma once

#include <stdlib.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "error.h"

#include <stdexcept>

namespace nemo_test {

// A temporary directory removed with everything in it.
struct TempDir {
  std::filesystem::path path;
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "nemo-unit-XXXXXX").string();
    if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
    path = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  // Writes `content` to the file `name` in it; returns that file's path.
  std::string Write(const std::string& name, const std::string& content) const {
    std::string p = (path / name).string();
    std::ofstream(p, std::ios::binary) << content;
    return p;
  }
};

// Sets and unsets environment variables for one test; restores the old values on destruction.
class ScopedEnv {
 public:
  ScopedEnv() = default;
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;
  ~ScopedEnv() {
    for (auto it = saved_.rbegin(); it != saved_.rend(); ++it) {
      if (it->second) {
        setenv(it->first.c_str(), it->second->c_str(), 1);
      } else {
        unsetenv(it->first.c_str());
      }
    }
  }
  ScopedEnv& Set(const std::string& name, const std::string& value) {
    Save(name);
    setenv(name.c_str(), value.c_str(), 1);
    return *this;
  }
  ScopedEnv& Unset(const std::string& name) {
    Save(name);
    unsetenv(name.c_str());
    return *this;
  }
  // Every NEMO_* variable the library reads, so a developer's own settings cannot leak in.
  ScopedEnv& ClearNemo() {
    for (const char* name :
         {"NEMO_TOKEN", "NEMO_API_URL", "NEMO_WEB_URL", "NEMO_CLIENT_ID", "NEMO_NO_AUTO_AUTH",
          "NEMO_ALLOW_INSECURE", "NEMO_DEBUG", "NEMO_SKILL_SOURCE", "NEMO_SKILL_VERSION",
          "NEMO_SKILL_PLATFORM", "SKILL_SOURCE", "NEMO_RETRY_BASE_MS", "NEMO_RETRY_AFTER_DEFAULT",
          "NEMO_ERROR_FORMAT", "NEMO_FORCE_TTY"}) {
      Unset(name);
    }
    return *this;
  }

 private:
  void Save(const std::string& name) {
    const char* old = std::getenv(name.c_str());
    saved_.emplace_back(name, old ? std::optional<std::string>(old) : std::nullopt);
  }
  std::vector<std::pair<std::string, std::optional<std::string>>> saved_;
};

// The whole content of the file `p` ("" when it cannot be read).
inline std::string Slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// The permission bits of `p` (with set-id and sticky bits).
inline int ModeOf(const std::filesystem::path& p) {
  struct stat st {};
  stat(p.c_str(), &st);
  return st.st_mode & 07777;
}

}  // namespace nemo_test

namespace nemo::testing {

using nemo_test::TempDir;

inline int ExitOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.exit_code();
  }
  return 0;
}

// The message of the Error `f` throws ("" when it throws none).
inline std::string MessageOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

inline bool HaveProgram(const std::string& name) {
  std::string cmd = "command -v " + name + " >/dev/null 2>&1";
  return std::system(cmd.c_str()) == 0;
}

// Runs a shell command in `dir`; true when it exits 0.
inline bool RunIn(const std::string& dir, const std::string& command) {
  std::string cmd = "cd '" + dir + "' && " + command;
  return std::system(cmd.c_str()) == 0;
}

}  // namespace nemo::testing
