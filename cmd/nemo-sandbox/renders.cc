#include "renders.h"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <thread>

#include "proc.h"
#include "render.h"
#include "render_cache.h"

namespace sandbox {

using nlohmann::json;
namespace fs = std::filesystem;

namespace {

std::string LastLine(const std::string& path) {
  std::ifstream in(path);
  std::string line, last;
  while (std::getline(in, line)) {
    if (!line.empty()) last = line;
  }
  return last.size() > 300 ? last.substr(0, 300) : last;
}

}  // namespace

std::string Renders::OutPath(const std::string& id) const {
  return sb_.state_dir + "/renders/" + id + ".mp4";
}

std::optional<json> Renders::Submit(const std::string& id, const std::string& session_id,
                                    const std::string& user_id, const json& draft,
                                    const std::string& quality) {
  json view;
  {
    std::lock_guard lock(mu_);
    if (jobs_.count(id)) return std::nullopt;
    Job job;
    job.id = id;
    job.session_id = session_id;
    job.user_id = user_id;
    job.draft = draft;
    job.quality = quality;
    job.created_at = IsoTime(std::chrono::system_clock::now());
    jobs_[id] = job;
    view = ViewLocked(job);  // before the worker starts: a new job always answers "pending"
  }
  std::thread([this, id] {
    // A draft from a client can hold anything (a string where a number belongs...): an
    // exception here must fail this job, not terminate the sandbox.
    try {
      Work(id);
    } catch (const std::exception& e) {
      std::lock_guard lock(mu_);
      Job& job = jobs_.at(id);
      if (job.pid > 0) kill(job.pid, SIGKILL);
      Finish(job, "failed", std::string("invalid draft: ") + e.what());
    }
  }).detach();
  return view;
}

std::optional<json> Renders::View(const std::string& id, const std::string& user_id) {
  std::lock_guard lock(mu_);
  auto it = jobs_.find(id);
  if (it == jobs_.end() || it->second.user_id != user_id) return std::nullopt;
  return ViewLocked(it->second);
}

json Renders::ViewLocked(const Job& j) {
  int progress = 0;
  if (j.status == "completed") {
    progress = 100;
  } else if (j.status == "processing") {
    auto elapsed = std::chrono::duration_cast<Millis>(Clock::now() - j.started).count();
    auto total = std::max<int64_t>(j.render_time.count(), 1);
    progress = static_cast<int>(std::clamp<int64_t>(elapsed * 100 / total, 1, 99));
  }
  json v = {{"id", j.id},
            {"status", j.status},
            {"progress", progress},
            {"output_url", nullptr},
            {"created_at", j.created_at},
            {"completed_at", nullptr},
            {"error", nullptr}};
  if (j.status == "completed") v["output_url"] = sb_.cdn_url + "/renders/" + j.id + ".mp4";
  if (!j.completed_at.empty()) v["completed_at"] = j.completed_at;
  if (!j.error.empty()) v["error"] = j.error;
  return v;
}

bool Renders::Cancel(const std::string& id, const std::string& user_id) {
  std::lock_guard lock(mu_);
  auto it = jobs_.find(id);
  if (it == jobs_.end() || it->second.user_id != user_id) return false;
  Job& j = it->second;
  if (j.status == "pending" || j.status == "processing") {
    j.cancel = true;
    j.status = "cancelled";
    j.completed_at = IsoTime(std::chrono::system_clock::now());
    if (j.pid > 0) kill(j.pid, SIGKILL);
    cv_.notify_all();
  }
  return true;
}

json Renders::SessionRenders(const std::string& session_id) {
  std::lock_guard lock(mu_);
  std::vector<const Job*> done;
  for (const auto& [id, j] : jobs_) {
    if (j.session_id == session_id && j.status == "completed") done.push_back(&j);
  }
  std::sort(done.begin(), done.end(), [](const Job* a, const Job* b) {
    return a->completed_at != b->completed_at ? a->completed_at < b->completed_at : a->id < b->id;
  });
  json out = json::array();
  for (const Job* j : done) {
    out.push_back({{"id", j->id},
                   {"path", OutPath(j->id)},
                   {"seconds", j->seconds},
                   {"quality", j->quality},
                   {"completed_at", j->completed_at}});
  }
  return out;
}

std::string Renders::OutputPath(const std::string& id, const std::string& user_id) {
  std::lock_guard lock(mu_);
  auto it = jobs_.find(id);
  if (it == jobs_.end() || it->second.user_id != user_id || it->second.status != "completed") {
    return "";
  }
  return OutPath(id);
}

void Renders::KillAll() {
  std::lock_guard lock(mu_);
  for (auto& [id, j] : jobs_) {
    j.cancel = true;
    if (j.pid > 0) kill(j.pid, SIGKILL);
  }
  cv_.notify_all();
}

void Renders::Finish(Job& job, const std::string& status, const std::string& error) {
  if (job.status != "cancelled") {
    job.status = status;
    job.error = error;
    job.completed_at = IsoTime(std::chrono::system_clock::now());
  }
  auto it = active_.find(job.session_id);
  if (it != active_.end() && it->second == job.id) active_.erase(it);
  cv_.notify_all();
}

void Renders::Work(const std::string& id) {
  std::unique_lock lock(mu_);
  Job& job = jobs_.at(id);  // std::map references stay valid while other jobs come and go
  cv_.wait(lock, [&] { return job.cancel || sb_.stopping || !active_.count(job.session_id); });
  if (job.cancel || sb_.stopping) return;
  active_[job.session_id] = id;
  job.status = "processing";
  job.started = Clock::now();
  job.render_time = sb_.RenderTime();
  auto deadline = job.started + job.render_time;
  auto wait_until = [&](Clock::time_point t) {
    cv_.wait_until(lock, t, [&] { return job.cancel || sb_.stopping.load(); });
  };

  if (sb_.faults.Flag("fail_render")) {
    wait_until(job.started + job.render_time / 2);
    return Finish(job, "failed", "render failed: the renderer crashed (sandbox fault fail_render)");
  }
  std::string out = OutPath(id);
  std::string canned = sb_.faults.Str("render_file");
  if (!canned.empty()) {
    bool ok = LinkOrCopy(canned, out);
    return Finish(job, ok ? "completed" : "failed", ok ? "" : "cannot copy " + canned);
  }
  if (!OnPath("ffmpeg")) return Finish(job, "failed", "ffmpeg not found: install ffmpeg");

  Job copy = job;
  lock.unlock();
  std::string error = RunFfmpeg(copy, out);
  lock.lock();
  if (error.empty()) wait_until(deadline);
  if (job.cancel) {
    std::error_code ec;
    fs::remove(out, ec);
  }
  Finish(job, error.empty() ? "completed" : "failed", error);
}

std::string Renders::RunFfmpeg(Job job, const std::string& out) {
  std::string tmp = out + ".tmp";
  std::string log = sb_.state_dir + "/renders/" + job.id + ".log";
  std::string work = sb_.state_dir + "/renders/" + job.id;
  RenderCommand cmd = BuildRender(job.draft, tmp, sb_.font, work, job.quality);
  {
    std::lock_guard lock(mu_);
    jobs_.at(job.id).seconds = cmd.seconds;
  }
  std::string key = cache_.enabled() ? cache_.Key(cmd, tmp, work) : "";
  if (!key.empty() && cache_.Fetch(key, out)) return "";
  if (!cmd.title_path.empty()) std::ofstream(cmd.title_path) << cmd.title_text;
  pid_t pid;
  {
    std::lock_guard lock(mu_);
    if (jobs_.at(job.id).cancel) return "cancelled";
    pid = Spawn(cmd.argv, "", log);
    if (pid < 0) {
      return errno == ENOENT ? "ffmpeg not found: install ffmpeg"
                             : std::string("cannot start ffmpeg: ") + std::strerror(errno);
    }
    jobs_.at(job.id).pid = pid;
  }
  int rc = Wait(pid);
  {
    std::lock_guard lock(mu_);
    jobs_.at(job.id).pid = -1;
  }
  std::error_code ec;
  if (rc != 0) {
    fs::remove(tmp, ec);
    std::string why = LastLine(log);
    return "ffmpeg failed (exit " + std::to_string(rc) + ")" + (why.empty() ? "" : ": " + why);
  }
  fs::rename(tmp, out, ec);
  if (ec) return "cannot store the render: " + ec.message();
  if (!key.empty()) cache_.Keep(key, out);
  return "";
}

}  // namespace sandbox
