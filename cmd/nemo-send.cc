// nemo-send: send one message to the session's agent and follow the run to its end. The message
// goes out exactly once: a timeout or a broken stream is never answered by sending it again
// (the backend keeps working and would charge twice); a broken stream is recovered by reading
// the session state instead.
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "cli.h"
#include "document.h"
#include "draft.h"
#include "message.h"
#include "run.h"
#include "status_line.h"
#include "terminal.h"

namespace {

using nlohmann::json;

struct Options {
  std::string session;
  std::vector<std::string> words;
  std::vector<std::string> files;
  bool message_stdin = false;
  std::string timeout = "15m", idle_timeout = "10m", recover_timeout = "5m";
  bool stream = false, raw_events = false, text = false;
};

// The words (the instruction) and any -f documents, or stdin alone (--message-stdin, optionally
// spelled "-").
std::string ReadMessage(const Options& o) {
  bool dash = o.words.size() == 1 && o.words[0] == "-";
  if (dash && !o.message_stdin) {
    throw nemo::Error(nemo::kExitUsage,
                      "\"-\" reads the message from stdin only with --message-stdin",
                      "stdin carries the context otherwise");
  }
  if (o.message_stdin && ((!o.words.empty() && !dash) || !o.files.empty())) {
    throw nemo::Error(nemo::kExitUsage,
                      "--message-stdin takes the whole message from stdin: no argument or -f too");
  }
  if (o.message_stdin) {
    if (nemo::StdinIsTerminal()) {
      std::fputs("nemo-send: type the message, then Ctrl-D\n", stderr);
    }
    return nemo::ReadMessageStream(stdin, "stdin");
  }
  if (o.words.empty() && o.files.empty()) {
    throw nemo::Error(nemo::kExitUsage, "no message",
                      "give it as an argument, with -f FILE, or on stdin with --message-stdin");
  }
  std::string instruction;
  for (const auto& w : o.words) {
    // `-f a.pdf b.pdf "…"` or `nemo-send brief.docx` would send a file name as words.
    if (nemo::LooksLikeDocument(w)) {
      throw nemo::Error(nemo::kExitUsage, w + ": a file among the message's words",
                        "give each document its own -f: nemo-send -f " + w + " \"what to make\"");
    }
    instruction += (instruction.empty() ? "" : " ") + w;
  }
  if (o.files.empty()) return nemo::CheckMessage(std::move(instruction), "message");
  nemo::MessageBuilder message(std::move(instruction), o.files.size());
  for (const auto& f : o.files) message.Add(f, nemo::ReadDocument(f, message.RoomFor(f)));
  return std::move(message).Finish();
}

}  // namespace

int main(int argc, char** argv) {
  nemo::Program prog("nemo-send", "Send one message to the agent and follow the run to its end",
                     "nemo-auth | nemo-session | nemo-send \"a 10-second city video\" | jq .reply");
  Options o;
  auto& app = prog.app();
  app.add_option("message", o.words,
                 "The message; with -f, what to make of the documents (\"-\" with --message-stdin)")
      ->type_name("<message>");
  app.add_option("--session", o.session, "Session id (default: the context's session_id)")
      ->type_name("<id>");
  app.add_option("-f,--file", o.files,
                 "A document (.txt, .md, .pdf, .docx) to send with the message; repeatable")
      ->type_name("<file>")
      ->allow_extra_args(false);
  app.add_flag("--message-stdin", o.message_stdin,
               "Read the message from stdin (then no context is read)");
  app.add_option("--timeout", o.timeout, "Give up on the whole run after D (default 15m)")
      ->type_name("<D>");
  app.add_option("--idle-timeout", o.idle_timeout,
                 "Give up after D of keep-alives or silence only (default 10m)")
      ->type_name("<D>");
  app.add_option("--recover-timeout", o.recover_timeout,
                 "After a broken stream, read the state for up to D (default 5m)")
      ->type_name("<D>");
  app.add_flag("--stream", o.stream, "NDJSON: one event per line as it arrives, context last");
  app.add_flag("--raw-events", o.raw_events, "With --stream: add the server's event as \"raw\"");
  app.add_flag("--text", o.text, "Print only the reply text, not JSON");

  return prog.Run(argc, argv, [&] {
    if (o.stream && o.text)
      throw nemo::Error(nemo::kExitUsage, "--stream and --text exclude each other");
    if (o.raw_events && !o.stream)
      throw nemo::Error(nemo::kExitUsage, "--raw-events needs --stream");
    nemo::RunOptions follow;
    follow.timeout_ms = nemo::ParseDurationMs(o.timeout, "--timeout");
    follow.idle_timeout_ms = nemo::ParseDurationMs(o.idle_timeout, "--idle-timeout");
    follow.recover_timeout_ms = nemo::ParseDurationMs(o.recover_timeout, "--recover-timeout");
    follow.poll_base_ms = nemo::PollBaseMsFromEnv(follow.poll_base_ms);
    follow.raw_events = o.raw_events;

    // The message is checked before anything is sent: a bad one costs nothing.
    json ctx = o.message_stdin ? json::object() : prog.ReadContext();
    std::string message = ReadMessage(o);
    std::string sid = nemo::RequireSessionId(o.session, ctx);
    nemo::Api api = prog.MakeApi(ctx);
    // --timeout bounds everything: the state reads around the run as well as the run.
    long long deadline = nemo::MonotonicMs() + follow.timeout_ms;
    auto left = [&] { return deadline - nemo::MonotonicMs(); };
    // The snapshot that silent completions and broken streams are compared with.
    json before = nemo::ReadDraft(api, sid, left());
    follow.timeout_ms = std::max(left(), 1LL);

    nemo::StatusLine status(prog.name(), nemo::StatusLine::Choose(prog.flags().quiet));
    bool unflushed = false;
    // Called after every chunk from the network: the events it held go out together, so each
    // reaches the reader as soon as it arrived, without one write per event.
    follow.on_tick = [&](long long elapsed_ms) {
      if (unflushed) {
        unflushed = false;
        if (std::fflush(stdout) != 0) _exit(errno == EPIPE ? 141 : nemo::kExitInternal);
      }
      status.Tick(elapsed_ms);
    };
    // One NDJSON line at a time, written like DumpJson(event, false) but into a buffer that is
    // reused for the whole stream (no allocations per event).
    std::string line;
    nlohmann::detail::serializer<json> serializer(nlohmann::detail::output_adapter<char>(line), ' ',
                                                  json::error_handler_t::replace);
    follow.on_event = [&](const json& event) {
      if (o.stream) {
        status.Clear();
        line.clear();
        serializer.dump(event, false, false, 0);
        line += '\n';
        std::fwrite(line.data(), 1, line.size(), stdout);
        unflushed = true;
      }
      status.Event(event);
    };

    nemo::RunResult run = nemo::SendAndFollow(api, sid, message, follow);
    status.Clear();
    if (const auto& failure = run.events.failure()) throw nemo::RunFailure(*failure);

    std::optional<json> after;
    std::string unread;  // why the state after the run could not be read
    if (run.dropped) {
      // A warning, not a note: the run went wrong, and scripts' logs should say so.
      if (!prog.flags().quiet) {
        nemo::PrintWarning(prog.name(), "the stream broke mid-run (" + run.drop_reason +
                                            "); the message is not sent again: reading the "
                                            "session state until the draft settles");
      }
      follow.recover_timeout_ms = std::min(follow.recover_timeout_ms, std::max(left(), 0LL));
      after = nemo::RecoverAfterDrop(api, sid, before, follow, o.recover_timeout);
    } else {
      after = nemo::ReadDraftAfterRun(api, sid, left(), &unread);
      if (!after) {
        nemo::PrintWarning(prog.name(),
                           "the message was delivered and the run completed, but "
                           "the session state could not be read (" +
                               unread +
                               "): `changes` is unknown; do not send the message "
                               "again, check with nemo-state");
      }
    }

    json changes = after ? nemo::DraftChanges(before, *after)
                         : json{{"items", json::array()},
                                {"sentence", "Unknown: the session state could not be read"},
                                {"unknown", true}};
    bool silent = !run.events.saw_text();
    if (run.dropped && !prog.flags().quiet) {
      nemo::PrintWarning(prog.name(), "recovered from the session state: " +
                                          changes.value("sentence", std::string()));
    }
    ctx["api"] = api.config().api_base;
    ctx["session_id"] = sid;
    ctx["reply"] = run.events.reply();
    ctx["texts"] = run.events.texts();
    ctx["tools"] = run.events.tools();
    ctx["changes"] = changes;
    ctx["silent"] = silent;
    ctx["recovered"] = run.dropped;
    if (after) {
      ctx["summary"] = nemo::TrackSummary(*after);
    } else {
      ctx.erase("summary");  // the one from upstream no longer describes the draft
    }

    if (o.text) {
      std::string reply = run.events.reply();
      if (reply.empty()) reply = changes.value("sentence", "");
      std::printf("%s\n", reply.c_str());
      if (std::fflush(stdout) != 0) _exit(errno == EPIPE ? 141 : nemo::kExitInternal);
    } else if (o.stream) {
      nemo::WriteJson(ctx, nemo::JsonStyle::kCompact);  // NDJSON: the context is one line too
      if (std::ferror(stdout)) _exit(errno == EPIPE ? 141 : nemo::kExitInternal);
    } else {
      prog.WriteContext(ctx);
    }
    return 0;
  });
}
