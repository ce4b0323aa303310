// Helpers for the tests of readers of local files (message, documents): a temporary directory,
// the exit code an Error carries, and whether a program the test uses to make its input is here.
#pragma once

#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>

#include "error.h"

namespace nemo::testing {

class TempDir {
 public:
  TempDir() {
    char name[] = "/tmp/nemo-test-XXXXXX";
    path_ = mkdtemp(name);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string Write(const std::string& name, const std::string& content) const {
    std::string p = path_ + "/" + name;
    std::ofstream(p, std::ios::binary) << content;
    return p;
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

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
