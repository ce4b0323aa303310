// What a program interrupted with work in flight says: what it leaves behind and how to follow it
// up, naming the session (and its name), the render or the journal entry. The context that held
// those ids went with the pipe; this line is what the user has left.
#pragma once

#include <string>

#include "error.h"

namespace nemo {

// SIGINT or SIGTERM: 130 or 143.
bool IsInterruption(const Error& e);

// "ses_… (promo)", or the id alone when the session has no name.
std::string SessionLabel(const std::string& session_id, const std::string& session_name);

// nemo-send interrupted after the message was recorded: `reached` when the server answered
// (its run is under way), else it may or may not have arrived.
Error InterruptedSend(int exit_code, const std::string& session_id, const std::string& session_name,
                      bool reached);
// nemo-export interrupted while following render `render_id`, which it cancelled (or not).
Error InterruptedRender(int exit_code, const std::string& session_id,
                        const std::string& session_name, const std::string& render_id,
                        bool cancelled);
// nemo-export interrupted while downloading render `render_id` (done) to `target`.
Error InterruptedDownload(int exit_code, const std::string& session_id,
                          const std::string& session_name, const std::string& render_id,
                          const std::string& target);

}  // namespace nemo
