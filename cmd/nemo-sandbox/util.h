// Small helpers shared by the sandbox's parts: ids, clocks, parsing of durations and sizes.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace sandbox {

using Clock = std::chrono::steady_clock;
using Millis = std::chrono::milliseconds;

// Lower-case hex from a CSPRNG (OpenSSL): ids double as tokens, so they must not be guessable.
std::string RandomHex(size_t chars);

// ISO 8601 UTC with seconds, e.g. 2025-01-31T12:00:00Z.
std::string IsoTime(std::chrono::system_clock::time_point t);
int64_t NowMs();  // wall-clock milliseconds, for ADK event timestamps

// "500ms", "2s", "1m", "1h", "7d" or plain (possibly fractional) seconds.
std::optional<Millis> ParseDuration(const std::string& text);
// "500MiB", "10MB", "1k", "1024": binary units for K/M/G/KiB/MiB/GiB, decimal for KB/MB/GB.
std::optional<uint64_t> ParseSize(const std::string& text);
std::string HumanSize(uint64_t bytes);  // "612 MiB"

std::string Lower(std::string s);
std::string Extension(const std::string& filename);  // lower-case, without the dot; "" if none

// Replaces `nmv_usr_<hex>` with `nmv_usr_…` so a log line can never leak a token.
std::string Redact(const std::string& text);

}  // namespace sandbox
