// What a person watching nemo-send sees on stderr while a run works: on a terminal a live line
// redrawn in place ("nemo-send: generating video… 0:42"); otherwise (a log file, CI) a
// "nemo-send: still working (4 min)" line every two minutes, so a long silence is not taken
// for a hang. --quiet silences both.
#pragma once

#include <cstdio>
#include <string>

#include <nlohmann/json.hpp>

namespace nemo {

// "generate_video" → "generating video", "edit_timeline" → "editing the timeline".
std::string ToolActivity(const std::string& tool_name);
// 42000 → "0:42", 3723000 → "1:02:03".
std::string ClockText(long long ms);

class StatusLine {
 public:
  enum class Mode { kOff, kLive, kPeriodic };
  // The rule: off when quiet; live when stderr is a terminal (NEMO_FORCE_TTY counts); else
  // periodic.
  static Mode Choose(bool quiet);

  StatusLine(std::string program, Mode mode, std::FILE* out = stderr,
             long long period_ms = 2 * 60 * 1000);
  ~StatusLine() { Clear(); }
  StatusLine(const StatusLine&) = delete;
  StatusLine& operator=(const StatusLine&) = delete;

  // A normalized event: updates what the run is doing.
  void Event(const nlohmann::json& event);
  // The time since the message was sent: redraws the live line when its text changes, or
  // prints the periodic line when one is due.
  void Tick(long long elapsed_ms);
  // Erases the live line (before other stderr output, and at the end).
  void Clear();

  const std::string& activity() const { return activity_; }

 private:
  std::string program_;
  Mode mode_;
  std::FILE* out_;
  long long period_ms_;
  long long next_periodic_ms_;
  long long elapsed_ms_ = 0;
  std::string activity_ = "waiting for the agent";
  std::string drawn_;  // the live line on screen now ("" when none)
};

}  // namespace nemo
