// Export jobs: queued per session (one render at a time per session, like the real service),
// run in the background, observable by polling, cancellable.
#pragma once

#include <sys/types.h>

#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "render_cache.h"
#include "sandbox.h"

namespace sandbox {

class Renders {
 public:
  explicit Renders(Sandbox& sb) : sb_(sb), cache_(sb.opt.render_cache) {}

  // The new job's view (see View), or nothing when the id is taken.
  std::optional<nlohmann::json> Submit(const std::string& id, const std::string& session_id,
                                       const std::string& user_id, const nlohmann::json& draft,
                                       const std::string& quality);
  // {"id","status","progress","output_url","created_at","completed_at","error"}, if the job
  // exists and belongs to the user.
  std::optional<nlohmann::json> View(const std::string& id, const std::string& user_id);
  bool Cancel(const std::string& id, const std::string& user_id);
  // The finished file of a completed job, or "".
  std::string OutputPath(const std::string& id, const std::string& user_id);
  // The completed renders of a session, oldest first: {"id","url","seconds","quality",
  // "completed_at"} (the claim page shows them).
  nlohmann::json SessionRenders(const std::string& session_id);
  // Kills every running ffmpeg (shutdown).
  void KillAll();

 private:
  struct Job {
    std::string id, session_id, user_id;
    nlohmann::json draft;
    std::string quality;             // low, medium or high
    std::string status = "pending";  // processing, completed, failed, cancelled
    std::string error, created_at, completed_at;
    double seconds = 0;  // the rendered length
    Clock::time_point started;
    Millis render_time{0};
    pid_t pid = -1;
    bool cancel = false;
  };

  void Work(const std::string& id);
  nlohmann::json ViewLocked(const Job& j);
  // Runs ffmpeg for the job; "" on success, else why it failed. Called without mu_ held.
  std::string RunFfmpeg(Job job, const std::string& out);
  void Finish(Job& job, const std::string& status, const std::string& error);
  std::string OutPath(const std::string& id) const;

  Sandbox& sb_;
  RenderCache cache_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::map<std::string, Job> jobs_;
  std::map<std::string, std::string> active_;  // session id → the job rendering for it
};

}  // namespace sandbox
