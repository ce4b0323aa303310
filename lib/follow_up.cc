#include "follow_up.h"

namespace nemo {

bool IsInterruption(const Error& e) {
  return e.exit_code() == kExitInterrupted || e.exit_code() == kExitTerminated;
}

std::string SessionLabel(const std::string& session_id, const std::string& session_name) {
  return session_name.empty() ? session_id : session_id + " (" + session_name + ")";
}

Error InterruptedSend(int exit_code, const std::string& session_id, const std::string& session_name,
                      bool reached) {
  std::string label = SessionLabel(session_id, session_name);
  std::string what = reached ? "interrupted: the message was sent to session " + label +
                                   " and its run may still be going on"
                             : "interrupted while sending the message to session " + label +
                                   "; it may have arrived";
  return Error(exit_code, what,
               "nemo-state --session " + session_id +
                   " shows whether it finished; the same nemo-send again recovers it without "
                   "sending it twice (nemo-state --journal lists it)");
}

Error InterruptedRender(int exit_code, const std::string& session_id,
                        const std::string& session_name, const std::string& render_id,
                        bool cancelled) {
  std::string label = SessionLabel(session_id, session_name);
  if (cancelled) {
    return Error(exit_code,
                 "interrupted: render " + render_id + " of session " + label + " cancelled",
                 "the same nemo-export again renders the draft anew");
  }
  return Error(exit_code,
               "interrupted: render " + render_id + " of session " + label +
                   " may still be going on (it could not be cancelled)",
               "the same nemo-export again follows it instead of rendering again (journal)");
}

Error InterruptedDownload(int exit_code, const std::string& session_id,
                          const std::string& session_name, const std::string& render_id,
                          const std::string& target) {
  return Error(exit_code,
               "interrupted: render " + render_id + " of session " +
                   SessionLabel(session_id, session_name) + " is done; " + target +
                   " was not written",
               "the same nemo-export again downloads it without rendering again (journal)");
}

}  // namespace nemo
