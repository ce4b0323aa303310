// Waiting between polls: a growing delay (base, ×factor, capped), the NEMO_POLL_BASE_MS override
// that lets tests shorten it, and a sleep that Ctrl-C ends at once.
#pragma once

#include <chrono>
#include <string>

namespace nemo {

class Backoff {
 public:
  using ms = std::chrono::milliseconds;
  Backoff(ms base, double factor, ms max) : next_(base), factor_(factor), max_(max) {}
  // The delay to wait now; the one after it is `factor` times longer, up to `max`.
  ms Next();

 private:
  ms next_;
  double factor_;
  ms max_;
};

// `fallback`, or NEMO_POLL_BASE_MS when it is set to a positive number (tests, benchmarks).
std::chrono::milliseconds PollBase(std::chrono::milliseconds fallback);

// Sleeps in short steps; throws Error(130 or 143) as soon as SIGINT/SIGTERM arrives.
void SleepOrInterrupt(std::chrono::milliseconds duration);

// "800 ms", "12 s", "30 min", "1 h 30 min": for messages.
std::string FormatDuration(std::chrono::milliseconds duration);

}  // namespace nemo
