// Sending one message to the session's agent and following its run: what nemo-send does between
// reading its flags and writing the context. The message goes out exactly once: a timeout or a
// broken stream is never answered by sending it again (the backend keeps working and would charge
// twice); a broken stream is recovered by reading the session state instead. The journal carries
// that promise across processes: a re-run after a crash or a kill recovers the run it finds
// recorded, and one that finished is not sent again.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "api.h"
#include "journal.h"
#include "run.h"

namespace nemo {

struct SendRequest {
  std::string session_id;
  std::string session_name;  // the context's, if any: in the journal and an interruption's words
  std::string message;       // the whole message, documents included
  bool again = false;        // --again: send even if the journal shows it went already
  long long cost = -1;  // credits expected; -1: from the draft and the environment; 0: no check
  std::optional<long long> max_credits;  // --max-credits: the build's cap (else NEMO_MAX_CREDITS)
  // The clocks (timeout bounds the state reads around the run too) and raw_events. on_event and
  // on_tick are SendMessage's own.
  RunOptions follow;
  std::string recover_timeout_text = "5m";  // --recover-timeout as given, for messages
  bool stream = false;                      // each event on stdout as one NDJSON line as it arrives
  bool quiet = false;                       // no status line, no warnings about a broken stream
  std::string program = "nemo-send";
};

struct SendResult {
  // The keys the run adds to the context: reply, texts, tools, changes, silent, recovered,
  // summary; a replayed result has "replayed": true as well.
  nlohmann::json context;
  SendAction action = SendAction::kSend;  // what the journal's entry made of this message
};

// Checks the journal, then sends (or replays, or recovers) the message on `api`. Throws Error with
// the exit code and, once the run had started, the hint that a re-run does not send again; the
// journal's entry records every step ("sending", "sent", then "done", "failed", "run_failed" or
// "unfinished").
SendResult SendMessage(Api& api, const SendRequest& request, Journal& journal);

}  // namespace nemo
