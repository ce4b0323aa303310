#include "state.h"

#include "draft.h"
#include "error.h"
#include "wait.h"

namespace nemo {

using nlohmann::json;

SessionState InterpretState(const json& payload) {
  SessionState out;
  json state = payload;
  if (state.is_object() && state.contains("state")) state = state["state"];
  if (state.is_string()) {
    state = json::parse(state.get<std::string>(), nullptr, false);
  }
  if (!state.is_object()) state = json::object();
  out.draft = NormalizeDraft(state.value("draft", json()));
  if (state.contains("draft")) state["draft"] = out.draft;
  out.state = std::move(state);
  out.ready = DraftReady(out.draft);
  out.summary = TrackSummary(out.draft);
  return out;
}

SessionState ReadState(Api& api, const std::string& session_id) {
  return InterpretState(api.Get(paths::State(session_id)));
}

SessionState WaitUntilReady(Api& api, const std::string& session_id, const WaitOptions& options) {
  using Clock = std::chrono::steady_clock;
  auto deadline = Clock::now() + options.timeout;
  Backoff backoff(PollBase(options.base), options.factor, options.max);
  int polls = 0;
  for (;;) {
    try {
      SessionState state = ReadState(api, session_id);
      ++polls;
      if (options.on_poll) options.on_poll(state, polls);
      if (state.ready) return state;
    } catch (const Error& e) {
      // A bad session or token will not get better by waiting; a flaky network might.
      int code = e.exit_code();
      if (code != kExitNetwork && code != kExitBadResponse && code != kExitRateLimited) throw;
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) {
      throw Error(kExitTimeout,
                  "the draft is still not ready after " + FormatDuration(options.timeout),
                  "the agent may still be working: check with `nemo-state --summary`, or wait "
                  "longer with --timeout");
    }
    SleepOrInterrupt(std::min(backoff.Next(), left));
  }
}

}  // namespace nemo
