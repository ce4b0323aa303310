// The one object every route handler and background job shares.
#pragma once

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <string>

#include "faults.h"
#include "options.h"
#include "store.h"

namespace sandbox {

class Renders;

struct Sandbox {
  explicit Sandbox(Options o) : opt(std::move(o)), store(opt.token_ttl, opt.credits) {}

  Options opt;
  Store store;
  Faults faults;
  Renders* renders = nullptr;
  std::string state_dir;  // holds uploads/ and renders/
  std::string api_url;    // http://127.0.0.1:PORT
  std::string cdn_url;    // http://localhost:PORT: another host name, so clients keep tokens away
  std::string font;       // for drawtext; empty: titles are not drawn

  // Shutdown: long waits (SSE streams, work stages, renders) wake up and give up.
  std::atomic<bool> stopping{false};
  std::mutex stop_mu;
  std::condition_variable stop_cv;

  // Sleeps up to `d`; false when the sandbox is stopping.
  bool Sleep(Millis d);
  Millis WorkTime();    // --work-time unless fault work_time_ms overrides it
  Millis RenderTime();  // --render-time unless fault render_time_ms overrides it
};

}  // namespace sandbox
