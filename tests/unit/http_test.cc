// Http::Send against a real server on 127.0.0.1: who gets the token, which headers go out,
// retries, streaming, aborts, uploads, ranges, and what the verbose log may show.
#include "http.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>

#include <gtest/gtest.h>

#include "api.h"
#include "config.h"
#include "error.h"
#include "output.h"
#include "test_server.h"

using nemo::Http;
using nemo::HttpRequest;
using nemo::HttpResponse;
using nemo_test::ScopedEnv;
using nemo_test::TempDir;
using nemo_test::TestServer;

namespace {

constexpr const char* kToken = "nmv_usr_UnitTestSecret42";

nemo::HttpOptions OptionsFor(const TestServer& api) {
  nemo::HttpOptions options;
  options.api_origin = nemo::UrlOrigin(api.Base());
  options.user_agent = "nemo-unit/1";
  options.attribution = {"X-Skill-Source: unit", "X-Skill-Version: 9", "X-Skill-Platform: test"};
  options.backoff_base = std::chrono::milliseconds(1);
  options.default_retry_after = std::chrono::seconds(1);
  return options;
}

// Remembers the headers of the last request to /echo.
struct HeaderLog {
  std::mutex mu;
  httplib::Headers last;
  int count = 0;
  void Install(httplib::Server& server) {
    server.Get("/echo", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard<std::mutex> lock(mu);
      last = req.headers;
      ++count;
      res.set_content("{}", "application/json");
    });
  }
  bool Has(const std::string& name) {
    std::lock_guard<std::mutex> lock(mu);
    return last.count(name) > 0;
  }
  std::string Get(const std::string& name) {
    std::lock_guard<std::mutex> lock(mu);
    auto it = last.find(name);
    return it == last.end() ? "" : it->second;
  }
};

HttpRequest GetRequest(const std::string& url) {
  HttpRequest request;
  request.url = url;
  request.bearer = kToken;
  request.idempotent = true;
  return request;
}

// A TCP port on 127.0.0.1 that is bound but not listening: connecting is refused.
struct RefusingPort {
  int fd = -1;
  int port = 0;
  RefusingPort() {
    fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    socklen_t len = sizeof addr;
    getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    port = ntohs(addr.sin_port);
  }
  ~RefusingPort() { close(fd); }
};

}  // namespace

// The bearer goes to the API origin and nowhere else: not to another host name, not another port.
TEST(Http, BearerIsSentOnlyToTheApiOrigin) {
  TestServer api, other;
  HeaderLog api_log, other_log;
  api_log.Install(api.server());
  other_log.Install(other.server());
  api.Start();
  other.Start();
  Http http(OptionsFor(api));

  ASSERT_EQ(http.Send(GetRequest(api.Url("/echo"))).status, 200);
  EXPECT_EQ(api_log.Get("Authorization"), std::string("Bearer ") + kToken);

  ASSERT_EQ(http.Send(GetRequest(api.LocalhostUrl("/echo"))).status, 200);
  EXPECT_FALSE(api_log.Has("Authorization"));

  ASSERT_EQ(http.Send(GetRequest(other.Url("/echo"))).status, 200);
  EXPECT_EQ(other_log.count, 1);
  EXPECT_FALSE(other_log.Has("Authorization"));
}

// A redirect from the API to another origin (same host, other port) drops Authorization.
TEST(Http, RedirectToAnotherOriginDropsAuthorization) {
  TestServer api, cdn;
  HeaderLog cdn_log;
  cdn_log.Install(cdn.server());
  api.server().Get("/to-cdn", [&](const httplib::Request&, httplib::Response& res) {
    res.set_redirect(cdn.Url("/echo"), 302);
  });
  api.server().Get("/to-cdn-host", [&](const httplib::Request&, httplib::Response& res) {
    res.set_redirect(cdn.LocalhostUrl("/echo"), 307);
  });
  cdn.Start();
  api.Start();
  Http http(OptionsFor(api));

  ASSERT_EQ(http.Send(GetRequest(api.Url("/to-cdn"))).status, 200);
  EXPECT_EQ(cdn_log.count, 1);
  EXPECT_FALSE(cdn_log.Has("Authorization"));

  ASSERT_EQ(http.Send(GetRequest(api.Url("/to-cdn-host"))).status, 200);
  EXPECT_EQ(cdn_log.count, 2);
  EXPECT_FALSE(cdn_log.Has("Authorization"));
}

// The attribution headers and the User-Agent go with every request, API origin or not.
TEST(Http, AttributionHeadersAndUserAgentOnEveryRequest) {
  TestServer api, other;
  HeaderLog api_log, other_log;
  api_log.Install(api.server());
  other_log.Install(other.server());
  api.Start();
  other.Start();
  Http http(OptionsFor(api));
  for (auto* log : {&api_log, &other_log}) {
    std::string url = log == &api_log ? api.Url("/echo") : other.Url("/echo");
    ASSERT_EQ(http.Send(GetRequest(url)).status, 200);
    EXPECT_EQ(log->Get("X-Skill-Source"), "unit");
    EXPECT_EQ(log->Get("X-Skill-Version"), "9");
    EXPECT_EQ(log->Get("X-Skill-Platform"), "test");
    EXPECT_EQ(log->Get("User-Agent"), "nemo-unit/1");
  }
}

// Through LoadConfig and Api: defaults name the suite; NEMO_SKILL_* override each header.
TEST(Http, AttributionComesFromConfigAndEnvironmentOverridesIt) {
  TempDir tmp;
  TestServer api;
  HeaderLog log;
  log.Install(api.server());
  api.Start();
  ScopedEnv env;
  env.ClearNemo().Set("XDG_CONFIG_HOME", tmp.path.string()).Set("NEMO_TOKEN", kToken);
  env.Set("NEMO_SKILL_PLATFORM", "terminal");
  {
    nemo::Api client(nemo::LoadConfig(api.Base(), {}, false));
    client.Get("/echo");
    EXPECT_EQ(log.Get("X-Skill-Source"), "nemo-cli");
    EXPECT_EQ(log.Get("X-Skill-Version"), NEMO_VERSION);
    EXPECT_EQ(log.Get("X-Skill-Platform"), "terminal");
    EXPECT_EQ(log.Get("User-Agent").rfind(std::string("nemo/") + NEMO_VERSION + " libcurl/", 0),
              0u);
  }
  env.Set("NEMO_SKILL_SOURCE", "my-agent")
      .Set("NEMO_SKILL_VERSION", "7.7.7")
      .Set("NEMO_SKILL_PLATFORM", "cursor");
  nemo::Api client(nemo::LoadConfig(api.Base(), {}, false));
  client.Get("/echo");
  EXPECT_EQ(log.Get("X-Skill-Source"), "my-agent");
  EXPECT_EQ(log.Get("X-Skill-Version"), "7.7.7");
  EXPECT_EQ(log.Get("X-Skill-Platform"), "cursor");
  EXPECT_EQ(log.Get("Authorization"), std::string("Bearer ") + kToken);
}

// An idempotent GET is tried three times on 503; the third answer (200) is returned.
TEST(Http, IdempotentGetIsRetriedOn503) {
  TestServer api;
  std::atomic<int> tries{0};
  api.server().Get("/flaky", [&](const httplib::Request&, httplib::Response& res) {
    if (++tries < 3) {
      res.status = 503;
      res.set_content(R"({"code":503,"message":"busy"})", "application/json");
    } else {
      res.set_content(R"({"code":0})", "application/json");
    }
  });
  api.Start();
  Http http(OptionsFor(api));
  EXPECT_EQ(http.Send(GetRequest(api.Url("/flaky"))).status, 200);
  EXPECT_EQ(tries, 3);
}

// A proxy's HTML 502 page counts as a server error and is retried like a 503.
TEST(Http, IdempotentGetIsRetriedOnHtml502) {
  TestServer api;
  std::atomic<int> tries{0};
  api.server().Get("/proxy", [&](const httplib::Request&, httplib::Response& res) {
    if (++tries < 3) {
      res.status = 502;
      res.set_content("<html><title>502 Bad Gateway</title></html>", "text/html");
    } else {
      res.set_content(R"({"code":0})", "application/json");
    }
  });
  api.Start();
  Http http(OptionsFor(api));
  HttpResponse response = http.Send(GetRequest(api.Url("/proxy")));
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, R"({"code":0})");
  EXPECT_EQ(tries, 3);
}

// A 4xx page is an answer, not a hiccup: a CDN's 404 is returned at once, not tried again.
TEST(Http, HtmlClientErrorIsNotRetried) {
  TestServer api;
  std::atomic<int> tries{0};
  api.server().Get("/gone", [&](const httplib::Request&, httplib::Response& res) {
    ++tries;
    res.status = 404;
    res.set_content("<html><title>404 Not Found</title></html>", "text/html");
  });
  api.Start();
  Http http(OptionsFor(api));
  EXPECT_EQ(http.Send(GetRequest(api.Url("/gone"))).status, 404);
  EXPECT_EQ(tries, 1);
}

// timeout_ms bounds the whole exchange: no retry starts when its wait would outlast it.
TEST(Http, TimeoutBoundsTheRetriesToo) {
  TestServer api;
  std::atomic<int> tries{0};
  api.server().Get("/down", [&](const httplib::Request&, httplib::Response& res) {
    ++tries;
    res.status = 503;
  });
  api.Start();
  nemo::HttpOptions options = OptionsFor(api);
  options.backoff_base = std::chrono::hours(1);
  Http http(options);
  HttpRequest request = GetRequest(api.Url("/down"));
  request.timeout_ms = 5000;
  EXPECT_EQ(http.Send(request).status, 503);
  EXPECT_EQ(tries, 1);
}

// A JSON or HTML body where a stream was expected is kept for the API layer, never streamed.
TEST(Http, EnvelopeOn200IsCollectedNotStreamed) {
  TestServer api;
  api.server().Get("/json", [&](const httplib::Request&, httplib::Response& res) {
    res.set_content(R"({"code":2001,"message":"insufficient credits"})", "application/json");
  });
  api.server().Get("/untyped", [&](const httplib::Request&, httplib::Response& res) {
    res.set_content(R"(  {"code":1001})", "application/octet-stream");
  });
  api.server().Get("/video", [&](const httplib::Request&, httplib::Response& res) {
    res.set_content(std::string("\0\0\0\x18"
                                "ftypmp42",
                                12),
                    "application/octet-stream");
  });
  api.Start();
  Http http(OptionsFor(api));
  for (const char* path : {"/json", "/untyped"}) {
    HttpRequest request = GetRequest(api.Url(path));
    std::string streamed;
    request.on_body = [&](std::string_view chunk) { streamed.append(chunk); };
    HttpResponse response = http.Send(request);
    EXPECT_FALSE(response.streamed) << path;
    EXPECT_TRUE(streamed.empty()) << path;
    EXPECT_NE(response.body.find("code"), std::string::npos) << path;
  }
  HttpRequest request = GetRequest(api.Url("/video"));
  std::string streamed;
  request.on_body = [&](std::string_view chunk) { streamed.append(chunk); };
  HttpResponse response = http.Send(request);
  EXPECT_TRUE(response.streamed);
  EXPECT_EQ(streamed.size(), 12u);
}

TEST(Http, LooksLikeEnvelope) {
  EXPECT_TRUE(nemo::LooksLikeEnvelope("application/json; charset=utf-8", "data: x"));
  EXPECT_TRUE(nemo::LooksLikeEnvelope("text/html", "x"));
  EXPECT_TRUE(nemo::LooksLikeEnvelope("", "\n {\"code\":1}"));
  EXPECT_TRUE(nemo::LooksLikeEnvelope("text/plain", "<html>"));
  // The label of what the endpoint streams does not make an error body a stream or a video.
  EXPECT_TRUE(nemo::LooksLikeEnvelope("text/event-stream", "{\"code\":1001}"));
  EXPECT_TRUE(nemo::LooksLikeEnvelope("video/mp4", "{\"code\":1002}"));
  EXPECT_TRUE(nemo::LooksLikeEnvelope("video/mp4", "<html>"));
  EXPECT_FALSE(nemo::LooksLikeEnvelope("video/mp4", std::string_view("\0\0\0\x1c"
                                                                     "ftypisom",
                                                                     12)));
  EXPECT_FALSE(nemo::LooksLikeEnvelope("video/webm", "\x1a\x45\xdf\xa3"));
  EXPECT_FALSE(nemo::LooksLikeEnvelope("text/event-stream", "data: {}\n\n"));
  EXPECT_FALSE(nemo::LooksLikeEnvelope("text/event-stream", ":ok\n\n"));
  EXPECT_FALSE(nemo::LooksLikeEnvelope("", "data: {}\n\n"));
  EXPECT_FALSE(nemo::LooksLikeEnvelope("", ": keep-alive\n\n"));
}

// Retries stop after three tries: the last 503 is returned to the caller.
TEST(Http, RetriesGiveUpAfterThreeTries) {
  TestServer api;
  std::atomic<int> tries{0};
  api.server().Get("/down", [&](const httplib::Request&, httplib::Response& res) {
    ++tries;
    res.status = 503;
  });
  api.Start();
  Http http(OptionsFor(api));
  EXPECT_EQ(http.Send(GetRequest(api.Url("/down"))).status, 503);
  EXPECT_EQ(tries, 3);
}

// A non-idempotent POST is sent once, whatever the server answers.
TEST(Http, NonIdempotentPostIsNotRetried) {
  TestServer api;
  std::atomic<int> tries{0};
  api.server().Post("/create", [&](const httplib::Request&, httplib::Response& res) {
    ++tries;
    res.status = 503;
  });
  api.Start();
  Http http(OptionsFor(api));
  HttpRequest request;
  request.method = "POST";
  request.url = api.Url("/create");
  request.body = "{}";
  EXPECT_EQ(http.Send(request).status, 503);
  EXPECT_EQ(tries, 1);
}

// never_retry wins over idempotent: one try on 503 and one on 429.
TEST(Http, NeverRetryRequestIsSentOnce) {
  TestServer api;
  std::atomic<int> tries{0};
  api.server().Post("/run_sse", [&](const httplib::Request& req, httplib::Response& res) {
    ++tries;
    res.status = req.body == "429" ? 429 : 503;
    if (res.status == 429) res.set_header("Retry-After", "1");
  });
  api.Start();
  Http http(OptionsFor(api));
  HttpRequest request;
  request.method = "POST";
  request.url = api.Url("/run_sse");
  request.body = "503";
  request.idempotent = true;
  request.never_retry = true;
  EXPECT_EQ(http.Send(request).status, 503);
  EXPECT_EQ(tries, 1);
  request.body = "429";
  EXPECT_EQ(http.Send(request).status, 429);
  EXPECT_EQ(tries, 2);
}

// A 429 with Retry-After is retried exactly once; the second 429 is returned.
TEST(Http, RateLimitIsRetriedOnceThenReturned) {
  TestServer api;
  std::atomic<int> tries{0};
  api.server().Get("/limited", [&](const httplib::Request&, httplib::Response& res) {
    ++tries;
    res.status = 429;
    res.set_header("Retry-After", "1");
    res.set_content(R"({"code":429,"message":"slow down"})", "application/json");
  });
  api.Start();
  Http http(OptionsFor(api));
  EXPECT_EQ(http.Send(GetRequest(api.Url("/limited"))).status, 429);
  EXPECT_EQ(tries, 2);
}

// After one 429 the retry's success is what the caller sees.
TEST(Http, RateLimitThenSuccessReturnsTheSuccess) {
  TestServer api;
  std::atomic<int> tries{0};
  api.server().Get("/limited", [&](const httplib::Request&, httplib::Response& res) {
    if (++tries == 1) {
      res.status = 429;
      res.set_header("Retry-After", "1");
    } else {
      res.set_content("{}", "application/json");
    }
  });
  api.Start();
  Http http(OptionsFor(api));
  EXPECT_EQ(http.Send(GetRequest(api.Url("/limited"))).status, 200);
  EXPECT_EQ(tries, 2);
}

// Nothing listening: Error with the network exit code (10), after the retries.
TEST(Http, ConnectionRefusedIsANetworkError) {
  RefusingPort port;
  TestServer api;  // only for the options; never started
  Http http(OptionsFor(api));
  try {
    http.Send(GetRequest("http://127.0.0.1:" + std::to_string(port.port) + "/x"));
    FAIL() << "no error";
  } catch (const nemo::Error& e) {
    EXPECT_EQ(e.exit_code(), nemo::kExitNetwork);
    EXPECT_NE(std::string(e.what()).find("127.0.0.1"), std::string::npos);
  }
}

// on_body gets the first chunk while the server still holds the rest of the response.
TEST(Http, OnBodyReceivesChunksBeforeTheResponseEnds) {
  TestServer api;
  std::mutex mu;
  std::condition_variable cv;
  bool client_saw_first = false;
  bool server_waited_for_client = false;
  api.server().Get("/stream", [&](const httplib::Request&, httplib::Response& res) {
    res.set_chunked_content_provider(
        "text/event-stream", [&](size_t offset, httplib::DataSink& sink) {
          if (offset == 0) return sink.write("first;", 6);
          std::unique_lock<std::mutex> lock(mu);
          // Bounded so a broken client fails the test instead of hanging it.
          server_waited_for_client =
              cv.wait_for(lock, std::chrono::seconds(20), [&] { return client_saw_first; });
          lock.unlock();
          sink.write("second;", 7);
          sink.done();
          return true;
        });
  });
  api.Start();
  Http http(OptionsFor(api));
  HttpRequest request = GetRequest(api.Url("/stream"));
  request.low_speed_seconds = 0;
  std::string received;
  request.on_body = [&](std::string_view chunk) {
    received.append(chunk);
    if (received.find("first;") != std::string::npos) {
      std::lock_guard<std::mutex> lock(mu);
      client_saw_first = true;
      cv.notify_all();
    }
  };
  HttpResponse response = http.Send(request);
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(received, "first;second;");
  EXPECT_TRUE(response.body.empty());
  EXPECT_EQ(response.body_bytes, 13);
  std::lock_guard<std::mutex> lock(mu);
  EXPECT_TRUE(server_waited_for_client);
}

// keep_going returning false ends the transfer early and reports it as aborted, not an error.
TEST(Http, KeepGoingFalseAbortsTheTransfer) {
  // Declared before the server, so they outlive it: its handler still runs after the test's
  // last line, until the server's destructor has stopped it.
  std::mutex mu;
  std::condition_variable cv;
  bool release = false;
  std::atomic<bool> server_finished{false};
  TestServer api;
  api.server().Get("/endless", [&](const httplib::Request&, httplib::Response& res) {
    res.set_chunked_content_provider("text/plain", [&](size_t offset, httplib::DataSink& sink) {
      if (offset == 0) return sink.write("data", 4);
      std::unique_lock<std::mutex> lock(mu);
      cv.wait_for(lock, std::chrono::seconds(20), [&] { return release; });
      server_finished = true;
      sink.done();
      return true;
    });
  });
  api.Start();
  Http http(OptionsFor(api));
  HttpRequest request = GetRequest(api.Url("/endless"));
  std::atomic<bool> got_data{false};
  request.on_body = [&](std::string_view) { got_data = true; };
  request.keep_going = [&] { return !got_data.load(); };
  HttpResponse response = http.Send(request);
  EXPECT_TRUE(response.aborted);
  EXPECT_TRUE(got_data);
  EXPECT_FALSE(server_finished);  // the response had not ended when Send returned
  {
    std::lock_guard<std::mutex> lock(mu);
    release = true;
  }
  cv.notify_all();
}

namespace {

// A file of `bytes` bytes, none of them alike for long (so a wrong offset shows).
std::string WriteNumbers(const std::filesystem::path& file, std::size_t bytes) {
  std::string content;
  content.reserve(bytes + 16);
  for (long long i = 0; content.size() < bytes; ++i) content += std::to_string(i * 7919) + ",";
  std::ofstream(file, std::ios::binary) << content;
  return content;
}

}  // namespace

// A multipart upload streams the file from disk; on_read sees every byte once, in order.
TEST(Http, MultipartUploadStreamsTheFileThroughOnRead) {
  TempDir tmp;
  std::filesystem::path file = tmp.path / "clip.mp4";
  std::string content = WriteNumbers(file, 3 << 20);

  TestServer api;
  std::mutex mu;
  std::string got_content, got_filename, got_type;
  bool had_files = false;
  api.server().Post("/upload", [&](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard<std::mutex> lock(mu);
    had_files = req.has_file("files");
    if (had_files) {
      auto part = req.get_file_value("files");
      got_content = part.content;
      got_filename = part.filename;
      got_type = part.content_type;
    }
    res.set_content(R"({"code":0})", "application/json");
  });
  api.Start();
  Http http(OptionsFor(api));
  HttpRequest request;
  request.method = "POST";
  request.url = api.Url("/upload");
  request.bearer = kToken;
  std::string read_back;
  int reads = 0, rewinds = 0;
  request.parts.push_back({file.string(), "clip.mp4", "video/mp4",
                           [&](std::string_view chunk) {
                             read_back.append(chunk);
                             ++reads;
                           },
                           [&] {
                             read_back.clear();
                             ++rewinds;
                           }});
  EXPECT_EQ(http.Send(request).status, 200);
  std::lock_guard<std::mutex> lock(mu);
  ASSERT_TRUE(had_files);
  EXPECT_TRUE(got_content == content)
      << "uploaded " << got_content.size() << " bytes of " << content.size();
  EXPECT_EQ(got_filename, "clip.mp4");
  EXPECT_EQ(got_type, "video/mp4");
  EXPECT_TRUE(read_back == content) << "on_read saw " << read_back.size() << " bytes";
  EXPECT_GT(reads, 1);  // read in chunks, not whole
  EXPECT_GE(rewinds, 1);
}

// An upload of a file that does not exist fails before anything is sent.
TEST(Http, UploadOfAMissingFileIsAUsageError) {
  TestServer api;
  std::atomic<int> tries{0};
  api.server().Post("/upload", [&](const httplib::Request&, httplib::Response&) { ++tries; });
  api.Start();
  Http http(OptionsFor(api));
  HttpRequest request;
  request.method = "POST";
  request.url = api.Url("/upload");
  request.parts.push_back({"/nonexistent/clip.mp4", "clip.mp4", "video/mp4", nullptr, nullptr});
  try {
    http.Send(request);
    FAIL() << "no error";
  } catch (const nemo::Error& e) {
    EXPECT_EQ(e.exit_code(), nemo::kExitUsage);
  }
  EXPECT_EQ(tries, 0);
}

// An upload asks before its body (Expect: 100-continue); no other request does, a JSON body of
// several KiB (where curl would add one by itself) included.
TEST(Http, OnlyUploadsSendExpectContinue) {
  TempDir tmp;
  std::string content = WriteNumbers(tmp.path / "clip.mp4", 256 << 10);
  TestServer api;
  std::mutex mu;
  std::map<std::string, std::string> expect;  // path → Expect header ("" when absent)
  auto record = [&](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard<std::mutex> lock(mu);
    expect[req.path] = req.get_header_value("Expect");
    res.set_content("{}", "application/json");
  };
  api.server().Post("/upload", record);
  api.server().Post("/json", record);
  api.Start();
  Http http(OptionsFor(api));
  HttpRequest upload;
  upload.method = "POST";
  upload.url = api.Url("/upload");
  upload.parts.push_back(
      {(tmp.path / "clip.mp4").string(), "clip.mp4", "video/mp4", nullptr, nullptr});
  EXPECT_EQ(http.Send(upload).status, 200);
  HttpRequest json;
  json.method = "POST";
  json.url = api.Url("/json");
  json.headers = {"Content-Type: application/json"};
  json.body = "{\"text\":\"" + std::string(8 << 10, 'x') + "\"}";
  EXPECT_EQ(http.Send(json).status, 200);
  std::lock_guard<std::mutex> lock(mu);
  EXPECT_EQ(expect["/upload"], "100-continue");
  EXPECT_EQ(expect.count("/json"), 1u);
  EXPECT_EQ(expect["/json"], "");
}

// A server that refuses an upload before its body (what a gateway's size or token check does)
// is answered like any other refusal: its status and body come back, no byte of the file is
// read for it and the route's handler never runs.
TEST(Http, UploadRefusedBeforeItsBodyIsTheAnswer) {
  TempDir tmp;
  WriteNumbers(tmp.path / "big.mp4", 16 << 20);
  TestServer api;
  std::atomic<int> handled{0};
  api.server().set_expect_100_continue_handler([](const httplib::Request&, httplib::Response& res) {
    res.status = 413;
    res.set_content(R"({"code":4002,"message":"file too large"})", "application/json");
    // httplib 0.11.4 writes no Content-Length on this path (the reply would end at close)
    res.set_header("Content-Length", std::to_string(res.body.size()));
    return 413;
  });
  api.server().Post("/upload", [&](const httplib::Request&, httplib::Response&) { ++handled; });
  api.Start();
  Http http(OptionsFor(api));
  HttpRequest request;
  request.method = "POST";
  request.url = api.Url("/upload");
  int64_t read = 0;
  request.parts.push_back({(tmp.path / "big.mp4").string(), "big.mp4", "video/mp4",
                           [&](std::string_view chunk) { read += chunk.size(); }, nullptr});
  HttpResponse response = http.Send(request);
  EXPECT_EQ(response.status, 413);
  EXPECT_NE(response.body.find("4002"), std::string::npos) << response.body;
  EXPECT_EQ(read, 0);
  EXPECT_EQ(handled, 0);
}

// A 429 before the body is waited out once, and the upload sent again reads the file from its
// first byte: on_rewind, then every byte once, in order.
TEST(Http, UploadRateLimitedBeforeItsBodyIsSentAgainFromTheStart) {
  TempDir tmp;
  std::string content = WriteNumbers(tmp.path / "clip.mp4", 3 << 20);
  TestServer api;
  std::atomic<int> asked{0};
  std::mutex mu;
  std::string got;
  api.server().set_expect_100_continue_handler(
      [&](const httplib::Request&, httplib::Response& res) {
        if (++asked > 1) return 100;
        res.status = 429;
        res.set_header("Retry-After", "0");
        res.set_content(R"({"code":429,"message":"slow down"})", "application/json");
        res.set_header("Content-Length", std::to_string(res.body.size()));
        return 429;
      });
  api.server().Post("/upload", [&](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard<std::mutex> lock(mu);
    if (req.has_file("files")) got = req.get_file_value("files").content;
    res.set_content(R"({"code":0})", "application/json");
  });
  api.Start();
  Http http(OptionsFor(api));
  HttpRequest request;
  request.method = "POST";
  request.url = api.Url("/upload");
  std::string read_back;
  int rewinds = 0;
  request.parts.push_back({(tmp.path / "clip.mp4").string(), "clip.mp4", "video/mp4",
                           [&](std::string_view chunk) { read_back.append(chunk); },
                           [&] {
                             read_back.clear();
                             ++rewinds;
                           }});
  EXPECT_EQ(http.Send(request).status, 200);
  EXPECT_EQ(asked, 2);
  EXPECT_GE(rewinds, 2);
  EXPECT_TRUE(read_back == content) << "on_read saw " << read_back.size() << " bytes";
  std::lock_guard<std::mutex> lock(mu);
  EXPECT_TRUE(got == content) << "uploaded " << got.size() << " bytes of " << content.size();
}

// resume_from asks for the rest of the file with a Range header.
TEST(Http, ResumeFromSendsARangeHeader) {
  TestServer api;
  std::mutex mu;
  std::string range;
  api.server().Get("/file", [&](const httplib::Request& req, httplib::Response& res) {
    {
      std::lock_guard<std::mutex> lock(mu);
      range = req.get_header_value("Range");
    }
    res.set_content("0123456789", "application/octet-stream");
  });
  api.Start();
  Http http(OptionsFor(api));
  HttpRequest request = GetRequest(api.Url("/file"));
  request.resume_from = 4;
  HttpResponse response = http.Send(request);
  EXPECT_EQ(response.status, 206);
  EXPECT_EQ(response.body, "456789");
  std::lock_guard<std::mutex> lock(mu);
  EXPECT_EQ(range, "bytes=4-");
}

// The verbose log shows requests and failures but never the token.
TEST(Http, VerboseLogNeverContainsTheToken) {
  TestServer api;
  HeaderLog log;
  log.Install(api.server());
  api.server().Get("/limited", [&](const httplib::Request&, httplib::Response& res) {
    res.status = 429;
    res.set_header("Retry-After", "1");
  });
  api.Start();
  RefusingPort refusing;
  nemo::HttpOptions options = OptionsFor(api);
  options.verbose = true;
  Http http(options);
  testing::internal::CaptureStderr();
  http.Send(GetRequest(api.Url("/echo")));
  http.Send(GetRequest(api.Url("/limited")));
  try {
    http.Send(GetRequest("http://127.0.0.1:" + std::to_string(refusing.port) + "/x"));
  } catch (const nemo::Error&) {
  }
  std::string err = testing::internal::GetCapturedStderr();
  EXPECT_EQ(log.Get("Authorization"), std::string("Bearer ") + kToken);
  EXPECT_NE(err.find("GET"), std::string::npos);
  EXPECT_NE(err.find("/echo"), std::string::npos);
  EXPECT_EQ(err.find("UnitTestSecret42"), std::string::npos);
}

// RedactSecrets hides nmv_usr_ tokens and Bearer values, and leaves other text alone.
TEST(Http, RedactSecretsHidesTokens) {
  std::string out =
      nemo::RedactSecrets("token nmv_usr_abc.DEF-123 and Authorization: Bearer xyz/789+= end");
  EXPECT_EQ(out.find("abc.DEF-123"), std::string::npos);
  EXPECT_EQ(out.find("xyz/789"), std::string::npos);
  EXPECT_NE(out.find("nmv_usr_"), std::string::npos);
  EXPECT_NE(out.find("Bearer "), std::string::npos);
  EXPECT_NE(out.find(" end"), std::string::npos);
  EXPECT_EQ(nemo::RedactSecrets("nothing secret here"), "nothing secret here");
}

// Origins make default ports explicit, so http://h and http://h:80 are one origin.
TEST(Http, UrlOriginMakesDefaultPortsExplicit) {
  EXPECT_EQ(nemo::UrlOrigin("https://Api.Example.com/x"), "https://api.example.com:443");
  EXPECT_EQ(nemo::UrlOrigin("http://127.0.0.1/a"), nemo::UrlOrigin("http://127.0.0.1:80/b"));
  EXPECT_NE(nemo::UrlOrigin("http://127.0.0.1:8080"), nemo::UrlOrigin("http://localhost:8080"));
}
