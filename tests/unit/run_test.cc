#include "run.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <deque>

#include "status_line.h"

namespace nemo {
namespace {

using nlohmann::json;

// Both clocks start at the send; neither has struck before its time.
TEST(RunTimer, StrikesAfterTheOverallTimeout) {
  RunTimer timer(1000, 10000, 0);
  EXPECT_FALSE(timer.Check(10999));
  auto error = timer.Check(11000);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->exit_code(), kExitTimeout);
  EXPECT_NE(std::string(error->what()).find("--timeout"), std::string::npos);
  EXPECT_EQ(error->hint(), "the run may still finish: check with nemo-state");
}

// Events push the idle clock back; nothing else does.
TEST(RunTimer, IdleClockRestartsOnActivity) {
  RunTimer timer(0, 0, 2000);
  EXPECT_FALSE(timer.Check(1999));
  timer.Activity(1500);
  EXPECT_FALSE(timer.Check(3499));
  auto error = timer.Check(3500);
  ASSERT_TRUE(error);
  EXPECT_NE(std::string(error->what()).find("--idle-timeout"), std::string::npos);
}

// Equal to the snapshot: not settled; changed then equal once more: settled.
TEST(SettleWatch, SettlesAfterAChangeAndOneEqualRead) {
  json before = {{"t", json::array()}};
  json mid = {{"t", {{{"tt", 0}}}}};
  json done = {{"t", {{{"tt", 0}}, {{"tt", 7}}}}};
  SettleWatch w(before);
  EXPECT_FALSE(w.Observe(before));
  EXPECT_FALSE(w.Observe(before));
  EXPECT_FALSE(w.changed());
  EXPECT_FALSE(w.Observe(mid));
  EXPECT_FALSE(w.Observe(done));  // still changing
  EXPECT_TRUE(w.Observe(done));
  EXPECT_EQ(w.latest(), done);
}

// A fake clock and a scripted sequence of state reads, for RecoverDraft.
struct FakeState {
  long long now = 0;
  std::deque<std::optional<json>> reads;
  std::vector<long long> sleeps;
  std::optional<json> last;
  std::optional<json> Read() {
    if (!reads.empty()) {
      last = reads.front();
      reads.pop_front();
    }
    return last;
  }
};

std::optional<json> Recover(FakeState& s, const json& before, long long timeout_ms) {
  RunOptions o;
  o.poll_base_ms = 2000;
  o.recover_timeout_ms = timeout_ms;
  return RecoverDraft(
      before, o, [&] { return s.Read(); },
      [&](long long ms) {
        s.sleeps.push_back(ms);
        s.now += ms;
      },
      [&] { return s.now; });
}

// The change is reported once the draft stops changing; reads back off.
TEST(RecoverDraft, ReturnsTheSettledDraft) {
  json before = json::object(), a = {{"t", 1}}, b = {{"t", 2}};
  FakeState s;
  s.reads = {before, a, b, b};
  EXPECT_EQ(Recover(s, before, 300000), b);
  EXPECT_EQ(s.sleeps, (std::vector<long long>{2000, 3000, 4500, 6750}));
}

// Failed reads (the network) are waited out like unchanged ones.
TEST(RecoverDraft, RidesOutFailedReads) {
  json before = json::object(), a = {{"t", 1}};
  FakeState s;
  s.reads = {std::nullopt, std::nullopt, a, a};
  EXPECT_EQ(Recover(s, before, 300000), a);
}

// Nothing changed before the timeout: nullopt, and no read after the deadline.
TEST(RecoverDraft, GivesUpWhenNothingChanges) {
  json before = json::object();
  FakeState s;
  s.reads = {before};
  EXPECT_FALSE(Recover(s, before, 10000));
  EXPECT_EQ(s.now, 10000);
}

// A draft still changing when time runs out is reported as it was last seen.
TEST(RecoverDraft, ReportsAnUnsettledChangeAtTheTimeout) {
  json before = json::object();
  FakeState s;
  s.reads = {json{{"t", 1}}, json{{"t", 2}}, json{{"t", 3}}, json{{"t", 4}}};
  EXPECT_EQ(Recover(s, before, 9000), (json{{"t", 3}}));
}

// Bytes split anywhere become normalized events in order; keep-alives do not count as activity.
TEST(RunFollower, NormalizesEventsSplitAcrossChunks) {
  long long now = 0;
  std::vector<json> seen;
  RunOptions o;
  o.idle_timeout_ms = 5000;
  o.on_event = [&](const json& e) { seen.push_back(e); };
  RunFollower f(o, [&] { return now; });
  std::string stream =
      ": keep-alive\n\n"
      "data: {\"type\":\"tool_call\",\"name\":\"generate_video\",\"args\":{}}\n\n"
      "data: {\"type\":\"tool_result\",\"name\":\"generate_video\",\"result\":{}}\r\n\r\n"
      "data: {\"type\":\"text\",\"content\":\"Click the Export button.\"}\n\n";
  for (char c : stream) f.Feed(std::string_view(&c, 1));
  f.Finish();
  ASSERT_EQ(seen.size(), 4u);
  EXPECT_EQ(seen[0]["type"], "heartbeat");
  EXPECT_EQ(seen[1]["type"], "tool_call");
  EXPECT_EQ(seen[2]["type"], "tool_result");
  EXPECT_EQ(seen[3]["type"], "text");
  EXPECT_FALSE(seen[1].contains("raw"));
  EXPECT_NE(f.events().reply().find("nemo-export"), std::string::npos);
  EXPECT_EQ(f.events().tools()[0]["name"], "generate_video");
}

// Only keep-alives for the idle timeout: KeepGoing turns false with the timeout error.
TEST(RunFollower, KeepAlivesAloneEndInTheIdleTimeout) {
  long long now = 0;
  RunOptions o;
  o.idle_timeout_ms = 2000;
  RunFollower f(o, [&] { return now; });
  for (int i = 0; i < 4; ++i) {
    now += 600;
    f.Feed(": keep-alive\n\n");
    EXPECT_EQ(f.KeepGoing(), now < 2000) << now;
  }
  ASSERT_TRUE(f.timeout());
  EXPECT_EQ(f.timeout()->exit_code(), kExitTimeout);
}

// --raw-events keeps the server's event next to the normalized one.
TEST(RunFollower, RawEventsCarryTheServerEvent) {
  std::vector<json> seen;
  RunOptions o;
  o.raw_events = true;
  o.on_event = [&](const json& e) { seen.push_back(e); };
  RunFollower f(o, [] { return 0LL; });
  f.Feed("data: {\"type\":\"tool_call\",\"name\":\"x\",\"args\":{\"a\":1}}\n\n");
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0]["raw"]["args"]["a"], 1);
}

// The duplicated "[2001]" from RunError is dropped; exit code, hint and API code stay.
TEST(RunFailure, DropsTheRepeatedCode) {
  Error e = RunFailure(RunError(2001, "Insufficient credits"));
  EXPECT_STREQ(e.what(), "run failed: Insufficient credits");
  EXPECT_EQ(e.exit_code(), kExitNoCredits);
  EXPECT_EQ(e.api_code(), 2001);
}

// Tool names read as plain words; model names after "with" are dropped.
TEST(ToolActivity, SaysWhatTheToolDoes) {
  EXPECT_EQ(ToolActivity("generate_video"), "generating video");
  EXPECT_EQ(ToolActivity("generate_video_with_seedance"), "generating video");
  EXPECT_EQ(ToolActivity("edit_timeline"), "editing the timeline");
  EXPECT_EQ(ToolActivity("frobnicate_clip"), "running frobnicate clip");
  EXPECT_EQ(ClockText(42000), "0:42");
  EXPECT_EQ(ClockText(3723000), "1:02:03");
}

std::string Captured(std::FILE* f) {
  std::rewind(f);
  std::string out;
  char buf[4096];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
  return out;
}

// On a terminal the line is redrawn in place with \r and cleared at the end.
TEST(StatusLine, LiveLineRedrawsInPlace) {
  std::FILE* f = std::tmpfile();
  {
    StatusLine s("nemo-send", StatusLine::Mode::kLive, f);
    s.Event({{"type", "tool_call"}, {"name", "generate_video"}});
    s.Tick(42000);
    s.Tick(42100);  // same second: no redraw
  }
  std::string out = Captured(f);
  EXPECT_NE(out.find("\rnemo-send: generating video\xE2\x80\xA6 0:42\x1b[K"), std::string::npos);
  EXPECT_EQ(out.find('\n'), std::string::npos);
  EXPECT_EQ(out.substr(out.size() - 4), "\r\x1b[K");
  std::fclose(f);
}

// Off a terminal: one "still working" line every two minutes, nothing in between.
TEST(StatusLine, PeriodicLinesEveryTwoMinutes) {
  std::FILE* f = std::tmpfile();
  {
    StatusLine s("nemo-send", StatusLine::Mode::kPeriodic, f);
    for (long long ms = 0; ms <= 5 * 60 * 1000; ms += 1000) s.Tick(ms);
  }
  EXPECT_EQ(Captured(f), "nemo-send: still working (2 min)\nnemo-send: still working (4 min)\n");
  std::fclose(f);
}

// --quiet: nothing at all.
TEST(StatusLine, QuietPrintsNothing) {
  EXPECT_EQ(StatusLine::Choose(true), StatusLine::Mode::kOff);
  std::FILE* f = std::tmpfile();
  {
    StatusLine s("nemo-send", StatusLine::Mode::kOff, f);
    s.Tick(10 * 60 * 1000);
  }
  EXPECT_EQ(Captured(f), "");
  std::fclose(f);
}

}  // namespace
}  // namespace nemo
