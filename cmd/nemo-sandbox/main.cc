// nemo-sandbox: a local server that fakes the NemoVideo API for offline use, demos and tests.
// main() reads the flags, starts the API and CDN listeners, prints the ready line and waits for
// SIGTERM/SIGINT; everything else lives in the files named in routes.h.
#include <fcntl.h>
#include <httplib.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <future>
#include <iostream>
#include <thread>

#include "daemon.h"
#include "exit_code.h"
#include "log.h"
#include "render.h"
#include "renders.h"
#include "routes.h"
#include "sandbox.h"

namespace {

using sandbox::Options;

[[noreturn]] void Die(int code, const std::string& msg) {
  std::fprintf(stderr, "nemo-sandbox: %s\n", msg.c_str());
  std::exit(code);
}

struct Flags {
  Options opt;
  std::string work_time = "2s", render_time = "2s", token_ttl = "7d", max_upload = "500MiB";
  std::string keepalive_interval = "1s";
  std::vector<std::string> faults;
  bool allow_remote = false;
  bool host_given = false;
  bool daemon = false, stop = false, list_faults = false, verbose = false;
  std::string log;  // --log FILE: the request log and messages go there
};

// CLI11 puts a blank line before the footer already.
const char* kFooter =
    R"FOOTER(Durations: 500ms, 2s, 1m, 1h, 7d or plain seconds. Sizes: 500MiB, 10MB, 1k or plain bytes.
Faults: --fault NAME[=VALUE] or /_sandbox/faults (--list-faults names them); see nemo-sandbox(1).

Examples:
  eval "$(nemo-sandbox --daemon --work-time 300ms)"  # sets NEMO_API_URL and NEMO_SANDBOX_PID
  nemo-sandbox --stop
)FOOTER";

void Parse(int argc, char** argv, Flags& f) {
  CLI::App app{"A local fake of the NemoVideo API (scripted agent, ffmpeg renderer, faults)",
               "nemo-sandbox"};
  app.set_version_flag("--version", "nemo-sandbox " NEMO_SANDBOX_VERSION);
  auto* host = app.add_option("--host", f.opt.host, "Address to listen on (loopback only)")
                   ->type_name("ADDR")
                   ->default_str("127.0.0.1");
  app.add_flag("--allow-remote", f.allow_remote,
               "With --host: allow an address that is not loopback (no TLS, no real auth!)");
  app.add_option("--port", f.opt.port, "API port; 0 picks a free one")
      ->type_name("PORT")
      ->default_str("0")
      ->check(CLI::Range(0, 65535));
  app.add_option("--cdn-port", f.opt.cdn_port, "CDN port; 0 picks a free one")
      ->type_name("PORT")
      ->default_str("0")
      ->check(CLI::Range(0, 65535));
  app.add_option("--state-dir", f.opt.state_dir,
                 "Keep uploads and renders here (default: a temporary directory removed at exit)")
      ->type_name("DIR");
  app.add_option("--work-time", f.work_time,
                 "Raw-video stage of a generation; post-production and edits take half")
      ->type_name("DURATION")
      ->default_str("2s");
  app.add_option("--render-time", f.render_time, "Minimum time an export takes")
      ->type_name("DURATION")
      ->default_str("2s");
  app.add_option("--render-cache", f.opt.render_cache,
                 "Keep finished renders in DIR and reuse them for the same draft and inputs")
      ->type_name("DIR");
  app.add_option("--token-ttl", f.token_ttl, "Lifetime of anonymous tokens")
      ->type_name("DURATION")
      ->default_str("7d");
  app.add_option("--credits", f.opt.credits,
                 "Credits of each new user (a real anonymous account has 100)")
      ->type_name("N")
      ->default_str("10000")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--max-upload", f.max_upload, "Largest accepted upload file (error 4002 above)")
      ->type_name("SIZE")
      ->default_str("500MiB");
  app.add_option("--keepalive-interval", f.keepalive_interval,
                 "Keep-alive period while a run works")
      ->type_name("DURATION")
      ->default_str("1s");
  app.add_option("--keepalive", f.opt.keepalive, "Keep-alive style: comment, empty or heartbeat")
      ->type_name("STYLE")
      ->default_str("comment")
      ->check(CLI::IsMember({"comment", "empty", "heartbeat"}));
  app.add_option("--dialect", f.opt.dialect, "Event dialect of /run_sse: adk or typed")
      ->type_name("DIALECT")
      ->default_str("adk")
      ->check(CLI::IsMember({"adk", "typed"}));
  app.add_option("--fault", f.faults, "Switch a fault on (repeatable; see below)")
      ->type_name("NAME[=VALUE]");
  app.add_flag("--quiet", f.opt.quiet, "No request log on stderr");
  app.add_flag("--daemon", f.daemon,
               "Run in the background; once listening print shell lines setting NEMO_API_URL "
               "and NEMO_SANDBOX_PID (eval them); quiet unless --log or -v");
  app.add_flag("--stop", f.stop, "Stop the sandbox NEMO_SANDBOX_PID names, and exit");
  app.add_option("--log", f.log, "Append the request log and messages to FILE")->type_name("FILE");
  app.add_flag("-v,--verbose", f.verbose, "With --daemon: keep the request log on stderr");
  app.add_flag("--list-faults", f.list_faults,
               "Print every fault as NAME<TAB>description, and exit");
  app.footer(kFooter);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    std::exit(app.exit(e));
  } catch (const CLI::CallForVersion& e) {
    std::exit(app.exit(e));
  } catch (const CLI::ParseError& e) {
    Die(nemo::kExitUsage, e.what());
  }
  f.host_given = host->count() > 0;
  if (f.list_faults) {
    sandbox::ListFaults();
    std::exit(nemo::kExitOk);
  }
  if (f.stop) std::exit(sandbox::StopDaemon());
  // A daemon's stderr is /dev/null: a request log would go nowhere, so do not write one.
  if (f.daemon && f.log.empty() && !f.verbose) f.opt.quiet = true;
  auto duration = [](const std::string& name, const std::string& text) {
    auto d = sandbox::ParseDuration(text);
    if (!d) Die(nemo::kExitUsage, name + ": not a duration: " + text + " (e.g. 500ms, 2s, 1m)");
    return *d;
  };
  f.opt.work_time = duration("--work-time", f.work_time);
  f.opt.render_time = duration("--render-time", f.render_time);
  f.opt.token_ttl = duration("--token-ttl", f.token_ttl);
  f.opt.keepalive_interval = duration("--keepalive-interval", f.keepalive_interval);
  if (f.opt.keepalive_interval.count() < 10) {
    Die(nemo::kExitUsage, "--keepalive-interval: at least 10ms");
  }
  auto size = sandbox::ParseSize(f.max_upload);
  if (!size || *size == 0) Die(nemo::kExitUsage, "--max-upload: not a size: " + f.max_upload);
  f.opt.max_upload = *size;
  bool loopback = f.opt.host == "127.0.0.1" || f.opt.host == "localhost" || f.opt.host == "::1";
  if (!loopback && !(f.host_given && f.allow_remote)) {
    Die(nemo::kExitUsage,
        "--host " + f.opt.host +
            ": refusing to listen beyond loopback (add --allow-remote to insist)");
  }
}

std::string UrlHost(const std::string& host) {
  if (host == "localhost" || host == "0.0.0.0") return "127.0.0.1";
  if (host.find(':') != std::string::npos) return "[" + (host == "::" ? "::1" : host) + "]";
  return host;
}

void Configure(httplib::Server& svr) {
  // SSE streams hold a thread each for minutes, and the tests run 16 pipelines at once.
  svr.new_task_queue = [] { return new httplib::ThreadPool(64); };
  // httplib's default also sets SO_REUSEPORT, which lets a second sandbox bind a port that is
  // in use and silently share it. SO_REUSEADDR alone still allows a quick restart.
  svr.set_socket_options([](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  svr.set_tcp_nodelay(true);
  svr.set_keep_alive_max_count(100);
}

std::string MakeStateDir(Options& opt, bool* temporary) {
  std::error_code ec;
  if (!opt.state_dir.empty()) {
    *temporary = false;
    std::filesystem::create_directories(opt.state_dir, ec);
    if (ec) Die(nemo::kExitUsage, "--state-dir " + opt.state_dir + ": " + ec.message());
    return std::filesystem::absolute(opt.state_dir).string();
  }
  const char* tmp = std::getenv("TMPDIR");
  std::string templ = std::string(tmp && *tmp ? tmp : "/tmp") + "/nemo-sandbox.XXXXXX";
  if (!mkdtemp(templ.data())) Die(nemo::kExitInternal, "cannot create a temporary directory");
  *temporary = true;
  return templ;
}

}  // namespace

int main(int argc, char** argv) {
  Flags f;
  Parse(argc, argv, f);
  if (f.daemon) sandbox::CloseInheritedFds();
  int log_fd = -1;
  if (!f.log.empty()) {
    log_fd = open(f.log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (log_fd < 0) Die(nemo::kExitUsage, "--log " + f.log + ": " + std::strerror(errno));
    if (!f.daemon) {  // a daemon moves its stderr there once it has forked
      dup2(log_fd, STDERR_FILENO);
      close(log_fd);
      log_fd = -1;
    }
  }

  // Signals go to the sigwait below, not to whichever thread happens to run.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  signal(SIGPIPE, SIG_IGN);  // a client gone mid-stream is an error return, not death

  bool temporary = false;
  std::string state_dir = MakeStateDir(f.opt, &temporary);
  std::error_code ec;
  std::filesystem::create_directories(state_dir + "/uploads", ec);
  std::filesystem::create_directories(state_dir + "/renders", ec);
  if (!f.opt.render_cache.empty()) {  // refused at start, not found out at the first render
    std::filesystem::create_directories(f.opt.render_cache, ec);
    if (ec || access(f.opt.render_cache.c_str(), W_OK | X_OK) != 0) {
      Die(nemo::kExitUsage, "--render-cache " + f.opt.render_cache + ": " +
                                (ec ? ec.message() : std::string("not a writable directory")));
    }
  }

  sandbox::Sandbox sb(f.opt);
  sandbox::Renders renders(sb);
  sb.renders = &renders;
  sb.state_dir = state_dir;
  sb.font = sandbox::FindFont();
  for (const auto& flag : f.faults) {
    nlohmann::json patch;
    std::string error = sandbox::Faults::ParseFlag(flag, &patch);
    bool expire = false;
    if (error.empty()) error = sb.faults.Merge(patch, &expire);
    if (!error.empty()) {
      if (temporary) std::filesystem::remove_all(state_dir, ec);
      Die(nemo::kExitUsage, "--fault " + flag + ": " + error);
    }
  }

  httplib::Server api, cdn;
  Configure(api);
  Configure(cdn);
  api.set_pre_routing_handler([](const httplib::Request& req, httplib::Response&) {
    sandbox::MarkRequestStart();
    // httplib 0.11.4 reads a POST without Content-Length or Transfer-Encoding until the client
    // closes (5 s later, then 400). HTTP/1.1 says such a request has no body: say so for it.
    if (!req.has_header("Content-Length") && !req.has_header("Transfer-Encoding")) {
      const_cast<httplib::Request&>(req).set_header("Content-Length", "0");
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });
  // A JSON body of the wrong shape (a number where a string belongs) makes nlohmann throw in a
  // handler: that is the client's mistake, so 400 in the API's envelope, not httplib's bare 500.
  api.set_exception_handler(
      [](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
        int http = 500;
        std::string msg = "internal error";
        try {
          std::rethrow_exception(ep);
        } catch (const nlohmann::json::exception& e) {
          http = 400;
          msg = std::string("bad request: ") + e.what();
        } catch (const std::exception& e) {
          msg += std::string(": ") + e.what();
        } catch (...) {
        }
        res.status = http;
        res.set_content(nlohmann::json{{"code", http}, {"message", msg}, {"data", nullptr}}.dump(),
                        "application/json");
      });
  sandbox::InstallLogger(api, sb, "");
  sandbox::InstallLogger(cdn, sb, "cdn ");
  sandbox::AddApiRoutes(api, sb);
  sandbox::AddUploadRoutes(api, sb);
  sandbox::AddSseRoutes(api, sb);
  sandbox::AddRenderRoutes(api, sb);
  sandbox::AddControlRoutes(api, sb);
  sandbox::AddCdnRoutes(cdn, sb);

  std::string bind_host = f.opt.host == "localhost" ? "127.0.0.1" : f.opt.host;
  auto bind = [&](httplib::Server& svr, int port, const char* what) {
    int bound = port == 0 ? svr.bind_to_any_port(bind_host)
                          : (svr.bind_to_port(bind_host, port) ? port : -1);
    if (bound <= 0) {
      if (temporary) std::filesystem::remove_all(state_dir, ec);
      std::string addr =
          (bind_host.find(':') != std::string::npos ? "[" + bind_host + "]" : bind_host) + ":" +
          std::to_string(port);
      std::string why = port == 0 ? "" : sandbox::BindError(bind_host, port);
      if (why.empty()) why = "no free port";
      std::fprintf(stderr, "nemo-sandbox: cannot listen on %s: %s\n", addr.c_str(), why.c_str());
      std::string flag = std::string(what) == "API" ? "--port" : "--cdn-port";
      std::fprintf(stderr,
                   "hint: that is the %s port; another program (another nemo-sandbox?) may hold "
                   "it: give another %s, or %s 0 to pick a free one\n",
                   what, flag.c_str(), flag.c_str());
      std::exit(nemo::kExitInternal);
    }
    return bound;
  };
  int api_port = bind(api, f.opt.port, "API");
  int cdn_port = bind(cdn, f.opt.cdn_port, "CDN");
  sb.api_url = "http://" + UrlHost(f.opt.host) + ":" + std::to_string(api_port);
  bool remote = UrlHost(f.opt.host) != "127.0.0.1";
  sb.cdn_url = "http://" + (remote ? UrlHost(f.opt.host) : std::string("localhost")) + ":" +
               std::to_string(cdn_port);

  // httplib 0.11.4 gives up listening on any accept() error but EMFILE (ECONNABORTED, ENOBUFS
  // ...): a test suite would see "connection refused" for the rest of the run. Listen again on
  // the same port instead, and say so even with --quiet.
  auto serve = [&](httplib::Server& svr, int port, const char* what) {
    while (true) {
      svr.listen_after_bind();
      if (sb.stopping) return;
      std::fprintf(stderr, "nemo-sandbox: the %s listener stopped; listening again\n", what);
      while (!sb.stopping && !svr.bind_to_port(bind_host, port)) sb.Sleep(sandbox::Millis(100));
      if (sb.stopping) return;
    }
  };
  if (f.daemon) sandbox::Daemonize(sb.api_url, log_fd);
  std::thread api_thread([&] { serve(api, api_port, "API"); });
  std::thread cdn_thread([&] { serve(cdn, cdn_port, "CDN"); });
  // Bound sockets already listen (connections queue in the backlog), so this line is the truth.
  // (A daemon's stdout is /dev/null: its parent printed the shell lines instead.)
  std::printf("%s\n", nlohmann::json{{"api", sb.api_url}, {"cdn", sb.cdn_url}}.dump().c_str());
  std::fflush(stdout);

  int sig = 0;
  sigwait(&stop_signals, &sig);

  sb.stopping = true;
  sb.stop_cv.notify_all();
  renders.KillAll();
  // Stopping joins the worker threads; an upload still trickling in could hold one for a
  // while, so give them a moment and then leave anyway.
  auto stopped = std::async(std::launch::async, [&] {
    api.stop();
    cdn.stop();
    api_thread.join();
    cdn_thread.join();
  });
  stopped.wait_for(std::chrono::seconds(3));
  if (temporary) std::filesystem::remove_all(state_dir, ec);
  std::fflush(stderr);
  // Detached run and render threads may still hold references into `sb`: skip destructors.
  std::_Exit(nemo::kExitOk);
}
