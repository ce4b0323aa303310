// The one file lock: exclusive while it lives, refusing a symbolic link, following a lock file
// replaced while it waited, stopped by a signal while waiting, and one wording for its failures.
#include "file_lock.h"

#include <pthread.h>
#include <signal.h>
#include <sys/file.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <optional>
#include <thread>

#include <gtest/gtest.h>

#include "error.h"
#include "interrupt.h"
#include "temp_files.h"

namespace fs = std::filesystem;
using nemo_test::TempDir;

namespace {

// Whether another open file description could take the lock now.
bool Free(const fs::path& path) {
  int fd = open(path.c_str(), O_RDWR | O_CLOEXEC);
  bool free = fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) == 0;
  if (fd >= 0) close(fd);
  return free;
}

}  // namespace

TEST(FileLock, HeldWhileItLivesAndReleasedAfter) {
  TempDir tmp;
  fs::path path = tmp.path / ".lock";
  {
    nemo::FileLock lock(path, nemo::kExitAuth);
    EXPECT_FALSE(lock.waited());
    EXPECT_FALSE(Free(path));
    nemo::FileLock moved(std::move(lock));
    EXPECT_FALSE(Free(path));
  }
  EXPECT_TRUE(Free(path));
}

TEST(FileLock, FailuresNameThePathWithTheCallersExitCodeAndHint) {
  TempDir tmp;
  fs::path path = tmp.path / "missing" / ".lock";
  try {
    nemo::FileLock lock(path, nemo::kExitUsage, "make the directory");
    FAIL() << "no error";
  } catch (const nemo::Error& e) {
    EXPECT_EQ(e.exit_code(), nemo::kExitUsage);
    EXPECT_EQ(std::string(e.what()),
              path.string() + ": cannot open the lock file: No such file or directory");
    EXPECT_EQ(e.hint(), "make the directory");
  }
}

TEST(FileLock, ASymbolicLinkIsNotFollowed) {
  TempDir tmp;
  fs::path target = tmp.path / "elsewhere";
  fs::path path = tmp.path / ".lock";
  fs::create_symlink(target, path);
  EXPECT_EQ(nemo::testing::ExitOf([&] { nemo::FileLock lock(path, nemo::kExitAuth); }),
            nemo::kExitAuth);
  EXPECT_FALSE(fs::exists(target));
}

// The holder removes the lock file and lets go (as the journal's sweep can): the waiter must
// not hold a lock on a file nobody else can find, but the one now at the path.
TEST(FileLock, AWaiterLocksTheFileNowAtThePath) {
  TempDir tmp;
  fs::path path = tmp.path / "entry.lock";
  std::optional<nemo::FileLock> holder;
  holder.emplace(path, nemo::kExitUsage);
  std::thread releaser;
  nemo::FileLock waiter(path, nemo::kExitUsage, "", [&] {
    releaser = std::thread([&] {
      fs::remove(path);
      holder.reset();
    });
  });
  releaser.join();
  EXPECT_TRUE(waiter.waited());
  ASSERT_TRUE(fs::exists(path));
  EXPECT_FALSE(Free(path));
}

namespace {
void OnUsr1(int) { nemo::RequestInterrupt(SIGTERM); }
}  // namespace

// Ctrl-C or SIGTERM while another process holds the lock ends the wait with 130/143, instead of
// hanging behind it. (The credentials' lock could not be interrupted before it was this one.)
TEST(FileLock, ASignalWhileWaitingStopsTheWait) {
  TempDir tmp;
  fs::path path = tmp.path / ".lock";
  nemo::FileLock holder(path, nemo::kExitAuth);
  struct sigaction sa {
  }, old{};
  sa.sa_handler = OnUsr1;  // no SA_RESTART, as lib/cli installs its handlers
  sigemptyset(&sa.sa_mask);
  sigaction(SIGUSR1, &sa, &old);
  pthread_t waiter_thread = pthread_self();
  std::atomic<bool> done{false};
  std::thread signaller;
  int exit_code = nemo::testing::ExitOf([&] {
    nemo::FileLock waiter(path, nemo::kExitAuth, "", [&] {
      // Signals until the wait is over: one sent before flock blocks would be missed.
      signaller = std::thread([&] {
        while (!done) {
          pthread_kill(waiter_thread, SIGUSR1);
          usleep(20000);
        }
      });
    });
  });
  done = true;
  if (signaller.joinable()) signaller.join();
  sigaction(SIGUSR1, &old, nullptr);
  nemo::RequestInterrupt(0);
  EXPECT_EQ(exit_code, nemo::kExitTerminated);
}
