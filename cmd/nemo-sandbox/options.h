// The sandbox's settings, from the command line (main.cc) and fixed for the process's life.
#pragma once

#include <cstdint>
#include <string>

#include "util.h"

namespace sandbox {

struct Options {
  std::string host = "127.0.0.1";
  int port = 0;
  int cdn_port = 0;
  std::string state_dir;  // empty: a temporary directory, removed at exit
  Millis work_time{2000};
  Millis render_time{2000};
  Millis token_ttl{7LL * 86400 * 1000};
  int64_t credits =
      10000;  // enough for every example in the README; tests that need a limit set it
  uint64_t max_upload = 500ULL * 1024 * 1024;
  Millis keepalive_interval{1000};
  std::string keepalive = "comment";  // comment | empty | heartbeat
  std::string dialect = "adk";        // adk | typed
  bool quiet = false;
  std::string render_cache;  // a directory of finished renders shared by sandboxes; "": none
};

}  // namespace sandbox
