#include "poll.h"

#include <algorithm>
#include <cstdlib>
#include <thread>

#include "error.h"
#include "http.h"

namespace nemo {

Backoff::ms Backoff::Next() {
  ms now = std::min(next_, max_);
  next_ = std::min(max_, ms(static_cast<long long>(static_cast<double>(now.count()) * factor_)));
  return now;
}

std::chrono::milliseconds PollBase(std::chrono::milliseconds fallback) {
  if (const char* env = std::getenv("NEMO_POLL_BASE_MS"); env && *env) {
    long long value = std::atoll(env);
    if (value > 0) return std::chrono::milliseconds(value);
  }
  return fallback;
}

void SleepOrInterrupt(std::chrono::milliseconds duration) {
  auto until = std::chrono::steady_clock::now() + duration;
  for (;;) {
    ThrowIfInterrupted();
    auto now = std::chrono::steady_clock::now();
    if (now >= until) return;
    std::this_thread::sleep_for(
        std::min<std::chrono::steady_clock::duration>(until - now, std::chrono::milliseconds(50)));
  }
}

std::string FormatDuration(std::chrono::milliseconds duration) {
  long long ms = duration.count();
  if (ms < 1000) return std::to_string(ms) + " ms";
  long long s = ms / 1000;
  if (s < 120) return std::to_string(s) + " s";
  long long min = s / 60;
  if (min < 120) return std::to_string(min) + " min";
  // Appended: GCC 12 -O3 warns (-Wrestrict, a false alarm) on `" " + std::to_string(…) + …`.
  std::string text = std::to_string(min / 60);
  text.append(" h");
  if (min % 60) text.append(" ").append(std::to_string(min % 60)).append(" min");
  return text;
}

}  // namespace nemo
