// A real HTTP server on 127.0.0.1 for unit tests of code that talks HTTP (cpp-httplib), and an
// Api pointed at it with a test token from NEMO_TOKEN.
#pragma once

#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>

#include <httplib.h>

#include "api.h"
#include "temp_files.h"

namespace nemo_test {

class LocalServer {
 public:
  httplib::Server server;
  int port = 0;

  void Start() {
    port = server.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server.listen_after_bind(); });
    while (!server.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~LocalServer() {
    server.stop();
    if (thread_.joinable()) thread_.join();
  }
  // "localhost" names another origin than "127.0.0.1": a stand-in for the CDN host.
  std::string Url(const std::string& host = "127.0.0.1") const {
    return "http://" + host + ":" + std::to_string(port);
  }

 private:
  std::thread thread_;
};

inline constexpr const char* kTestToken = "nmv_usr_unit_test_token";

// An Api whose base is `base`, using kTestToken, with quick retries.
inline nemo::Api TestApi(const std::string& base) {
  setenv("NEMO_TOKEN", kTestToken, 1);
  nemo::Config config;
  config.api_base = base;
  config.web_base = "http://127.0.0.1:1";
  config.config_dir = std::filesystem::temp_directory_path() / "nemo-unit-config";
  config.skill_source = "nemo-test";
  config.skill_version = "0";
  config.skill_platform = "test";
  setenv("NEMO_RETRY_BASE_MS", "5", 1);
  setenv("NEMO_RETRY_AFTER_DEFAULT", "0", 1);
  return nemo::Api(config);
}

}  // namespace nemo_test
