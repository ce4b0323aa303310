#include "sandbox.h"

namespace sandbox {

bool Sandbox::Sleep(Millis d) {
  std::unique_lock lock(stop_mu);
  return !stop_cv.wait_for(lock, d, [this] { return stopping.load(); });
}

Millis Sandbox::WorkTime() {
  int64_t ms = faults.Int("work_time_ms");
  return ms > 0 ? Millis(ms) : opt.work_time;
}

Millis Sandbox::RenderTime() {
  int64_t ms = faults.Int("render_time_ms");
  return ms > 0 ? Millis(ms) : opt.render_time;
}

}  // namespace sandbox
