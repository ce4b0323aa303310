// Following one run of POST /run_sse: the message is sent exactly once, the stream is parsed as
// it arrives, two clocks end a run that takes too long, and a stream that breaks mid-run is
// recovered by reading the session state until the draft settles, never by sending again
// (the backend keeps working after a disconnect and would charge twice).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "api.h"
#include "error.h"
#include "events.h"
#include "sse.h"
#include "wait.h"

namespace nemo {

struct RunOptions {
  long long timeout_ms = 15 * 60 * 1000LL;         // the whole run
  long long idle_timeout_ms = 10 * 60 * 1000LL;    // nothing but keep-alives or silence
  long long recover_timeout_ms = 5 * 60 * 1000LL;  // polling after a dropped stream
  long long poll_base_ms = 2000;                   // first wait between state reads
  long long poll_max_ms = 30000;                   // longest wait between state reads
  bool raw_events = false;                         // keep the server's event under "raw"
  // Each normalized event as it arrives ("raw" only with raw_events).
  std::function<void(const nlohmann::json&)> on_event;
  // About once a second and on every chunk, with the milliseconds since the message was sent.
  std::function<void(long long)> on_tick;
};

// The two clocks of a run: overall (from the send) and idle (from the last event that was not a
// keep-alive). Pure: the caller passes the time.
class RunTimer {
 public:
  RunTimer(long long start_ms, long long timeout_ms, long long idle_timeout_ms);
  void Activity(long long now_ms) { last_activity_ms_ = now_ms; }
  // The timeout error (exit 11, with the nemo-state hint) once a clock has run out.
  std::optional<Error> Check(long long now_ms) const;

 private:
  long long start_ms_, timeout_ms_, idle_timeout_ms_, last_activity_ms_;
};

// After a dropped stream: the draft has settled once it differs from the snapshot taken before
// sending and one more read finds it unchanged.
class SettleWatch {
 public:
  explicit SettleWatch(nlohmann::json before) : before_(std::move(before)) {}
  // One state read's draft; true when it has settled.
  bool Observe(const nlohmann::json& draft);
  bool changed() const { return latest_.has_value(); }
  const nlohmann::json& latest() const { return *latest_; }

 private:
  nlohmann::json before_;
  std::optional<nlohmann::json> latest_;  // the last draft read that differs from before_
};

// Parses the response bytes of /run_sse as they arrive and keeps what the run produced.
class RunFollower {
 public:
  RunFollower(RunOptions options, std::function<long long()> clock = MonotonicMs);

  void Feed(std::string_view bytes);  // on_body
  void Finish();                      // the end of the response
  bool KeepGoing();                   // keep_going: false once a timeout has struck
  const std::optional<Error>& timeout() const { return timeout_; }
  const EventNormalizer& events() const { return events_; }
  long long elapsed_ms() const { return clock_() - start_ms_; }
  long long bytes() const { return bytes_; }
  // Events from the server other than keep-alives.
  long long events_seen() const { return events_seen_; }

 private:
  // `now_ms`: the clock when the server's event arrived (one clock read per event).
  void Emit(nlohmann::json event, const SseEvent* raw, long long now_ms);

  RunOptions options_;
  std::function<long long()> clock_;
  long long start_ms_;
  RunTimer timer_;
  EventNormalizer events_;
  SseParser parser_;
  std::optional<Error> timeout_;
  long long bytes_ = 0;
  long long events_seen_ = 0;
};

struct RunResult {
  EventNormalizer events;
  bool dropped = false;  // the connection broke before the end of the response
  // The run did something before it ended: an event came that was not the error ending it. A
  // run that fails after it started may have changed the draft, and been charged for it.
  bool started = false;
  std::string drop_reason;  // the network error, for the note
  long long elapsed_ms = 0;
};

// POST /run_sse once (never retried, not even on 429: only a refused token, which starts no run,
// is refreshed and sent once more) and follows the stream to the end of the response. Timeouts
// throw Error(kExitTimeout); a broken connection, or a response that ended before any event,
// returns with `dropped`: the run may be going on, and only the session state can tell.
RunResult SendAndFollow(Api& api, const std::string& session_id, const std::string& message,
                        const RunOptions& options);

// The draft in a state read: data.state.draft (or what NormalizeDraft makes of the payload).
nlohmann::json DraftOfState(const nlohmann::json& state_payload);

// One state read of the session's draft, bounded by `timeout_ms` (the caller's clock).
nlohmann::json ReadDraft(Api& api, const std::string& session_id, long long timeout_ms);

// The draft after a run that completed, or nothing (and `why`) when it could not be read in
// `timeout_ms`: the run was delivered and charged, so its reply is still the user's, and an
// error here would invite sending the message again.
std::optional<nlohmann::json> ReadDraftAfterRun(Api& api, const std::string& session_id,
                                                long long timeout_ms, std::string* why);

// Reads the draft until it settles (SettleWatch) or recover_timeout_ms passes. `read` returns
// nullopt when a read failed in a way worth retrying (the network). Returns the changed draft
// (settled, or the last change seen when time ran out), or nullopt when nothing changed.
std::optional<nlohmann::json> RecoverDraft(
    const nlohmann::json& before, const RunOptions& options,
    const std::function<std::optional<nlohmann::json>()>& read,
    const std::function<void(long long)>& sleep_ms,
    const std::function<long long()>& clock = MonotonicMs);

// The error a run ended in, as the program reports it: RunError's message already names the
// code ("… [2001]") and the error line adds the API code again, so the message loses its copy.
Error RunFailure(const Error& failure);

// After a broken stream: reads the session's state (retrying network and server failures) until
// the draft settles, and returns it. Nothing changed within recover_timeout_ms →
// Error(kExitNetwork) with the hint not to send the message again. `timeout_text` names the limit
// in that message.
nlohmann::json RecoverAfterDrop(Api& api, const std::string& session_id,
                                const nlohmann::json& before, const RunOptions& options,
                                const std::string& timeout_text);

}  // namespace nemo
