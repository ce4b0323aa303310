// lib/export against a real HTTP server on 127.0.0.1 standing in for the state and render routes:
// local checks before any request, the journal's states in order, a re-run that follows the
// recorded render through brief server errors, and Ctrl-C cancelling the render it follows.
#include "export.h"

#include <csignal>

#include <atomic>
#include <mutex>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "interrupt.h"
#include "journal.h"
#include "test_server.h"

using nlohmann::json;

namespace {

const json kDraft = json::parse(R"({"t":[{"id":"v1","tt":0,"sg":[{"id":"s1","st":0,"d":2000}]}]})");

// The state and render routes of one session; each poll's answer is the test's.
struct RenderService {
  nemo_test::TestServer srv;
  nemo_test::TempDir state;
  nemo::Journal journal{state.path / "journal"};
  std::atomic<int> requests{0}, submits{0}, polls{0}, cancels{0};
  std::mutex mu;
  std::vector<std::string> seen;  // the journal's status at each request, in order
  std::function<void(httplib::Response&, int)> on_poll = [](httplib::Response& res, int) {
    Reply(res, {{"id", "r"}, {"status", "completed"}, {"outputUrl", "http://localhost:9/r.mp4"}});
  };

  static void Reply(httplib::Response& res, const json& data, int status = 200) {
    res.status = status;
    res.set_content(json{{"success", status == 200}, {"data", data}}.dump(), "application/json");
  }
  void Saw() {
    auto entries = journal.List();
    std::lock_guard lock(mu);
    seen.push_back(entries.empty() ? "none" : entries.back().value("status", "?"));
  }

  RenderService() {
    auto& s = srv.server();
    s.Get(R"(/api/state/nemo_agent/me/([^/]+)/latest)",
          [this](const httplib::Request&, httplib::Response& res) {
            ++requests;
            res.set_content(json{{"code", 0}, {"data", {{"state", {{"draft", kDraft}}}}}}.dump(),
                            "application/json");
          });
    s.Post("/api/render/proxy/lambda", [this](const httplib::Request& req, httplib::Response& res) {
      ++requests;
      ++submits;
      Saw();
      Reply(res, {{"id", json::parse(req.body)["id"]}, {"status", "pending"}});
    });
    s.Get(R"(/api/render/proxy/lambda/([^/]+))",
          [this](const httplib::Request&, httplib::Response& res) {
            ++requests;
            Saw();
            on_poll(res, ++polls);
          });
    s.Post(R"(/api/render/proxy/lambda/([^/]+)/cancel)",
           [this](const httplib::Request&, httplib::Response& res) {
             ++requests;
             ++cancels;
             Reply(res, {{"status", "cancelled"}});
           });
    srv.Start();
    env.Set("NEMO_POLL_BASE_MS", "5");
  }
  nemo_test::ScopedEnv env;

  std::string Status() {
    auto entries = journal.List();
    return entries.empty() ? "none" : entries.back().value("status", "?");
  }
};

nemo::ExportRequest NoDownload() {
  nemo::ExportRequest r;
  r.session_id = "sess";
  r.no_download = true;
  r.quiet = true;
  return r;
}

// A flag left set by one test would interrupt every test after it.
struct ClearInterrupt {
  ~ClearInterrupt() { nemo::RequestInterrupt(0); }
};

}  // namespace

// Default output names are made of ids from the context and the server: they stay in this
// directory whatever those ids hold.
TEST(OutputPath, SafeFileNameKeepsIdsInThisDirectory) {
  EXPECT_EQ(nemo::SafeFileName("ses_abc-123.r1"), "ses_abc-123.r1");
  EXPECT_EQ(nemo::SafeFileName("../../etc/passwd"), "_._.._etc_passwd");
  EXPECT_EQ(nemo::SafeFileName(".."), "_.");
  EXPECT_EQ(nemo::SafeFileName("a/b\nc"), "a_b_c");
  EXPECT_EQ(nemo::SafeFileName(""), "video");
}

TEST(Export, DefaultOutputNameIsSessionAndRenderIds) {
  EXPECT_EQ(nemo::DefaultOutputName("ses/1"), "ses_1.mp4");
  EXPECT_EQ(nemo::DefaultOutputName("ses/1", "render_9", "mp4"), "ses_1-render_9.mp4");
}

TEST(Export, BadFlagsAndPathsAreRefusedBeforeAnyRequest) {
  RenderService service;
  auto refused = [](nemo::ExportRequest r) {
    try {
      nemo::Exporter exporter(std::move(r));
    } catch (const nemo::Error& e) {
      return e.exit_code();
    }
    return 0;
  };
  nemo::ExportRequest both = NoDownload();
  both.detach = true;
  EXPECT_EQ(refused(both), nemo::kExitUsage);
  nemo::ExportRequest output = NoDownload();
  output.output = "x.mp4";
  EXPECT_EQ(refused(output), nemo::kExitUsage);
  nemo::ExportRequest missing_dir = NoDownload();
  missing_dir.no_download = false;
  missing_dir.output = (service.state.path / "no" / "such" / "dir" / "x.mp4").string();
  EXPECT_EQ(refused(missing_dir), nemo::kExitUsage);
  nemo::ExportRequest sheet_on_stdout = NoDownload();
  sheet_on_stdout.no_download = false;
  sheet_on_stdout.output = "-";
  sheet_on_stdout.contact_sheet = "sheet.png";
  EXPECT_EQ(refused(sheet_on_stdout), nemo::kExitUsage);
  EXPECT_EQ(service.requests.load(), 0);
}

TEST(Export, JournalStatesAreWrittenInOrder) {
  RenderService service;
  service.on_poll = [&](httplib::Response& res, int n) {
    if (n == 1) return RenderService::Reply(res, {{"status", "processing"}, {"progress", 40}});
    RenderService::Reply(res, {{"status", "completed"}, {"outputUrl", "http://localhost:9/r"}});
  };
  nemo_test::TestApi api(service.srv.Base());
  nemo::ExportResult result = nemo::Exporter(NoDownload()).Run(api, service.journal);
  EXPECT_EQ(result.context["render"]["status"], "completed");
  EXPECT_EQ(result.context["render"]["url"], "http://localhost:9/r");
  EXPECT_FALSE(result.context.contains("file"));
  // The id is recorded before the submit goes out, "submitted" once the server took it.
  EXPECT_EQ(service.seen, (std::vector<std::string>{"submitting", "submitted", "submitted"}));
  EXPECT_EQ(service.Status(), "completed");
}

// The re-run's first look at its journal's render rides out a server error like any poll of a
// render being followed, instead of giving up after the transport's retries.
TEST(Export, ARerunFollowsTheRecordedRenderThroughServerErrors) {
  RenderService service;
  nemo_test::TestApi api(service.srv.Base());
  nemo::ExportRequest detach = NoDownload();
  detach.no_download = false;
  detach.detach = true;
  std::string id = nemo::Exporter(detach).Run(api, service.journal).context["render"]["id"];
  ASSERT_EQ(service.submits.load(), 1);

  service.on_poll = [&](httplib::Response& res, int n) {
    if (n <= 4) return RenderService::Reply(res, json::object(), 500);  // one poll's retries, +1
    RenderService::Reply(res, {{"status", "completed"}, {"outputUrl", "http://localhost:9/r"}});
  };
  nemo::ExportResult again = nemo::Exporter(NoDownload()).Run(api, service.journal);
  EXPECT_EQ(again.context["render"]["id"], id);
  EXPECT_EQ(again.context["render"]["status"], "completed");
  EXPECT_EQ(service.submits.load(), 1);  // followed, not submitted again
  EXPECT_EQ(service.Status(), "completed");
}

TEST(Export, CtrlCWhileFollowingCancelsTheRenderAndRecordsIt) {
  ClearInterrupt clear;
  RenderService service;
  service.on_poll = [&](httplib::Response& res, int n) {
    if (n == 2) nemo::RequestInterrupt(SIGINT);  // as the handler would, mid-follow
    RenderService::Reply(res, {{"status", "processing"}, {"progress", 10}});
  };
  nemo_test::TestApi api(service.srv.Base());
  try {
    nemo::Exporter(NoDownload()).Run(api, service.journal);
    FAIL() << "not interrupted";
  } catch (const nemo::Error& e) {
    EXPECT_EQ(e.exit_code(), nemo::kExitInterrupted);
    EXPECT_NE(std::string(e.what()).find("cancelled"), std::string::npos) << e.what();
  }
  EXPECT_EQ(service.cancels.load(), 1);
  EXPECT_EQ(service.Status(), "cancelled");
}
