#include "run.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <thread>

#include "draft.h"
#include "http.h"

namespace nemo {
namespace {

using nlohmann::json;

constexpr const char* kStillRunningHint = "the run may still finish: check with nemo-state";

std::string DurationText(long long ms) { return FormatDuration(std::chrono::milliseconds(ms)); }

// Waits between state reads: base, then ×1.5 each time.
Backoff StateReadBackoff(const RunOptions& options) {
  return Backoff(std::chrono::milliseconds(options.poll_base_ms), 1.5,
                 std::chrono::milliseconds(options.poll_max_ms));
}

void SleepMs(long long ms) { SleepOrInterrupt(std::chrono::milliseconds(ms), kStillRunningHint); }

// The server's event as JSON when it is JSON, else as the text it was.
json RawOf(const SseEvent& event) {
  json parsed = json::parse(event.data, nullptr, false);
  if (!parsed.is_discarded()) return parsed;
  json raw = {{"data", event.data}};
  if (!event.type.empty()) raw["event"] = event.type;
  return raw;
}

}  // namespace

RunTimer::RunTimer(long long start_ms, long long timeout_ms, long long idle_timeout_ms)
    : start_ms_(start_ms),
      timeout_ms_(timeout_ms),
      idle_timeout_ms_(idle_timeout_ms),
      last_activity_ms_(start_ms) {}

std::optional<Error> RunTimer::Check(long long now_ms) const {
  if (timeout_ms_ > 0 && now_ms - start_ms_ >= timeout_ms_) {
    return Error(kExitTimeout, "run timed out after " + DurationText(timeout_ms_) + " (--timeout)",
                 kStillRunningHint);
  }
  if (idle_timeout_ms_ > 0 && now_ms - last_activity_ms_ >= idle_timeout_ms_) {
    return Error(kExitTimeout,
                 "run timed out: nothing but keep-alives or silence for " +
                     DurationText(idle_timeout_ms_) + " (--idle-timeout)",
                 kStillRunningHint);
  }
  return std::nullopt;
}

bool SettleWatch::Observe(const json& draft) {
  if (latest_ && draft == *latest_) return true;
  if (latest_ || draft != before_) latest_ = draft;
  return false;
}

RunFollower::RunFollower(RunOptions options, std::function<long long()> clock)
    : options_(std::move(options)),
      clock_(std::move(clock)),
      start_ms_(clock_()),
      timer_(start_ms_, options_.timeout_ms, options_.idle_timeout_ms),
      parser_(SseParser::Handlers{[this](const SseEvent& event) {
                                    long long now = clock_();
                                    for (json& e : events_.Normalize(event, now - start_ms_))
                                      Emit(std::move(e), &event, now);
                                  },
                                  [this] { Emit(events_.Keepalive(), nullptr, clock_()); }}) {}

void RunFollower::Emit(json event, const SseEvent* raw, long long now_ms) {
  auto type = event.find("type");
  if (type == event.end() || !type->is_string() ||
      type->get_ref<const std::string&>() != "heartbeat") {
    timer_.Activity(now_ms);
    ++events_seen_;
  }
  if (!options_.on_event) return;
  if (options_.raw_events && raw != nullptr) {
    event["raw"] = RawOf(*raw);
  } else {
    event.erase("raw");
  }
  options_.on_event(event);
}

void RunFollower::Feed(std::string_view bytes) {
  bytes_ += static_cast<long long>(bytes.size());
  parser_.Feed(bytes);
  if (options_.on_tick) options_.on_tick(elapsed_ms());
}

void RunFollower::Finish() {
  parser_.Finish();
  events_.Flush();
}

bool RunFollower::KeepGoing() {
  long long now = clock_();
  if (options_.on_tick) options_.on_tick(now - start_ms_);
  if (!timeout_) timeout_ = timer_.Check(now);
  return !timeout_.has_value();
}

RunResult SendAndFollow(Api& api, const std::string& session_id, const std::string& message,
                        const RunOptions& options) {
  for (int attempt = 0;; ++attempt) {
    RunFollower follower(options);
    HttpRequest request;
    request.method = "POST";
    request.url = api.Url(paths::kRunSse);
    request.headers = {"Accept: text/event-stream", "Content-Type: application/json"};
    request.body = RunSseBody(session_id, message).dump();
    request.never_retry = true;     // a second send would start (and charge) a second run
    request.low_speed_seconds = 0;  // long silences are normal; the idle clock decides
    request.on_body = [&](std::string_view bytes) { follower.Feed(bytes); };
    request.expect = BodyKind::kEventStream;
    request.keep_going = [&] { return follower.KeepGoing(); };

    RunResult result;
    try {
      Api::Reply reply = api.Exchange(request);
      const HttpResponse& response = reply.http;
      if (!reply.payload.is_null()) {
        result.dropped = true;  // the run's fate is in the session state, not in this reply
        result.drop_reason = "the server answered JSON instead of an event stream";
      }
      if (response.aborted) {
        if (follower.timeout()) throw *follower.timeout();
        throw Error(kExitInternal, "the stream was aborted without a reason");
      }
    } catch (const Error& e) {
      if (e.exit_code() == kExitNetwork) {
        result.dropped = true;
        result.drop_reason = e.what();
      } else if (e.exit_code() == kExitInterrupted || e.exit_code() == kExitTerminated) {
        throw Error(e.exit_code(), e.what(), kStillRunningHint);
      } else {
        throw;
      }
    }
    follower.Finish();
    // A refused token reported as the stream's only event: the run never started (the service
    // did not know whose it was), so, like a 1001 on the request itself, it is refreshed once.
    const auto& failure = follower.events().failure();
    if (failure && follower.events_seen() == 1 && attempt == 0 && api.RefreshAfter(*failure)) {
      continue;
    }
    // An ADK run always yields an event: a response that ended without one (a proxy closing a
    // close-delimited stream early) says nothing about the run, which may still be working.
    if (!result.dropped && follower.events_seen() == 0) {
      result.dropped = true;
      result.drop_reason = "the stream ended before its first event";
    }
    result.started = follower.events_seen() > (failure ? 1 : 0);
    result.events = follower.events();
    result.elapsed_ms = follower.elapsed_ms();
    return result;
  }
}

json DraftOfState(const json& state_payload) { return NormalizeDraft(state_payload); }

std::optional<json> RecoverDraft(const json& before, const RunOptions& options,
                                 const std::function<std::optional<json>()>& read,
                                 const std::function<void(long long)>& sleep_ms,
                                 const std::function<long long()>& clock) {
  SettleWatch watch(before);
  Backoff backoff = StateReadBackoff(options);
  long long deadline = clock() + options.recover_timeout_ms;
  for (;;) {
    long long now = clock();
    if (now >= deadline) break;
    sleep_ms(std::min<long long>(backoff.Next().count(), deadline - now));
    std::optional<json> draft = read();
    if (draft && watch.Observe(*draft)) return watch.latest();
  }
  if (watch.changed()) return watch.latest();
  return std::nullopt;
}

Error RunFailure(const Error& failure) {
  std::string message = failure.what();
  std::string suffix = " [" + std::to_string(failure.api_code()) + "]";
  if (failure.api_code() != 0 && message.size() > suffix.size() &&
      message.compare(message.size() - suffix.size(), suffix.size(), suffix) == 0) {
    message.resize(message.size() - suffix.size());
  }
  return Error(failure.exit_code(), message, failure.hint(), failure.api_code());
}

json ReadDraft(Api& api, const std::string& session_id, long long timeout_ms) {
  // A clock that has run out still allows one quick read rather than none (curl: 0 = no limit).
  return DraftOfState(
      api.Get(paths::State(session_id), static_cast<long>(std::max(timeout_ms, 1LL))));
}

std::optional<json> ReadDraftAfterRun(Api& api, const std::string& session_id, long long timeout_ms,
                                      std::string* why) {
  if (timeout_ms <= 0) {
    *why = "--timeout ran out before the state could be read";
    return std::nullopt;
  }
  try {
    return ReadDraft(api, session_id, timeout_ms);
  } catch (const Error& e) {
    if (e.exit_code() == kExitInterrupted || e.exit_code() == kExitTerminated) throw;
    *why = e.what();
    return std::nullopt;
  }
}

nlohmann::json RecoverAfterDrop(Api& api, const std::string& session_id,
                                const nlohmann::json& before, const RunOptions& options,
                                const std::string& timeout_text) {
  auto read = [&]() -> std::optional<nlohmann::json> {
    try {
      return ReadDraft(api, session_id, std::min(options.recover_timeout_ms, 60000LL));
    } catch (const Error& e) {
      int code = e.exit_code();
      if (code == kExitNetwork || code == kExitBadResponse || code == kExitTimeout) {
        return std::nullopt;  // the service may be recovering too: keep reading
      }
      throw;
    }
  };
  auto recovered = RecoverDraft(before, options, read, SleepMs);
  if (!recovered) {
    throw Error(kExitNetwork,
                "the stream broke mid-run and the draft did not change within " + timeout_text +
                    " (--recover-timeout)",
                "the run may still finish: check with nemo-state; do not send the message again "
                "(it would be charged twice)");
  }
  return *recovered;
}

}  // namespace nemo
