// Reading the session state: the draft wherever and however it arrives, readiness, the summary,
// and waiting for readiness against a real HTTP server.
#include "state.h"

#include <atomic>

#include <gtest/gtest.h>

#include "error.h"
#include "test_server.h"
#include "wait.h"

using nlohmann::json;

namespace {

json ReadyDraft() {
  return {{"t",
           {{{"id", "v"},
             {"tt", 0},
             {"m", {{"name", "city"}}},
             {"sg", {{{"id", "s1"}, {"st", 0}, {"d", 4000}}}}}}},
          {"m", {{"width", 1920}, {"height", 1080}}}};
}

}  // namespace

TEST(State, DraftSentAsAJsonStringIsParsed) {
  auto s = nemo::InterpretState({{"state", {{"draft", ReadyDraft().dump()}}}});
  EXPECT_TRUE(s.ready);
  EXPECT_EQ(s.draft, ReadyDraft());
  EXPECT_EQ(s.state["draft"], ReadyDraft());  // the context gets the object, not the string
  EXPECT_NE(s.summary.find("Timeline (1 track"), std::string::npos) << s.summary;
}

TEST(State, StateWithoutTheWrapperIsAccepted) {
  auto s = nemo::InterpretState({{"draft", ReadyDraft()}, {"video_infos", json::array()}});
  EXPECT_TRUE(s.ready);
  EXPECT_TRUE(s.state.contains("video_infos"));
}

TEST(State, MissingOrEmptyDraftIsNotReady) {
  for (const json& payload : {json::object(), json{{"state", {{"draft", nullptr}}}},
                              json{{"state", {{"draft", {{"t", json::array()}}}}}},
                              json{{"state", "not json"}}, json::array()}) {
    auto s = nemo::InterpretState(payload);
    EXPECT_FALSE(s.ready) << payload;
    EXPECT_EQ(s.summary, "Timeline is empty") << payload;
  }
}

TEST(State, WaitPollsUntilTheDraftIsReady) {
  nemo_test::TestServer srv;
  std::atomic<int> reads{0};
  std::atomic<bool> bearer_ok{true};
  srv.server().Get(R"(/api/state/nemo_agent/me/([^/]+)/latest)", [&](const httplib::Request& req,
                                                                     httplib::Response& res) {
    if (req.get_header_value("Authorization") != std::string("Bearer ") + nemo_test::kTestToken)
      bearer_ok = false;
    json draft = ++reads >= 3 ? ReadyDraft() : json::object();
    res.set_content(json{{"code", 0}, {"data", {{"state", {{"draft", draft}}}}}}.dump(),
                    "application/json");
  });
  srv.Start();
  nemo_test::ScopedEnv env;
  env.Set("NEMO_POLL_BASE_MS", "5");
  nemo_test::TestApi api(srv.Base());
  nemo::WaitOptions options;
  int seen = 0;
  options.on_poll = [&](const nemo::SessionState&, int polls) { seen = polls; };
  auto s = nemo::WaitUntilReady(api, "sess_1", options);
  EXPECT_TRUE(s.ready);
  EXPECT_EQ(reads.load(), 3);
  EXPECT_EQ(seen, 3);
  EXPECT_TRUE(bearer_ok.load());
}

TEST(State, WaitTimesOutWithExit11) {
  nemo_test::TestServer srv;
  srv.server().Get(R"(/api/state/nemo_agent/me/([^/]+)/latest)", [&](const httplib::Request&,
                                                                     httplib::Response& res) {
    res.set_content(R"({"code":0,"data":{"state":{"draft":{}}}})", "application/json");
  });
  srv.Start();
  nemo_test::ScopedEnv env;
  env.Set("NEMO_POLL_BASE_MS", "5");
  nemo_test::TestApi api(srv.Base());
  nemo::WaitOptions options;
  options.timeout = std::chrono::milliseconds(60);
  try {
    nemo::WaitUntilReady(api, "sess_1", options);
    FAIL() << "no timeout";
  } catch (const nemo::Error& e) {
    EXPECT_EQ(e.exit_code(), nemo::kExitTimeout);
  }
}

TEST(State, WaitGivesUpAtOnceOnAMissingSession) {
  nemo_test::TestServer srv;
  std::atomic<int> reads{0};
  srv.server().Get(R"(/api/state/nemo_agent/me/([^/]+)/latest)", [&](const httplib::Request&,
                                                                     httplib::Response& res) {
    ++reads;
    res.status = 404;
    res.set_content(R"({"code":1002,"message":"session not found"})", "application/json");
  });
  srv.Start();
  nemo_test::TestApi api(srv.Base());
  try {
    nemo::WaitUntilReady(api, "gone", {});
    FAIL();
  } catch (const nemo::Error& e) {
    EXPECT_EQ(e.exit_code(), nemo::kExitSessionNotFound);
  }
  EXPECT_EQ(reads.load(), 1);
}
