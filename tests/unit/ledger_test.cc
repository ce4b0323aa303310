// The credit ledger (lib/ledger): reservations that parallel processes share.
#include "ledger.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>

#include "error.h"
#include "exit_code.h"
#include "temp_files.h"

namespace {

using nlohmann::json;

long long ExitedChildPid() {
  pid_t pid = fork();
  if (pid == 0) _exit(0);
  int status = 0;
  waitpid(pid, &status, 0);
  return pid;
}

// The balance the API would answer.
std::function<std::optional<long long>()> Balance(std::optional<long long> available) {
  return [available] { return available; };
}

int NoCreditsCode(const std::function<void()>& f) {
  try {
    f();
  } catch (const nemo::Error& e) {
    return e.exit_code();
  }
  return 0;
}

TEST(Ledger, ReservesUntilTheBalanceIsTaken) {
  TempDir dir;
  nemo::Ledger ledger(dir.path / "ledger.json");
  auto a = ledger.Reserve(100, Balance(250), std::nullopt, "a");
  auto b = ledger.Reserve(100, Balance(150), std::nullopt, "b");  // the server already took a's
  EXPECT_FALSE(a.id.empty());
  EXPECT_FALSE(b.id.empty());
  EXPECT_EQ(NoCreditsCode([&] { ledger.Reserve(100, Balance(150), std::nullopt, "c"); }),
            nemo::kExitNoCredits);
  ledger.Release(b);
  EXPECT_FALSE(ledger.Reserve(100, Balance(150), std::nullopt, "c").id.empty());
}

TEST(Ledger, TheRefusalNamesWhatIsReservedAndByWhom) {
  TempDir dir;
  nemo::Ledger ledger(dir.path / "ledger.json");
  ledger.Reserve(100, Balance(100), std::nullopt, "nemo-send: generation in ses_1");
  try {
    ledger.Reserve(100, Balance(100), std::nullopt, "b");
    FAIL();
  } catch (const nemo::Error& e) {
    std::string what = e.what();
    EXPECT_NE(what.find("100 reserved by 1 run"), std::string::npos) << what;
    EXPECT_NE(what.find("pid " + std::to_string(getpid())), std::string::npos) << what;
    EXPECT_NE(what.find("generation in ses_1"), std::string::npos) << what;
    EXPECT_NE(what.find("nothing was sent"), std::string::npos) << what;
  }
}

TEST(Ledger, TheCapBoundsSpentAndReservedTogether) {
  TempDir dir;
  nemo::Ledger ledger(dir.path / "ledger.json");
  auto a = ledger.Reserve(100, Balance(10000), 250, "a");
  ledger.Settle(a, std::nullopt);
  ledger.Reserve(100, Balance(10000), std::nullopt, "b");  // the cap stays in the ledger
  EXPECT_EQ(NoCreditsCode([&] { ledger.Reserve(100, Balance(10000), std::nullopt, "c"); }),
            nemo::kExitNoCredits);
  json status = ledger.Status(10000);
  EXPECT_EQ(status["spent"], 100);
  EXPECT_EQ(status["reserved"], 100);
  EXPECT_EQ(status["cap"], 250);
}

TEST(Ledger, AReservationOfAProcessThatIsGoneIsReleased) {
  TempDir dir;
  fs::path file = dir.path / "ledger.json";
  std::ofstream(file) << json{{"base", 100},
                              {"reservations",
                               {{{"id", "x"}, {"pid", ExitedChildPid()}, {"credits", 100}}}}}
                             .dump();
  nemo::Ledger ledger(file);
  EXPECT_FALSE(ledger.Reserve(100, Balance(100), std::nullopt, "a").id.empty());
}

TEST(Ledger, SettlesFromTheMeasuredBalanceOnlyWhenAlone) {
  TempDir dir;
  nemo::Ledger ledger(dir.path / "ledger.json");
  auto a = ledger.Reserve(100, Balance(1000), std::nullopt, "a");
  ledger.Settle(a, 40);
  EXPECT_EQ(ledger.Status(std::nullopt)["spent"], 40);
  auto b = ledger.Reserve(100, Balance(960), std::nullopt, "b");
  auto c = ledger.Reserve(100, Balance(960), std::nullopt, "c");
  ledger.Settle(b, 170);  // c ran too: the balance's difference is not b's alone
  EXPECT_EQ(ledger.Status(std::nullopt)["spent"], 140);
  ledger.Settle(c, std::nullopt);
  EXPECT_EQ(ledger.Status(std::nullopt)["spent"], 240);
}

TEST(Ledger, DoesNotTakeTheMeasuredBalanceWhenAnotherRunCameAndWent) {
  TempDir dir;
  nemo::Ledger ledger(dir.path / "ledger.json");
  auto a = ledger.Reserve(100, Balance(1000), std::nullopt, "a");
  auto b = ledger.Reserve(100, Balance(1000), std::nullopt, "b");
  ledger.Settle(b, std::nullopt);
  ledger.Settle(a, 200);  // a is the last to settle, but b was charged while a ran
  EXPECT_EQ(ledger.Status(std::nullopt)["spent"], 200);
}

// Eight processes that each see a balance for three: three reserve, five are refused.
TEST(Ledger, ParallelProcessesShareTheBalance) {
  TempDir dir;
  fs::path file = dir.path / "ledger.json";
  int pipe_fds[2];
  ASSERT_EQ(pipe(pipe_fds), 0);
  std::vector<pid_t> children;
  for (int i = 0; i < 8; ++i) {
    pid_t pid = fork();
    if (pid == 0) {
      char go;
      close(pipe_fds[1]);
      if (read(pipe_fds[0], &go, 1) < 0) _exit(3);
      try {
        nemo::Ledger(file).Reserve(100, Balance(300), std::nullopt, "child");
        sleep(1);  // still in flight while the others reserve
        _exit(0);
      } catch (const nemo::Error& e) {
        _exit(e.exit_code() == nemo::kExitNoCredits ? 1 : 2);
      }
    }
    children.push_back(pid);
  }
  close(pipe_fds[0]);
  close(pipe_fds[1]);  // all start at once
  int reserved = 0, refused = 0;
  for (pid_t pid : children) {
    int status = 0;
    waitpid(pid, &status, 0);
    ASSERT_TRUE(WIFEXITED(status));
    if (WEXITSTATUS(status) == 0) ++reserved;
    if (WEXITSTATUS(status) == 1) ++refused;
  }
  EXPECT_EQ(reserved, 3);
  EXPECT_EQ(refused, 5);
}

TEST(CreditCap, TheFlagWinsAndGarbageIsAUsageError) {
  setenv("NEMO_MAX_CREDITS", "300", 1);
  EXPECT_EQ(nemo::CreditCap(std::nullopt), 300);
  EXPECT_EQ(nemo::CreditCap(50), 50);
  setenv("NEMO_MAX_CREDITS", "lots", 1);
  EXPECT_EQ(NoCreditsCode([] { nemo::CreditCap(std::nullopt); }), nemo::kExitUsage);
  unsetenv("NEMO_MAX_CREDITS");
  EXPECT_EQ(nemo::CreditCap(std::nullopt), std::nullopt);
}

}  // namespace
