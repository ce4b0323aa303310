// An export job on the server: submitting it, following it with adaptive polling, cancelling it.
// The sources disagree on the job's shape (NEMOVIDEO-API.md, "disagree" item 1), so both
// `{"success":true,"data":{"id","status","progress","outputUrl"}}` and a top-level
// `{"status","output":{"url"}}` (with `render_id` in the submit reply) are understood.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "api.h"
#include "wait.h"

namespace nemo {

struct RenderJob {
  std::string id;
  std::string status;  // pending, processing, completed, failed, cancelled (normalized)
  int progress = -1;   // 0–100; -1 unknown
  std::string url;     // the download URL, once completed
  std::string reason;  // why it failed
  bool terminal() const;
};

// Reads a job from a reply in either shape; `fallback_id` when the reply names none.
RenderJob ParseRenderJob(const nlohmann::json& reply, const std::string& fallback_id);
// "succeeded" → "completed", "canceled" → "cancelled", "running" → "processing", …
std::string NormalizeStatus(std::string status);

// "render_<ms since epoch>_<8 random hex digits>": unique per call.
std::string NewRenderId();
nlohmann::json RenderSubmitBody(const std::string& id, const std::string& session_id,
                                const nlohmann::json& draft, const std::string& format,
                                const std::string& quality);

// The adaptive poll schedule: a backoff (first check after `base`, ×1.5, at most `max` apart),
// shortened to the completion time the job's progress predicts, never sooner than a
// server's Retry-After. Pure, so its decisions are unit-tested.
class PollPlanner {
 public:
  using ms = std::chrono::milliseconds;
  PollPlanner(ms base, double factor, ms max);
  // The first wait, right after the submit.
  ms First();
  // The wait after a poll that saw `job` `elapsed` after the submit.
  ms Next(ms elapsed, const RenderJob& job, ms retry_after = ms(0));

 private:
  ms base_;
  Backoff backoff_;
  bool have_origin_ = false;
  bool saw_pending_ = false;
  double origin_t_ = 0, origin_p_ = 0;
  int overdue_ = 0;         // predicted completions that had not happened yet
  bool predicted_ = false;  // the last wait was cut short by a prediction
};

struct FollowOptions {
  std::chrono::milliseconds timeout{30 * 60 * 1000};
  // The first look after 250 ms, each wait 1.5 times the last: a 500 ms render is noticed within
  // 0.3 s of its end, a 20 s one in at most 12 polls (the progress shortens the waits).
  std::chrono::milliseconds base{250};  // NEMO_POLL_BASE_MS overrides
  double factor = 1.5;
  std::chrono::milliseconds max{30000};
  std::function<void(const RenderJob&)> on_update;  // after every poll
};

class RenderClient {
 public:
  explicit RenderClient(Api& api) : api_(api) {}

  // POST /api/render/proxy/lambda with a fresh id; on a 5xx, an unusable answer or a network
  // failure, once more with a new id. HTTP 402 → Error(kExitPlanBlocked), not retried.
  // `before_send` gets each id before its request goes out (the journal records it).
  RenderJob Submit(const std::string& session_id, const nlohmann::json& draft,
                   const std::string& format, const std::string& quality,
                   const std::function<void(const std::string&)>& before_send = {});
  // One GET of the job; `retry_after` receives the server's Retry-After, if any.
  RenderJob Poll(const std::string& id, std::chrono::milliseconds* retry_after = nullptr);
  // POST …/cancel; best effort with a short timeout (it runs while the user waits on Ctrl-C).
  void Cancel(const std::string& id);
  // Polls until the job ends. `failed` → Error(kExitJobFailed) with the server's reason;
  // `cancelled` → Error(kExitJobFailed); timeout → Error(kExitTimeout), the job left running.
  // Brief failures (the network, a 5xx, a 429, an unusable answer) are waited out, up to five in
  // a row.
  RenderJob Follow(RenderJob job, const FollowOptions& options);
  // The job as the service sees it now (a re-run's first look at the render its journal names):
  // polled at once, brief failures waited out exactly as Follow does. A 404 is an answer: thrown
  // at once.
  RenderJob Look(const std::string& id, const FollowOptions& options);

  int polls() const { return polls_; }

 private:
  nlohmann::json Exchange(HttpRequest request, std::chrono::milliseconds* retry_after);
  // Follow and Look: polls until the job ends, or (`look`) until the first answer.
  RenderJob Watch(RenderJob job, const FollowOptions& options, bool look);
  Api& api_;
  int polls_ = 0;
};

}  // namespace nemo
