// Waiting, in one place: a monotonic clock, the growing delay between polls, the override that
// lets tests shorten it, the server's Retry-After, a sleep that Ctrl-C ends at once, and how a
// duration reads in a message. Runs (lib/run), state waits (lib/state), renders (lib/render_job)
// and the transport's retries (lib/http) all wait through it.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace nemo {

// Milliseconds on a monotonic clock.
long long MonotonicMs();

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

// `fallback`, or NEMO_POLL_BASE_MS when it is a positive number of milliseconds (tests,
// benchmarks); anything else in it is ignored.
std::chrono::milliseconds PollBase(std::chrono::milliseconds fallback);

// A Retry-After header's delay (RFC 9110 §10.2.3): delay-seconds, or an HTTP-date taken against
// `now` (a date in the past is no delay). Nothing for an empty or malformed value.
std::optional<std::chrono::milliseconds> ParseRetryAfter(
    std::string_view header,
    std::chrono::system_clock::time_point now = std::chrono::system_clock::now());

// Sleeps in short steps; throws Error(130 or 143, "interrupted", hint) as soon as SIGINT/SIGTERM
// arrives.
void SleepOrInterrupt(std::chrono::milliseconds duration, const std::string& hint = "");

// "800 ms", "12 s", "30 min", "1 h 30 min": for messages.
std::string FormatDuration(std::chrono::milliseconds duration);

}  // namespace nemo
