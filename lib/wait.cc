#include "wait.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <ctime>
#include <thread>

#include "interrupt.h"

namespace nemo {

long long MonotonicMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

Backoff::ms Backoff::Next() {
  ms now = std::min(next_, max_);
  next_ = std::min(max_, ms(static_cast<long long>(static_cast<double>(now.count()) * factor_)));
  return now;
}

std::chrono::milliseconds PollBase(std::chrono::milliseconds fallback) {
  const char* value = std::getenv("NEMO_POLL_BASE_MS");
  if (value == nullptr || *value == '\0') return fallback;
  char* end = nullptr;
  long long ms = std::strtoll(value, &end, 10);
  return (end != nullptr && *end == '\0' && ms > 0) ? std::chrono::milliseconds(ms) : fallback;
}

std::optional<std::chrono::milliseconds> ParseRetryAfter(
    std::string_view header, std::chrono::system_clock::time_point now) {
  while (!header.empty() && (header.front() == ' ' || header.front() == '\t'))
    header.remove_prefix(1);
  while (!header.empty() &&
         (header.back() == ' ' || header.back() == '\t' || header.back() == '\r'))
    header.remove_suffix(1);
  if (header.empty()) return std::nullopt;
  if (std::all_of(header.begin(), header.end(), [](unsigned char c) { return std::isdigit(c); })) {
    // More than ten digits is more than 300 years: keep it representable.
    if (header.size() > 10) header = "9999999999";
    return std::chrono::milliseconds(std::stoll(std::string(header)) * 1000);
  }
  // IMF-fixdate, "Sun, 06 Nov 1994 08:49:37 GMT" (the obsolete forms are not sent by servers
  // that follow RFC 9110, which requires this one).
  std::tm tm{};
  std::string text(header);
  const char* end = strptime(text.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  if (end == nullptr || *end != '\0') return std::nullopt;
  auto when = std::chrono::system_clock::from_time_t(timegm(&tm));
  if (when <= now) return std::chrono::milliseconds(0);
  return std::chrono::duration_cast<std::chrono::milliseconds>(when - now);
}

void SleepOrInterrupt(std::chrono::milliseconds duration, const std::string& hint) {
  auto until = std::chrono::steady_clock::now() + duration;
  for (;;) {
    ThrowIfInterrupted(hint);
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
  return std::to_string(min / 60) + " h" +
         (min % 60 ? " " + std::to_string(min % 60) + " min" : "");
}

}  // namespace nemo
