// nemo-state: read a session's state — the draft, whether it is ready for export, the one-line
// track summary — and optionally wait until it is ready.
#include <cstdio>

#include "cli.h"
#include "progress.h"
#include "state.h"
#include "terminal.h"

int main(int argc, char** argv) {
  nemo::Program prog("nemo-state", "Read the session state: draft, track summary, readiness",
                     "nemo-session | nemo-send \"a 10-second video\" | nemo-state --summary");
  std::string session, timeout = "15m";
  bool summary = false, draft = false, check = false, wait = false;
  auto& app = prog.app();
  app.add_option("--session", session, "Session id (default: the context's session_id)")
      ->type_name("<id>");
  app.add_flag("--summary", summary, "Print the one-line track summary as plain text");
  app.add_flag("--draft", draft, "Print the draft alone (JSON)");
  app.add_flag("--check", check, "Exit 0 when the draft is ready, 20 when not");
  app.add_flag("--wait", wait, "Poll until the draft is ready (backoff 1 s, x1.5, max 15 s)");
  app.add_option("--timeout", timeout, "How long --wait waits (default 15m)")
      ->type_name("<duration>");

  return prog.Run(argc, argv, [&] {
    if (summary && draft)
      throw nemo::Error(nemo::kExitUsage, "--summary and --draft exclude each other");
    long long timeout_ms = nemo::ParseDurationMs(timeout, "--timeout");
    nlohmann::json ctx = prog.ReadContext();
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

    int exit_code = check && !state.ready ? nemo::kExitNotReady : nemo::kExitOk;
    if (summary) {
      // Plain text for people and shell scripts: the one place stdout is not the context.
      std::printf("%s\n", state.summary.c_str());
      std::fflush(stdout);
      return exit_code;
    }
    if (draft) {
      nemo::WriteJson(state.draft, prog.flags().json_style());
      return exit_code;
    }
    ctx["api"] = api.config().api_base;
    ctx["session_id"] = sid;
    ctx["state"] = state.state;
    ctx["summary"] = state.summary;
    ctx["ready"] = state.ready;
    prog.WriteContext(ctx);
    return exit_code;
  });
}
