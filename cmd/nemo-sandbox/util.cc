#include "util.h"

#include <openssl/rand.h>

#include <cctype>
#include <cmath>
#include <ctime>
#include <regex>

namespace sandbox {

std::string RandomHex(size_t chars) {
  std::string bytes((chars + 1) / 2, '\0');
  RAND_bytes(reinterpret_cast<unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
  static const char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out += kDigits[c >> 4];
    out += kDigits[c & 15];
  }
  out.resize(chars);
  return out;
}

std::string IsoTime(std::chrono::system_clock::time_point t) {
  std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

int64_t NowMs() {
  return std::chrono::duration_cast<Millis>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::optional<Millis> ParseDuration(const std::string& text) {
  static const std::regex kRe(R"(^\s*([0-9]+(?:\.[0-9]+)?)\s*(ms|s|m|h|d)?\s*$)");
  std::smatch m;
  if (!std::regex_match(text, m, kRe)) return std::nullopt;
  double value = std::stod(m[1]);
  std::string unit = m[2];
  double ms = value * 1000;
  if (unit == "ms") ms = value;
  if (unit == "m") ms = value * 60e3;
  if (unit == "h") ms = value * 3600e3;
  if (unit == "d") ms = value * 86400e3;
  if (ms > 1e15) return std::nullopt;
  return Millis(static_cast<int64_t>(std::llround(ms)));
}

std::optional<uint64_t> ParseSize(const std::string& text) {
  static const std::regex kRe(R"(^\s*([0-9]+(?:\.[0-9]+)?)\s*([A-Za-z]*)\s*$)");
  std::smatch m;
  if (!std::regex_match(text, m, kRe)) return std::nullopt;
  double value = std::stod(m[1]);
  std::string unit = Lower(m[2]);
  double mult;
  if (unit.empty() || unit == "b")
    mult = 1;
  else if (unit == "k" || unit == "kib")
    mult = 1024.0;
  else if (unit == "m" || unit == "mib")
    mult = 1024.0 * 1024;
  else if (unit == "g" || unit == "gib")
    mult = 1024.0 * 1024 * 1024;
  else if (unit == "kb")
    mult = 1e3;
  else if (unit == "mb")
    mult = 1e6;
  else if (unit == "gb")
    mult = 1e9;
  else
    return std::nullopt;
  double bytes = value * mult;
  if (bytes > 1e18) return std::nullopt;
  return static_cast<uint64_t>(bytes);
}

std::string HumanSize(uint64_t bytes) {
  const char* units[] = {"bytes", "KiB", "MiB", "GiB"};
  double v = static_cast<double>(bytes);
  int u = 0;
  while (v >= 1024 && u < 3) {
    v /= 1024;
    ++u;
  }
  char buf[32];
  if (u == 0 || v >= 10) {
    std::snprintf(buf, sizeof buf, "%.0f %s", v, units[u]);
  } else {
    std::snprintf(buf, sizeof buf, "%.1f %s", v, units[u]);
  }
  return buf;
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string Extension(const std::string& filename) {
  auto slash = filename.find_last_of("/\\");
  std::string base = slash == std::string::npos ? filename : filename.substr(slash + 1);
  auto dot = base.rfind('.');
  if (dot == std::string::npos || dot + 1 == base.size()) return "";
  return Lower(base.substr(dot + 1));
}

std::string Redact(const std::string& text) {
  static const std::regex kToken("nmv_usr_[A-Za-z0-9]+");
  return std::regex_replace(text, kToken, "nmv_usr_…");
}

}  // namespace sandbox
