#include "render_job.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <random>

#include "envelope.h"
#include "error.h"
#include "wait.h"

namespace nemo {

using nlohmann::json;
using ms = std::chrono::milliseconds;

namespace {

std::string StringOf(const json& object, std::initializer_list<const char*> keys) {
  if (!object.is_object()) return "";
  for (const char* key : keys) {
    auto it = object.find(key);
    if (it == object.end()) continue;
    if (it->is_string() && !it->get_ref<const std::string&>().empty())
      return it->get<std::string>();
    if (it->is_number_integer()) return std::to_string(it->get<long long>());
  }
  return "";
}

std::string ReasonOf(const json& job) {
  for (const char* key : {"error", "reason", "errorMessage", "error_message", "message"}) {
    auto it = job.find(key);
    if (it == job.end() || it->is_null()) continue;
    if (it->is_string() && !it->get_ref<const std::string&>().empty())
      return it->get<std::string>();
    if (it->is_object()) {
      std::string nested = StringOf(*it, {"message", "msg", "detail", "reason"});
      if (!nested.empty()) return nested;
    }
  }
  return "";
}

int ProgressOf(const json& job) {
  auto it = job.find("progress");
  if (it == job.end()) return -1;
  double value = -1;
  if (it->is_number()) {
    value = it->get<double>();
  } else if (it->is_string()) {
    try {
      value = std::stod(it->get<std::string>());
    } catch (...) {
      return -1;
    }
  }
  if (!std::isfinite(value) || value < 0) return -1;
  return static_cast<int>(std::min(value, 100.0));
}

// A reply is a job itself when it carries a status; else its data/job member may be.
const json& JobObject(const json& reply) {
  if (reply.is_object() && !reply.contains("status")) {
    for (const char* key : {"data", "job", "render"}) {
      auto it = reply.find(key);
      if (it != reply.end() && it->is_object()) return *it;
    }
  }
  return reply;
}

bool Transient(const Error& e) {
  int code = e.exit_code();
  return code == kExitNetwork || code == kExitBadResponse || code == kExitRateLimited ||
         code == kExitTimeout;
}

}  // namespace

bool RenderJob::terminal() const {
  return status == "completed" || status == "failed" || status == "cancelled";
}

std::string NormalizeStatus(std::string status) {
  std::transform(status.begin(), status.end(), status.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  if (status == "succeeded" || status == "success" || status == "done" || status == "finished" ||
      status == "complete") {
    return "completed";
  }
  if (status == "error" || status == "errored" || status == "failure") return "failed";
  if (status == "canceled") return "cancelled";
  if (status == "queued" || status == "waiting" || status == "submitted") return "pending";
  if (status == "running" || status == "rendering" || status == "in_progress" ||
      status == "progress") {
    return "processing";
  }
  return status;
}

RenderJob ParseRenderJob(const json& reply, const std::string& fallback_id) {
  const json& job = JobObject(reply);
  RenderJob out;
  out.id = StringOf(job, {"render_id", "renderId", "id"});
  if (out.id.empty()) out.id = StringOf(reply, {"render_id", "renderId", "id"});
  if (out.id.empty()) out.id = fallback_id;
  out.status = NormalizeStatus(StringOf(job, {"status", "state"}));
  out.progress = ProgressOf(job);
  out.url = StringOf(job, {"outputUrl", "output_url", "downloadUrl", "download_url", "url"});
  if (out.url.empty() && job.contains("output")) {
    const json& output = job["output"];
    out.url =
        output.is_string() ? output.get<std::string>() : StringOf(output, {"url", "outputUrl"});
  }
  if (out.status == "completed") out.progress = 100;
  if (out.status == "failed" || out.status == "cancelled") out.reason = ReasonOf(job);
  return out;
}

std::string NewRenderId() {
  static std::mt19937_64 rng(std::random_device{}());
  auto now = std::chrono::duration_cast<ms>(std::chrono::system_clock::now().time_since_epoch());
  char random[9];
  std::snprintf(random, sizeof random, "%08x", static_cast<unsigned>(rng() & 0xffffffffu));
  return "render_" + std::to_string(now.count()) + "_" + random;
}

json RenderSubmitBody(const std::string& id, const std::string& session_id, const json& draft,
                      const std::string& format, const std::string& quality) {
  return {{"id", id},
          {"sessionId", session_id},
          {"draft", draft},
          {"output", {{"format", format}, {"quality", quality}}}};
}

PollPlanner::PollPlanner(ms base, double factor, ms max)
    : base_(base), backoff_(base, factor, max) {}

ms PollPlanner::First() { return backoff_.Next(); }

ms PollPlanner::Next(ms elapsed, const RenderJob& job, ms retry_after) {
  ms delay = backoff_.Next();
  if (predicted_ && !job.terminal()) ++overdue_;
  predicted_ = false;

  double t = static_cast<double>(elapsed.count());
  if (job.status == "pending") {
    saw_pending_ = true;
    have_origin_ = false;
  } else if (job.status == "processing" && job.progress > 0 && job.progress < 100) {
    double p = job.progress;
    if (!have_origin_) {
      // A job seen processing at once started at the submit; one that queued starts now.
      origin_t_ = saw_pending_ ? t : 0;
      origin_p_ = saw_pending_ ? p : 0;
      have_origin_ = true;
    }
    if (p > origin_p_ && t > origin_t_) {
      double rate = (p - origin_p_) / (t - origin_t_);  // percent per ms
      double eta = (100.0 - p) / rate;
      // Each prediction that came too early makes the next shortcut wait longer.
      double floor = static_cast<double>(std::min<ms>(base_, ms(500)).count()) *
                     std::pow(1.5, std::min(overdue_, 20));
      ms predicted(static_cast<long long>(std::max(eta + 250.0, floor)));
      if (predicted < delay) {
        delay = predicted;
        predicted_ = true;
      }
    }
  }
  // The server's Retry-After wins over both.
  return std::max(delay, retry_after);
}

json RenderClient::Exchange(HttpRequest request, ms* retry_after) {
  // The top-level job shape is a plain object whose "error" member is the job's, not the reply's.
  Api::Reply reply = api_.Exchange(std::move(request), Plain::kJob);
  if (retry_after) {
    *retry_after = ParseRetryAfter(reply.http.Header("retry-after")).value_or(ms(0));
  }
  return reply.payload;
}

RenderJob RenderClient::Submit(const std::string& session_id, const json& draft,
                               const std::string& format, const std::string& quality,
                               const std::function<void(const std::string&)>& before_send) {
  for (int attempt = 0;; ++attempt) {
    // A new id each time: the first one may exist on the server already (a lost answer).
    std::string id = NewRenderId();
    if (before_send) before_send(id);
    HttpRequest request;
    request.method = "POST";
    request.url = api_.Url(paths::kRenderStart);
    request.headers = {"Content-Type: application/json"};
    request.body = RenderSubmitBody(id, session_id, draft, format, quality).dump();
    request.timeout_ms = 120000;
    try {
      RenderJob job = ParseRenderJob(Exchange(std::move(request), nullptr), id);
      if (job.status.empty()) job.status = "pending";
      return job;
    } catch (const Error& e) {
      // Only a lost answer (the network, a 5xx) or an unusable one is sent again: an error
      // envelope on HTTP 200 or a 4xx is the service refusing this submit, and another would
      // be refused all the same.
      bool lost = e.exit_code() == kExitNetwork || e.exit_code() == kExitTimeout ||
                  e.http_status() >= 500 ||
                  (e.exit_code() == kExitBadResponse && e.http_status() < 400 && e.api_code() == 0);
      if (attempt == 0 && lost) continue;
      throw;
    }
  }
}

RenderJob RenderClient::Poll(const std::string& id, ms* retry_after) {
  HttpRequest request;
  request.url = api_.Url(paths::RenderJob(id));
  request.idempotent = true;
  request.timeout_ms = 60000;
  ++polls_;
  return ParseRenderJob(Exchange(std::move(request), retry_after), id);
}

void RenderClient::Cancel(const std::string& id) {
  HttpRequest request;
  request.method = "POST";
  request.url = api_.Url(paths::RenderCancel(id));
  request.connect_timeout_ms = 3000;
  request.timeout_ms = 5000;
  request.never_retry = true;
  try {
    Exchange(std::move(request), nullptr);
  } catch (const Error&) {
    // Best effort: the user is leaving; the job's fate is reported by the caller's message.
  }
}

RenderJob RenderClient::Follow(RenderJob job, const FollowOptions& options) {
  return Watch(std::move(job), options, false);
}

RenderJob RenderClient::Look(const std::string& id, const FollowOptions& options) {
  RenderJob job;
  job.id = id;
  return Watch(std::move(job), options, true);
}

RenderJob RenderClient::Watch(RenderJob job, const FollowOptions& options, bool look) {
  using Clock = std::chrono::steady_clock;
  auto start = Clock::now();
  auto deadline = start + options.timeout;
  PollPlanner planner(PollBase(options.base), options.factor, options.max);
  ms wait = look ? ms(0) : planner.First();
  int failures = 0;
  for (;;) {
    if (job.status == "completed") return job;
    if (job.status == "failed") {
      throw Error(kExitJobFailed,
                  "render " + job.id + " failed" + (job.reason.empty() ? "" : ": " + job.reason),
                  "nothing was downloaded; try again, or change the draft with `nemo-send`");
    }
    if (job.status == "cancelled") {
      throw Error(kExitJobFailed, "render " + job.id + " was cancelled" +
                                      (job.reason.empty() ? "" : ": " + job.reason));
    }
    auto now = Clock::now();
    if (now >= deadline) {
      throw Error(kExitTimeout,
                  "render " + job.id + " is still " +
                      (job.status.empty() ? "running" : job.status) + " after " +
                      FormatDuration(options.timeout) + "; the job was left running on the server",
                  "export again with a longer --timeout (e.g. --timeout 1h)");
    }
    SleepOrInterrupt(std::min(wait, std::chrono::duration_cast<ms>(deadline - now)));
    ms retry_after(0);
    auto elapsed = [&] { return std::chrono::duration_cast<ms>(Clock::now() - start); };
    try {
      RenderJob next = Poll(job.id, &retry_after);
      if (next.url.empty()) next.url = job.url;
      job = next;
      failures = 0;
    } catch (const Error& e) {
      bool answer = look && e.http_status() == 404;  // the service does not know the job
      if (answer || !Transient(e) || ++failures > 5) throw;
      wait = planner.Next(elapsed(), job, retry_after);
      continue;
    }
    if (look) return job;
    if (options.on_update) options.on_update(job);
    wait = planner.Next(elapsed(), job, retry_after);
  }
}

}  // namespace nemo
