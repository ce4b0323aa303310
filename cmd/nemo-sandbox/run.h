// One agent run: a background thread that does the work and queues the events, independently of
// the HTTP connection that asked for it. A client that disconnects stops reading, not the run,
// which is how ADK behaves and why clients must never send a message twice.
#pragma once

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>

#include <nlohmann/json.hpp>

#include "sandbox.h"

namespace sandbox {

struct Run {
  std::mutex mu;
  std::condition_variable cv;
  std::deque<std::string> events;  // one-line JSON, one per SSE event, not yet sent
  bool finished = false;

  void Push(const nlohmann::json& event);
  void Finish();
};

struct RunRequest {
  std::string session_id, user_id, message;
  std::string dialect;  // adk | typed
  bool streaming = false;
  bool generation = false;  // the draft was empty: generate; otherwise edit
  int64_t cost = 0;         // frozen already; settled when the run ends
  int64_t flood = 0;        // > 0: a benchmark run of tiny events instead of the agent
};

// Starts the run's thread; it ends the run in the store and settles the credits when done.
void StartRun(Sandbox& sb, std::shared_ptr<Run> run, RunRequest request);

// The event for a run refused before it started (no credits), in the request's dialect.
nlohmann::json CreditsErrorEvent(const std::string& dialect, const std::string& message);

}  // namespace sandbox
