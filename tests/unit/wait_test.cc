// Waiting in one place (lib/wait) and the one interrupt flag (lib/interrupt).
#include "wait.h"

#include <gtest/gtest.h>

#include <csignal>
#include <cstdlib>
#include <vector>

#include "error.h"
#include "exit_code.h"
#include "interrupt.h"
#include "temp_files.h"

namespace {

using ms = std::chrono::milliseconds;
using std::chrono::system_clock;

// A flag left set by one test would interrupt every test after it.
struct ClearInterrupt {
  ~ClearInterrupt() { nemo::RequestInterrupt(0); }
};

TEST(Backoff, GrowsByTheFactorUpToTheCap) {
  nemo::Backoff b(ms(2000), 1.5, ms(30000));
  std::vector<long long> got;
  for (int i = 0; i < 9; ++i) got.push_back(b.Next().count());
  EXPECT_EQ(got,
            (std::vector<long long>{2000, 3000, 4500, 6750, 10125, 15187, 22780, 30000, 30000}));
}

// The environment shortens the first wait for tests; anything but a positive number keeps the
// default.
TEST(PollBase, ReadsTheVariableStrictly) {
  nemo_test::ScopedEnv env;
  for (const char* bad : {"soon", "50ms", "-5", "0", ""}) {
    env.Set("NEMO_POLL_BASE_MS", bad);
    EXPECT_EQ(nemo::PollBase(ms(2000)), ms(2000)) << bad;
  }
  env.Set("NEMO_POLL_BASE_MS", "50");
  EXPECT_EQ(nemo::PollBase(ms(2000)), ms(50));
  env.Unset("NEMO_POLL_BASE_MS");
  EXPECT_EQ(nemo::PollBase(ms(2000)), ms(2000));
}

TEST(ParseRetryAfter, ReadsDelaySeconds) {
  EXPECT_EQ(nemo::ParseRetryAfter("2"), ms(2000));
  EXPECT_EQ(nemo::ParseRetryAfter(" 3600 "), ms(3600000));
  EXPECT_EQ(nemo::ParseRetryAfter("0"), ms(0));
}

TEST(ParseRetryAfter, ReadsAnHttpDateAgainstNow) {
  auto now = system_clock::from_time_t(784111777);  // Sun, 06 Nov 1994 08:49:37 GMT
  EXPECT_EQ(nemo::ParseRetryAfter("Sun, 06 Nov 1994 08:50:07 GMT", now), ms(30000));
  // A date that has passed asks for no wait at all.
  EXPECT_EQ(nemo::ParseRetryAfter("Sun, 06 Nov 1994 08:00:00 GMT", now), ms(0));
}

TEST(ParseRetryAfter, RefusesWhatIsNeitherForm) {
  for (const char* bad : {"", "soon", "1.5", "-3", "Sun, 06 Nov 1994", "5 s"}) {
    EXPECT_FALSE(nemo::ParseRetryAfter(bad).has_value()) << bad;
  }
}

TEST(FormatDuration, ChoosesAUnitThatReads) {
  EXPECT_EQ(nemo::FormatDuration(ms(800)), "800 ms");
  EXPECT_EQ(nemo::FormatDuration(ms(12000)), "12 s");
  EXPECT_EQ(nemo::FormatDuration(ms(30 * 60000)), "30 min");
  EXPECT_EQ(nemo::FormatDuration(ms(90 * 60000 * 2)), "3 h");
  EXPECT_EQ(nemo::FormatDuration(ms(150 * 60000)), "2 h 30 min");
}

TEST(SleepOrInterrupt, EndsWithTheSignalsExitCodeAndTheHint) {
  ClearInterrupt clear;
  nemo::RequestInterrupt(SIGTERM);
  try {
    nemo::SleepOrInterrupt(ms(60000), "follow it with nemo-state");
    FAIL() << "a pending SIGTERM must end the sleep";
  } catch (const nemo::Error& e) {
    EXPECT_EQ(e.exit_code(), nemo::kExitTerminated);
    EXPECT_EQ(e.hint(), "follow it with nemo-state");
  }
}

TEST(ExitCodeForSignal, IsWhatAShellReports) {
  EXPECT_EQ(nemo::ExitCodeForSignal(SIGINT), 130);
  EXPECT_EQ(nemo::ExitCodeForSignal(SIGTERM), 143);
}

// The cleanup after Ctrl-C (cancelling a render) runs with the flag down, and the flag is back up
// after it, so the program still ends as interrupted.
TEST(InterruptPause, LowersTheFlagForAScopeOnly) {
  ClearInterrupt clear;
  nemo::RequestInterrupt(SIGINT);
  {
    nemo::InterruptPause pause;
    EXPECT_EQ(nemo::InterruptSignal(), 0);
    EXPECT_NO_THROW(nemo::ThrowIfInterrupted());
  }
  EXPECT_EQ(nemo::InterruptSignal(), SIGINT);
}

}  // namespace
