// Test helpers: a real HTTP server on 127.0.0.1 (cpp-httplib) that units talk to instead of a
// mock of libcurl, and an Api pointed at such a server with a test token.
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

#include "api.h"
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

inline constexpr const char* kTestToken = "nmv_usr_unit_test_token";

namespace detail {
// The environment a TestApi needs, set before its Api is made and restored after it goes.
struct TestApiEnv {
  ScopedEnv env;
  TestApiEnv() {
    env.Set("NEMO_TOKEN", kTestToken).Set("NEMO_RETRY_BASE_MS", "5");
    env.Set("NEMO_RETRY_AFTER_DEFAULT", "0");
  }
};
}  // namespace detail

// An Api whose base is `base`, sending kTestToken (NEMO_TOKEN), with quick retries. The
// variables it sets are restored when it goes.
class TestApi : private detail::TestApiEnv, public nemo::Api {
 public:
  explicit TestApi(const std::string& base) : nemo::Api(MakeConfig(base)) {}

 private:
  static nemo::Config MakeConfig(const std::string& base) {
    nemo::Config config;
    config.api_base = base;
    config.web_base = "http://127.0.0.1:1";
    config.config_dir = std::filesystem::temp_directory_path() / "nemo-unit-config";
    config.skill_source = "nemo-test";
    config.skill_version = "0";
    config.skill_platform = "test";
    return config;
  }
};

}  // namespace nemo_test
