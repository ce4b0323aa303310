// nemo-state: read a session's state — the draft, whether it is ready for export, the one-line
// track summary — and optionally wait until it is ready. --journal lists what nemo-send sent and
// nemo-export submitted instead (the journal that keeps re-runs from doing it twice). --timeline
// draws the draft as a chart on stderr, so stdout stays the context a pipeline reads.
#include <cstdio>

#include "cli.h"
#include "context.h"
#include "journal.h"
#include "progress.h"
#include "state.h"
#include "summary.h"
#include "terminal.h"
#include "timeline.h"

namespace {

// The journal's entries, oldest first, of one session (all when `session` is empty); the draft
// kept for recovery is left out (it is the session's state, which nemo-state shows anyway).
nlohmann::json JournalEntries(const std::string& session) {
  nlohmann::json out = nlohmann::json::array();
  for (auto& entry : nemo::Journal(nemo::JournalDir()).List()) {
    if (!session.empty() && entry.value("session_id", "") != session) continue;
    entry.erase("before");
    out.push_back(std::move(entry));
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  nemo::Program prog("nemo-state", "Read the session state: draft, track summary, readiness",
                     "nemo-session | nemo-send \"a 10-second video\" | nemo-state --summary");
  std::string session, timeout = "15m";
  bool summary = false, draft = false, check = false, wait = false, journal = false;
  bool timeline = false;
  auto& app = prog.app();
  app.add_option("--session", session, "Session id (default: the context's session_id)")
      ->type_name("<id>");
  app.add_flag("--summary", summary, "Print the one-line track summary as plain text");
  app.add_flag("--draft", draft, "Print the draft alone (JSON)");
  app.add_flag("--check", check, "Exit 0 when the draft is ready, 20 when not");
  app.add_flag("--wait", wait, "Poll until the draft is ready (backoff 1 s, x1.5, max 15 s)");
  app.add_option("--timeout", timeout, "How long --wait waits (default 15m)")
      ->type_name("<duration>");
  app.add_flag("--timeline", timeline, "Draw the draft as a chart on stderr (stdout is unchanged)");
  app.add_flag("--journal", journal,
               "List the journal's sends and renders (the session's, when one is given)");

  prog.set_context_on_stdout([&] { return !summary; });  // --summary: one line of text
  return prog.Run(argc, argv, [&] {
    if (summary && draft)
      throw nemo::Error(nemo::kExitUsage, "--summary and --draft exclude each other");
    long long timeout_ms = nemo::ParseDurationMs(timeout, "--timeout");
    nlohmann::json ctx = prog.ReadContext();
    if (journal) {
      if (summary || draft || check || wait || timeline) {
        throw nemo::Error(nemo::kExitUsage,
                          "--journal lists the journal; it takes no --summary, --draft, --check, "
                          "--wait or --timeline");
      }
      if (session.empty()) session = nemo::ContextString(ctx, "session_id").value_or("");
      nlohmann::json entries = JournalEntries(session);
      if (prog.WantsSummary()) {  // a person at a terminal: a table; a pipe: the JSON
        prog.WriteOutput(nemo::JournalTable(entries));
        return 0;
      }
      ctx["journal"] = std::move(entries);
      prog.WriteContext(ctx);
      return 0;
    }
    std::string sid = nemo::RequireSessionId(session, ctx);
    nemo::Api api = prog.MakeApi(ctx);

    nemo::SessionState state;
    if (wait) {
      nemo::WaitOptions options;
      options.timeout = std::chrono::milliseconds(timeout_ms);
      bool show = nemo::ProgressWanted(prog.flags().quiet, false);
      auto started = std::chrono::steady_clock::now();
      options.on_poll = [&](const nemo::SessionState& s, int) {
        if (!show || s.ready) return;
        auto waited = std::chrono::duration_cast<std::chrono::seconds>(
            std::chrono::steady_clock::now() - started);
        std::fprintf(stderr, "\rnemo-state: waiting for the draft (%llds)\x1b[K",
                     static_cast<long long>(waited.count()));
        std::fflush(stderr);
      };
      try {
        state = nemo::WaitUntilReady(api, sid, options);
      } catch (...) {
        if (show) std::fputs("\n", stderr);
        throw;
      }
      if (show) std::fputs("\r\x1b[K", stderr);
    } else {
      state = nemo::ReadState(api, sid);
    }

    if (timeline) {
      std::string chart = nemo::DrawTimeline(state.draft, nemo::TimelineStyleForStderr());
      std::fputs(chart.c_str(), stderr);
      std::fflush(stderr);
    }
    int exit_code = check && !state.ready ? nemo::kExitNotReady : nemo::kExitOk;
    if (summary) {
      // Plain text for people and shell scripts: the one place stdout is not the context.
      prog.WriteOutput(state.summary + "\n");
      return exit_code;
    }
    if (draft) {
      prog.WriteDocument(state.draft);  // not the context, but a JSON document all the same
      return exit_code;
    }
    nemo::SetSession(ctx, api.config().api_base, sid);
    ctx["state"] = state.state;
    ctx["summary"] = state.summary;
    ctx["ready"] = state.ready;
    prog.WriteContext(ctx);
    return exit_code;
  });
}
