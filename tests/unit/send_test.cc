// lib/send against a real HTTP server on 127.0.0.1 standing in for the agent: the journal's
// states in order, a completed message replayed (not sent again) on a re-run, and a refused one
// sent again.
#include "send.h"

#include <atomic>
#include <mutex>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "journal.h"
#include "test_server.h"

using nlohmann::json;

namespace {

const json kBefore = json::parse(R"({"t":[]})");
const json kAfter = json::parse(R"({"t":[{"id":"v1","tt":0,"sg":[{"id":"s1","st":0,"d":2000}]}]})");

// The state and /run_sse routes of one session: the draft changes once a run has been asked for.
struct Agent {
  nemo_test::TestServer srv;
  nemo_test::TempDir state;
  nemo::Journal journal{state.path / "journal"};
  nemo_test::ScopedEnv env;
  std::atomic<int> runs{0};
  int run_status = 200;  // the HTTP status /run_sse answers with
  std::mutex mu;
  std::vector<std::string> seen;  // the journal's status at each request, in order

  void Saw() {
    auto entries = journal.List();
    std::lock_guard lock(mu);
    seen.push_back(entries.empty() ? "none" : entries.back().value("status", "?"));
  }

  Agent() {
    auto& s = srv.server();
    s.Get(R"(/api/state/nemo_agent/me/([^/]+)/latest)",
          [this](const httplib::Request&, httplib::Response& res) {
            Saw();
            json draft = runs.load() > 0 && run_status == 200 ? kAfter : kBefore;
            res.set_content(json{{"code", 0}, {"data", {{"state", {{"draft", draft}}}}}}.dump(),
                            "application/json");
          });
    s.Post("/run_sse", [this](const httplib::Request&, httplib::Response& res) {
      Saw();
      ++runs;
      res.status = run_status;
      if (run_status != 200) {
        res.set_content(R"({"code":2001,"message":"not enough credits"})", "application/json");
        return;
      }
      res.set_content(
          "data: {\"type\":\"tool_call\",\"name\":\"generate_video\",\"args\":{}}\n\n"
          "data: {\"type\":\"text\",\"content\":\"Your video is ready.\"}\n\n",
          "text/event-stream");
    });
    srv.Start();
    env.Set("NEMO_POLL_BASE_MS", "5");
  }
};

nemo::SendRequest Request() {
  nemo::SendRequest r;
  r.session_id = "sess";
  r.message = "a 2-second video";
  r.cost = 0;  // no credits check
  r.quiet = true;
  return r;
}

}  // namespace

TEST(Send, JournalStatesAreWrittenInOrder) {
  Agent agent;
  nemo_test::TestApi api(agent.srv.Base());
  nemo::SendResult result = nemo::SendMessage(api, Request(), agent.journal);
  EXPECT_EQ(result.action, nemo::SendAction::kSend);
  EXPECT_EQ(result.context["reply"], "Your video is ready.");
  EXPECT_FALSE(result.context["recovered"].get<bool>());
  EXPECT_NE(result.context["changes"]["sentence"], "No change");
  // The state before, the run once recorded as "sending", the state after once it had started.
  EXPECT_EQ(agent.seen, (std::vector<std::string>{"none", "sending", "sent"}));
  auto entries = agent.journal.List();
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0]["status"], "done");
  EXPECT_EQ(entries[0]["result"]["reply"], "Your video is ready.");
  EXPECT_FALSE(entries[0].contains("before"));
}

TEST(Send, ACompletedMessageIsReplayedNotSentAgain) {
  Agent agent;
  nemo_test::TestApi api(agent.srv.Base());
  json first = nemo::SendMessage(api, Request(), agent.journal).context;
  nemo::SendResult again = nemo::SendMessage(api, Request(), agent.journal);
  EXPECT_EQ(agent.runs.load(), 1);
  EXPECT_EQ(again.action, nemo::SendAction::kReplay);
  EXPECT_TRUE(again.context["replayed"].get<bool>());
  EXPECT_EQ(again.context["reply"], first["reply"]);
  EXPECT_EQ(again.context["changes"], first["changes"]);

  nemo::SendRequest forced = Request();
  forced.again = true;  // --again sends it anyway
  EXPECT_EQ(nemo::SendMessage(api, forced, agent.journal).action, nemo::SendAction::kSend);
  EXPECT_EQ(agent.runs.load(), 2);
}

TEST(Send, ARefusedMessageIsRecordedFailedAndSentAgainOnARerun) {
  Agent agent;
  agent.run_status = 402;
  nemo_test::TestApi api(agent.srv.Base());
  try {
    nemo::SendMessage(api, Request(), agent.journal);
    FAIL() << "not refused";
  } catch (const nemo::Error& e) {
    EXPECT_EQ(e.exit_code(), nemo::kExitNoCredits);
  }
  EXPECT_EQ(agent.journal.List().at(0)["status"], "failed");
  agent.run_status = 200;
  EXPECT_EQ(nemo::SendMessage(api, Request(), agent.journal).action, nemo::SendAction::kSend);
  EXPECT_EQ(agent.runs.load(), 2);
}
