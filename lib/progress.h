// A one-line progress bar on stderr (bytes, rate, ETA), redrawn at most ten times a second.
// Shown on a terminal unless --quiet, or anywhere when forced (--progress).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace nemo {

// The rule every program follows: on a terminal unless quiet; `forced` (--progress) always.
bool ProgressWanted(bool quiet, bool forced);

class ProgressBar {
 public:
  // `total` <= 0 means unknown (no percentage or ETA). `unit` "bytes" or "%".
  ProgressBar(std::string label, int64_t total, bool enabled, bool bytes = true);
  ~ProgressBar();
  void SetLabel(std::string label);
  void SetTotal(int64_t total) { total_ = total; }
  void Update(int64_t done);
  void Finish();  // draws the final state and ends the line

 private:
  void Draw(bool final);
  std::string label_;
  int64_t total_;
  int64_t done_ = 0;
  bool enabled_;
  bool bytes_;
  bool finished_ = false;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
};

// "1.5 MiB", "612 MiB", "2.0 GiB"
std::string HumanBytes(double bytes);

}  // namespace nemo
