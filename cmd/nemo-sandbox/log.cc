#include "log.h"

#include <cstdio>

namespace sandbox {

namespace {
// httplib handles a request on one pool thread from parsing to logging, so a thread-local
// start time needs no request id.
thread_local Clock::time_point request_start = Clock::now();
}  // namespace

void MarkRequestStart() { request_start = Clock::now(); }

void InstallLogger(httplib::Server& svr, Sandbox& sb, const std::string& prefix) {
  if (sb.opt.quiet) return;
  svr.set_logger([prefix](const httplib::Request& req, const httplib::Response& res) {
    auto ms = std::chrono::duration_cast<Millis>(Clock::now() - request_start).count();
    // Paths never carry tokens by design, but a confused client might put one there: redact.
    std::string line = prefix + req.method + " " + Redact(req.path) + " " +
                       std::to_string(res.status) + " " + std::to_string(ms) + "ms\n";
    std::fputs(line.c_str(), stderr);
  });
}

}  // namespace sandbox
