// Reading a session's state: the draft inside it (which the service may send as a JSON string),
// whether it is ready for export, the one-line summary, and waiting until it is ready.
#pragma once

#include <chrono>
#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "api.h"

namespace nemo {

struct SessionState {
  nlohmann::json state;  // data.state, with its draft normalized to an object
  nlohmann::json draft;  // {} when there is none
  bool ready = false;
  std::string summary;
};

// From the payload of GET /api/state/…/latest: `{"state":{…}}`, or the state object itself.
// Never throws: anything unusable is an empty, not-ready state.
SessionState InterpretState(const nlohmann::json& payload);

// One read of the session's state (throws the API's errors).
SessionState ReadState(Api& api, const std::string& session_id);

struct WaitOptions {
  std::chrono::milliseconds timeout{15 * 60 * 1000};
  std::chrono::milliseconds base{1000};  // first wait; NEMO_POLL_BASE_MS overrides
  double factor = 1.5;
  std::chrono::milliseconds max{15000};
  std::function<void(const SessionState&, int polls)> on_poll;  // after every read
};

// Reads until the draft is ready. Error(kExitTimeout) when `timeout` passes first; Ctrl-C ends
// it with 130/143. Transient read failures (network, 5xx) are retried until the timeout.
SessionState WaitUntilReady(Api& api, const std::string& session_id, const WaitOptions& options);

}  // namespace nemo
