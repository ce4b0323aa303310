// Export jobs: both reply shapes, unique ids, the adaptive poll schedule, and the client's
// submit retry, 402, failure and timeout rules against a real HTTP server.
#include "render_job.h"

#include <atomic>
#include <mutex>
#include <regex>
#include <set>

#include <gtest/gtest.h>

#include "error.h"
#include "local_server.h"

using nlohmann::json;
using ms = std::chrono::milliseconds;

TEST(RenderJobParse, DataShapeFromTheReference) {
  // What DecodeEnvelope leaves of {"success":true,"data":{…}}.
  auto job = nemo::ParseRenderJob({{"id", "r1"},
                                   {"status", "completed"},
                                   {"progress", 100},
                                   {"outputUrl", "https://cdn/x.mp4"}},
                                  "fallback");
  EXPECT_EQ(job.id, "r1");
  EXPECT_EQ(job.status, "completed");
  EXPECT_EQ(job.url, "https://cdn/x.mp4");
  EXPECT_TRUE(job.terminal());
}

TEST(RenderJobParse, UndecodedDataEnvelopeIsUnwrapped) {
  auto job = nemo::ParseRenderJob(
      {{"success", true}, {"data", {{"id", "r2"}, {"status", "processing"}, {"progress", 40}}}},
      "x");
  EXPECT_EQ(job.id, "r2");
  EXPECT_EQ(job.status, "processing");
  EXPECT_EQ(job.progress, 40);
}

TEST(RenderJobParse, TopLevelShapeWithOutputUrlAndRenderId) {
  auto job = nemo::ParseRenderJob({{"render_id", "r3"},
                                   {"status", "SUCCEEDED"},
                                   {"output", {{"url", "http://localhost:1/r3.mp4"}}}},
                                  "mine");
  EXPECT_EQ(job.id, "r3");
  EXPECT_EQ(job.status, "completed");
  EXPECT_EQ(job.url, "http://localhost:1/r3.mp4");
}

TEST(RenderJobParse, FailureReasonFromAStringOrAnObject) {
  auto a = nemo::ParseRenderJob({{"status", "failed"}, {"error", "ffmpeg crashed"}}, "a");
  EXPECT_EQ(a.reason, "ffmpeg crashed");
  EXPECT_EQ(a.id, "a");
  auto b =
      nemo::ParseRenderJob({{"status", "error"}, {"error", {{"message", "out of memory"}}}}, "b");
  EXPECT_EQ(b.status, "failed");
  EXPECT_EQ(b.reason, "out of memory");
}

TEST(RenderJobParse, ProgressAsAStringAndOutOfRange) {
  EXPECT_EQ(nemo::ParseRenderJob({{"status", "running"}, {"progress", "55"}}, "x").progress, 55);
  EXPECT_EQ(nemo::ParseRenderJob({{"status", "running"}, {"progress", 250}}, "x").progress, 100);
  EXPECT_EQ(nemo::ParseRenderJob({{"status", "running"}, {"progress", -3}}, "x").progress, -1);
  EXPECT_EQ(nemo::ParseRenderJob(json::array(), "x").status, "");
}

TEST(RenderJobId, IdsAreWellFormedAndUnique) {
  std::set<std::string> ids;
  static const std::regex kShape(R"(render_\d{13}_[0-9a-f]{8})");
  for (int i = 0; i < 1000; ++i) {
    std::string id = nemo::NewRenderId();
    EXPECT_TRUE(std::regex_match(id, kShape)) << id;
    ids.insert(id);
  }
  EXPECT_EQ(ids.size(), 1000u);
}

TEST(RenderJobId, SubmitBodyUsesCamelCaseSessionId) {
  json body = nemo::RenderSubmitBody("render_1", "sess", {{"t", json::array()}}, "mp4", "high");
  EXPECT_EQ(body["sessionId"], "sess");
  EXPECT_EQ(body["id"], "render_1");
  EXPECT_EQ(body["output"], (json{{"format", "mp4"}, {"quality", "high"}}));
  EXPECT_FALSE(body.contains("session_id"));
}

TEST(PollPlanner, WithoutProgressItBacksOffToThirtySeconds) {
  nemo::PollPlanner p(ms(2000), 1.5, ms(30000));
  EXPECT_EQ(p.First(), ms(2000));
  nemo::RenderJob pending{"r", "pending", -1, "", ""};
  std::vector<long long> waits;
  for (int i = 0; i < 9; ++i) waits.push_back(p.Next(ms(0), pending).count());
  EXPECT_EQ(waits,
            (std::vector<long long>{3000, 4500, 6750, 10125, 15187, 22780, 30000, 30000, 30000}));
}

// Simulates a 20 s render whose progress grows linearly, as the sandbox reports it.
TEST(PollPlanner, LinearProgressIsNoticedWithinTwoSecondsInFewPolls) {
  const double render_ms = 20000;
  nemo::PollPlanner p(ms(2000), 1.5, ms(30000));
  double now = static_cast<double>(p.First().count());
  int polls = 0;
  for (;;) {
    ++polls;
    ASSERT_LT(polls, 50);
    nemo::RenderJob job{"r", "processing", 0, "", ""};
    if (now >= render_ms) break;
    job.progress = std::clamp(static_cast<int>(now * 100 / render_ms), 1, 99);
    now += static_cast<double>(p.Next(ms(static_cast<long long>(now)), job).count());
  }
  EXPECT_LE(now - render_ms, 2000) << "noticed late";
  EXPECT_LE(polls, 12);
}

// The default schedule (FollowOptions) against renders whose progress grows linearly, as the
// sandbox reports it: when the completion is noticed after it happened, and in how many polls.
struct Noticed {
  double late_ms;
  int polls;
};
Noticed FollowLinearRender(double render_ms) {
  nemo::FollowOptions defaults;
  nemo::PollPlanner p(defaults.base, defaults.factor, defaults.max);
  double now = static_cast<double>(p.First().count());
  int polls = 0;
  for (;;) {
    ++polls;
    if (polls > 50 || now >= render_ms) break;
    nemo::RenderJob job{"r", "processing", 0, "", ""};
    job.progress = std::clamp(static_cast<int>(now * 100 / render_ms), 1, 99);
    now += static_cast<double>(p.Next(ms(static_cast<long long>(now)), job).count());
  }
  return {now - render_ms, polls};
}

TEST(PollPlanner, TheDefaultScheduleNoticesAFastRenderAtOnce) {
  EXPECT_EQ(nemo::FollowOptions().base, ms(250));
  Noticed fast = FollowLinearRender(500);
  EXPECT_LE(fast.late_ms, 300) << "a 500 ms render noticed late";
  EXPECT_LE(fast.polls, 3);
  Noticed slow = FollowLinearRender(20000);
  EXPECT_LE(slow.late_ms, 2000) << "a 20 s render noticed late";
  EXPECT_LE(slow.polls, 12);
}

TEST(PollPlanner, StuckProgressDoesNotTurnIntoRapidPolling) {
  nemo::PollPlanner p(ms(2000), 1.5, ms(30000));
  double now = static_cast<double>(p.First().count());
  nemo::RenderJob job{"r", "processing", 10, "", ""};
  now += static_cast<double>(p.Next(ms(2000), job).count());
  job.progress = 99;  // then it never finishes
  int polls = 0;
  while (now < 120000) {
    now += static_cast<double>(p.Next(ms(static_cast<long long>(now)), job).count());
    ++polls;
  }
  EXPECT_LE(polls, 20);
}

TEST(PollPlanner, RetryAfterIsHonoured) {
  nemo::PollPlanner p(ms(2000), 1.5, ms(30000));
  p.First();
  nemo::RenderJob job{"r", "processing", 50, "", ""};
  EXPECT_GE(p.Next(ms(1000), job, ms(45000)), ms(45000));
}

namespace {

// A render endpoint whose behaviour each test sets.
struct RenderServer {
  nemo_test::LocalServer srv;
  std::mutex mu;
  std::vector<std::string> submitted_ids;
  std::atomic<int> submits{0}, polls{0}, cancels{0};
  std::function<void(httplib::Response&, int)> on_submit;  // (res, submit number)
  std::function<void(httplib::Response&, int)> on_poll;

  RenderServer() {
    srv.server.Post("/api/render/proxy/lambda", [this](const httplib::Request& req,
                                                       httplib::Response& res) {
      json body = json::parse(req.body);
      {
        std::lock_guard lock(mu);
        submitted_ids.push_back(body["id"]);
      }
      int n = ++submits;
      if (on_submit) return on_submit(res, n);
      res.set_content(json{{"success", true},
                           {"data", {{"id", body["id"]}, {"status", "pending"}, {"progress", 0}}}}
                          .dump(),
                      "application/json");
    });
    srv.server.Get(R"(/api/render/proxy/lambda/([^/]+))",
                   [this](const httplib::Request&, httplib::Response& res) {
                     int n = ++polls;
                     on_poll(res, n);
                   });
    srv.server.Post(R"(/api/render/proxy/lambda/([^/]+)/cancel)", [this](const httplib::Request&,
                                                                         httplib::Response& res) {
      ++cancels;
      res.set_content(R"({"success":true,"data":{"status":"cancelled"}})", "application/json");
    });
    srv.Start();
    setenv("NEMO_POLL_BASE_MS", "5", 1);
  }
  ~RenderServer() { unsetenv("NEMO_POLL_BASE_MS"); }
};

void Json(httplib::Response& res, const json& body, int status = 200) {
  res.status = status;
  res.set_content(body.dump(), "application/json");
}

}  // namespace

TEST(RenderClient, SubmitRetriesOnceWithANewIdAfterA5xx) {
  RenderServer rs;
  rs.on_submit = [](httplib::Response& res, int n) {
    if (n == 1) return Json(res, {{"success", false}, {"error", {{"message", "down"}}}}, 503);
    Json(res, {{"success", true}, {"data", {{"id", "srv"}, {"status", "pending"}}}});
  };
  nemo::Api api = nemo_test::TestApi(rs.srv.Url());
  nemo::RenderClient client(api);
  auto job = client.Submit("sess", {{"t", json::array()}}, "mp4", "high");
  EXPECT_EQ(job.id, "srv");
  ASSERT_EQ(rs.submitted_ids.size(), 2u);
  EXPECT_NE(rs.submitted_ids[0], rs.submitted_ids[1]);
}

TEST(RenderClient, SubmitGivesUpAfterTheSecondFailure) {
  RenderServer rs;
  rs.on_submit = [](httplib::Response& res, int) { Json(res, {{"success", false}}, 502); };
  nemo::Api api = nemo_test::TestApi(rs.srv.Url());
  nemo::RenderClient client(api);
  EXPECT_THROW(client.Submit("sess", json::object(), "mp4", "high"), nemo::Error);
  EXPECT_EQ(rs.submits.load(), 2);
}

TEST(RenderClient, PlanBlockedIsExit8WithoutARetry) {
  RenderServer rs;
  rs.on_submit = [](httplib::Response& res, int) {
    Json(res, {{"success", false}, {"error", {{"code", "PLAN_REQUIRED"}, {"message", "paid"}}}},
         402);
  };
  nemo::Api api = nemo_test::TestApi(rs.srv.Url());
  nemo::RenderClient client(api);
  try {
    client.Submit("sess", json::object(), "mp4", "high");
    FAIL();
  } catch (const nemo::Error& e) {
    EXPECT_EQ(e.exit_code(), nemo::kExitPlanBlocked);
    EXPECT_NE(e.hint().find("plan"), std::string::npos) << e.hint();
  }
  EXPECT_EQ(rs.submits.load(), 1);
}

TEST(RenderClient, FollowReadsTheTopLevelShapeEvenWithAnErrorMember) {
  RenderServer rs;
  rs.on_poll = [](httplib::Response& res, int n) {
    if (n < 3) return Json(res, {{"id", "r"}, {"status", "processing"}, {"progress", n * 30}});
    Json(res, {{"id", "r"},
               {"status", "completed"},
               {"error", nullptr},
               {"output", {{"url", "http://localhost:9/r.mp4"}}}});
  };
  nemo::Api api = nemo_test::TestApi(rs.srv.Url());
  nemo::RenderClient client(api);
  std::vector<int> progress;
  nemo::FollowOptions options;
  options.on_update = [&](const nemo::RenderJob& j) { progress.push_back(j.progress); };
  auto job = client.Follow({"r", "pending", 0, "", ""}, options);
  EXPECT_EQ(job.status, "completed");
  EXPECT_EQ(job.url, "http://localhost:9/r.mp4");
  EXPECT_EQ(progress, (std::vector<int>{30, 60, 100}));
}

TEST(RenderClient, FailedJobIsExit12WithTheServersReason) {
  RenderServer rs;
  rs.on_poll = [](httplib::Response& res, int) {
    // The top-level shape puts the job's error at the top: not an envelope error.
    Json(res, {{"id", "r"}, {"status", "failed"}, {"error", "renderer crashed"}});
  };
  nemo::Api api = nemo_test::TestApi(rs.srv.Url());
  nemo::RenderClient client(api);
  try {
    client.Follow({"r", "pending", 0, "", ""}, {});
    FAIL();
  } catch (const nemo::Error& e) {
    EXPECT_EQ(e.exit_code(), nemo::kExitJobFailed);
    EXPECT_NE(std::string(e.what()).find("renderer crashed"), std::string::npos) << e.what();
  }
}

TEST(RenderClient, TransientPollFailuresAreRetried) {
  RenderServer rs;
  rs.on_poll = [](httplib::Response& res, int n) {
    if (n <= 4) return Json(res, {{"success", false}}, 503);  // Http retries some itself
    Json(res, {{"success", true}, {"data", {{"status", "completed"}, {"outputUrl", "u"}}}});
  };
  nemo::Api api = nemo_test::TestApi(rs.srv.Url());
  nemo::RenderClient client(api);
  EXPECT_EQ(client.Follow({"r", "pending", 0, "", ""}, {}).status, "completed");
}

TEST(RenderClient, TimeoutIsExit11AndSaysTheJobKeepsRunning) {
  RenderServer rs;
  rs.on_poll = [](httplib::Response& res, int) {
    Json(res, {{"success", true}, {"data", {{"status", "processing"}, {"progress", 1}}}});
  };
  nemo::Api api = nemo_test::TestApi(rs.srv.Url());
  nemo::RenderClient client(api);
  nemo::FollowOptions options;
  options.timeout = ms(80);
  try {
    client.Follow({"r", "pending", 0, "", ""}, options);
    FAIL();
  } catch (const nemo::Error& e) {
    EXPECT_EQ(e.exit_code(), nemo::kExitTimeout);
    EXPECT_NE(std::string(e.what()).find("left running"), std::string::npos) << e.what();
  }
  EXPECT_EQ(rs.cancels.load(), 0);
}

TEST(RenderClient, CancelPostsToTheCancelEndpoint) {
  RenderServer rs;
  nemo::Api api = nemo_test::TestApi(rs.srv.Url());
  nemo::RenderClient client(api);
  client.Cancel("render_1");
  EXPECT_EQ(rs.cancels.load(), 1);
}
