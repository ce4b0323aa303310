// Parallel processes without a stored token agree on one anonymous token (the config lock).
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "api.h"
#include "config.h"
#include "test_server.h"

using nemo_test::ScopedEnv;
using nemo_test::TempDir;
using nemo_test::TestServer;

namespace {

// Runs in a forked child: read the server's address from `start_fd` (its EOF is the start
// signal), get a token, write it to `out`, _exit.
[[noreturn]] void Child(int start_fd, int out_fd) {
  std::string base;
  char buffer[256];
  for (ssize_t n; (n = read(start_fd, buffer, sizeof buffer)) != 0;) {
    if (n > 0) base.append(buffer, static_cast<std::size_t>(n));
  }
  int status = 1;
  try {
    nemo::Api api(nemo::LoadConfig(base, {}, false));
    std::string line = api.Token() + "\n";
    if (write(out_fd, line.data(), line.size()) == static_cast<ssize_t>(line.size())) status = 0;
  } catch (...) {
    status = 2;
  }
  _exit(status);
}

}  // namespace

// 8 processes racing with no stored token mint exactly one token, and all of them use it.
TEST(TokenRace, ParallelProcessesMintExactlyOneToken) {
  constexpr int kChildren = 8;
  TempDir tmp;
  ScopedEnv env;
  env.ClearNemo().Set("XDG_CONFIG_HOME", tmp.path.string()).Set("NEMO_RETRY_BASE_MS", "1");

  // The children are forked before the server starts its threads: a process forked while other
  // threads run may inherit a lock one of them held (the allocator's, under a sanitizer) and
  // hang on it. They learn the server's address through their start pipe.
  int out[2];
  ASSERT_EQ(pipe(out), 0);
  std::vector<pid_t> children;
  std::vector<int> starts;
  for (int i = 0; i < kChildren; ++i) {
    int start[2];
    ASSERT_EQ(pipe(start), 0);
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      close(start[1]);
      for (int fd : starts) close(fd);
      close(out[0]);
      Child(start[0], out[1]);
    }
    close(start[0]);
    starts.push_back(start[1]);
    children.push_back(pid);
  }
  close(out[1]);

  TestServer server;
  std::atomic<int> minted{0};
  server.server().Post(nemo::paths::kAnonymousToken,
                       [&](const httplib::Request&, httplib::Response& res) {
                         int n = ++minted;
                         nlohmann::json reply = {{"code", 0},
                                                 {"data",
                                                  {{"token", "nmv_usr_race" + std::to_string(n)},
                                                   {"user_id", "anon_" + std::to_string(n)},
                                                   {"expires_at", "2099-01-01T00:00:00Z"},
                                                   {"credits", 100}}}};
                         res.set_content(reply.dump(), "application/json");
                       });
  server.Start();
  std::string base = server.Base();
  for (int fd : starts) {
    EXPECT_EQ(write(fd, base.data(), base.size()), static_cast<ssize_t>(base.size()));
  }
  for (int fd : starts) close(fd);  // go: every child at once

  std::string all;
  char buffer[4096];
  for (ssize_t n; (n = read(out[0], buffer, sizeof buffer)) != 0;) {
    if (n > 0) all.append(buffer, static_cast<std::size_t>(n));
  }
  close(out[0]);
  int ok = 0;
  for (pid_t pid : children) {
    int status = 0;
    waitpid(pid, &status, 0);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) ++ok;
  }

  EXPECT_EQ(ok, kChildren);
  EXPECT_EQ(minted, 1);
  std::vector<std::string> tokens;
  std::set<std::string> distinct;
  for (std::size_t pos = 0, nl; (nl = all.find('\n', pos)) != std::string::npos; pos = nl + 1) {
    tokens.push_back(all.substr(pos, nl - pos));
    distinct.insert(tokens.back());
  }
  // Compared here, never printed.
  EXPECT_EQ(tokens.size(), static_cast<std::size_t>(kChildren));
  EXPECT_EQ(distinct.size(), 1u);
  EXPECT_TRUE(distinct.count("nmv_usr_race1") == 1);
}
