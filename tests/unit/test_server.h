// Test helpers: a real HTTP server on 127.0.0.1 (cpp-httplib) that units talk to instead of a
// mock of libcurl, a scoped environment, and a temporary directory.
#pragma once

#include <httplib.h>
#include <stdlib.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "temp_files.h"

namespace nemo_test {

// Register routes on server(), then Start(): binds a free port on 127.0.0.1, serves on a thread,
// and returns once the server accepts connections. Stopped and joined in the destructor.
class TestServer {
 public:
  TestServer() {
    // Bounds how long an idle keep-alive connection can delay Stop().
    server_.set_keep_alive_timeout(1);
  }
  ~TestServer() { Stop(); }
  TestServer(const TestServer&) = delete;
  TestServer& operator=(const TestServer&) = delete;

  httplib::Server& server() { return server_; }

  void Start() {
    port_ = server_.bind_to_any_port("127.0.0.1");
    if (port_ <= 0) throw std::runtime_error("test server: cannot bind 127.0.0.1");
    thread_ = std::thread([this] {
      // httplib 0.11.4 stops listening on any accept() error but EMFILE (ECONNABORTED from a
      // client that gave up, ...): listen again on the same port, a bounded number of times.
      for (int again = 0; again < 100 && !stopping_; ++again) {
        server_.listen_after_bind();
        while (!stopping_ && !server_.bind_to_port("127.0.0.1", port_)) {
          std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
      }
      finished_ = true;
    });
    // The socket listens since bind_to_any_port; wait until the accept loop runs too.
    for (int i = 0; i < 1000 && !server_.is_running(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    if (!server_.is_running()) throw std::runtime_error("test server: did not start");
  }

  void Stop() {
    if (!thread_.joinable()) return;
    stopping_ = true;
    // Repeated: a stop() that lands while the listener is between two listens does nothing.
    while (!finished_) {
      server_.stop();
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    thread_.join();
  }

  int port() const { return port_; }
  std::string Base() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::string Url(const std::string& path) const { return Base() + path; }
  // The same server under another host name: another origin for the bearer-token rule.
  std::string LocalhostUrl(const std::string& path) const {
    return "http://localhost:" + std::to_string(port_) + path;
  }

 private:
  httplib::Server server_;
  std::thread thread_;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> finished_{false};
  int port_ = 0;
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

}  // namespace nemo_test
