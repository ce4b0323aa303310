#include "progress.h"

#include <cstdio>

#include "terminal.h"
#include "text.h"

namespace nemo {

bool ProgressWanted(bool quiet, bool forced) { return forced || (!quiet && StderrIsTerminal()); }

std::string HumanBytes(double bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  int u = 0;
  while (bytes >= 1024 && u < 4) {
    bytes /= 1024;
    ++u;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, u == 0 || bytes >= 100 ? "%.0f %s" : "%.1f %s", bytes, units[u]);
  return buf;
}

ProgressBar::ProgressBar(std::string label, int64_t total, bool enabled, bool bytes)
    : label_(std::move(label)),
      total_(total),
      enabled_(enabled),
      bytes_(bytes),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_ - std::chrono::seconds(1)) {}

ProgressBar::~ProgressBar() {
  if (drawn_ && !finished_) std::fputs("\n", stderr);
}

void ProgressBar::SetLabel(std::string label) { label_ = std::move(label); }

void ProgressBar::Update(int64_t done) {
  done_ = done;
  if (!enabled_) return;
  auto now = std::chrono::steady_clock::now();
  if (now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  Draw(false);
}

void ProgressBar::Finish() {
  if (!enabled_ || finished_) return;
  if (total_ > 0) done_ = std::max(done_, total_);
  Draw(true);
  finished_ = true;
}

void ProgressBar::Draw(bool final) {
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  char line[256];
  std::string bar;
  int percent = -1;
  if (total_ > 0) {
    percent = static_cast<int>(100.0 * static_cast<double>(done_) / static_cast<double>(total_));
    if (percent > 100) percent = 100;
    int filled = percent / 5;
    // Appended, not `"[" + std::string(…) + …`: GCC 12 -O3 warns (-Wrestrict) on that chain.
    bar.append(1, '[').append(filled, '#').append(20 - filled, ' ').append(1, ']');
  }
  if (bytes_) {
    double rate = seconds > 0 ? static_cast<double>(done_) / seconds : 0;
    std::string eta = "";
    if (total_ > 0 && rate > 0 && !final) {
      long left = static_cast<long>(static_cast<double>(total_ - done_) / rate);
      char e[32];
      std::snprintf(e, sizeof e, " ETA %ld:%02ld", left / 60, left % 60);
      eta = e;
    }
    std::snprintf(line, sizeof line, "\r%s %s %3d%% %s %s/s%s\x1b[K", label_.c_str(), bar.c_str(),
                  percent < 0 ? 0 : percent, HumanBytes(static_cast<double>(done_)).c_str(),
                  HumanBytes(rate).c_str(), eta.c_str());
  } else {
    std::snprintf(line, sizeof line, "\r%s %s %3d%% %.0fs\x1b[K", label_.c_str(), bar.c_str(),
                  percent < 0 ? 0 : percent, seconds);
  }
  std::fputs(ForTerminal(line).c_str(), stderr);
  if (final) std::fputs("\n", stderr);
  std::fflush(stderr);
  drawn_ = true;
}

}  // namespace nemo
