// nemo-send: send one message to the session's agent and follow the run to its end. The message
// goes out exactly once: a timeout or a broken stream is never answered by sending it again
// (the backend keeps working and would charge twice); a broken stream is recovered by reading
// the session state instead. The journal carries that promise across processes: a re-run after a
// crash or a kill recovers the run it finds recorded, and one that finished is not sent again.
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "cli.h"
#include "context.h"
#include "credits.h"
#include "document.h"
#include "draft.h"
#include "follow_up.h"
#include "journal.h"
#include "message.h"
#include "run.h"
#include "sha256.h"
#include "status_line.h"
#include "terminal.h"
#include "timeline.h"

namespace {

using nlohmann::json;

struct Options {
  std::string session;
  std::vector<std::string> words;
  std::vector<std::string> files;
  bool message_stdin = false;
  std::string timeout = "15m", idle_timeout = "10m", recover_timeout = "5m";
  bool stream = false, raw_events = false, text = false;
  bool again = false;
  long long cost = -1;  // -1: from the draft (generation or edit) and the environment
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

// The journal's record of this message, written before the request goes out. The draft before
// sending is kept so that a re-run can tell what the run changed.
json SendRecord(const std::string& api, const std::string& sid, const std::string& message,
                const json& before) {
  std::size_t cut = std::min<std::size_t>(message.size(), 80);
  // Never cut a UTF-8 character in half: back up to the start of the one at the cut.
  while (cut > 0 && cut < message.size() &&
         (static_cast<unsigned char>(message[cut]) & 0xC0) == 0x80) {
    --cut;
  }
  return {{"kind", "send"},
          {"api", api},
          {"session_id", sid},
          {"message_sha256", nemo::Sha256Hex(message)},
          {"message", message.substr(0, cut)},
          {"status", "sending"},
          {"pid", static_cast<long long>(getpid())},
          {"before", before}};
}

// An error the server gave instead of starting the run: nothing was done, a re-run may send.
bool Refused(const nemo::Error& e) {
  switch (e.exit_code()) {
    case nemo::kExitUsage:
    case nemo::kExitAuth:
    case nemo::kExitSessionNotFound:
    case nemo::kExitNoCredits:
    case nemo::kExitRateLimited:
      return true;
    default:
      return false;  // a timeout, Ctrl-C, a 5xx: the run may be going on without us
  }
}

// The keys this program adds to the context, kept in the journal so a re-run repeats them.
// Without `after` (the state after a completed run could not be read) the changes are unknown,
// and the summary is null: the one from upstream no longer describes the draft.
json Result(const nemo::RunResult* run, const json& before, const std::optional<json>& after) {
  json changes = after ? nemo::DraftChanges(before, *after)
                       : json{{"items", json::array()},
                              {"sentence", "Unknown: the session state could not be read"},
                              {"unknown", true}};
  return {{"reply", run ? run->events.reply() : ""},
          {"texts", run ? json(run->events.texts()) : json::array()},
          {"tools", run ? json(run->events.tools()) : json::array()},
          {"changes", changes},
          {"silent", run ? !run->events.saw_text() : true},
          {"recovered", run ? run->dropped : true},
          {"summary", after ? json(nemo::TrackSummary(*after)) : json(nullptr)}};
}

// A message whose run finished: its result again, not the message (SPEC "Replies and re-runs").
json Replay(const std::string& prog, const std::string& sid, const json& record, json ctx) {
  nemo::PrintWarning(prog, "this message already went to session " + sid + " at " +
                               record.value("created_at", "?") +
                               " and its run finished (journal); not sending it again, "
                               "repeating its result (--again sends it anyway)");
  ctx.update(record.value("result", json::object()));
  ctx["replayed"] = true;
  return ctx;
}

// A message whose run started and then ended in an error: what the run did before failing may
// be in the draft, and charged, so it is not sent again by itself. The failure is reported again
// with what the draft holds now that it did not before the message was sent.
[[noreturn]] void RepeatFailure(const std::string& sid, const json& record, const json& now) {
  json changes = nemo::DraftChanges(record.value("before", json::object()), now);
  throw nemo::Error(record.value("exit", static_cast<int>(nemo::kExitJobFailed)),
                    "this message went to session " + sid + " at " +
                        record.value("created_at", "?") + " and its run ended in an error (" +
                        record.value("error", std::string("no reason recorded")) +
                        "; journal); not sending it again",
                    "since it was sent: " + changes.value("sentence", std::string()) +
                        ". `--again` sends it again: a new run, charged again");
}

// A message sent by a nemo-send that ended before its run did (killed, timed out, interrupted):
// its outcome is read from the session state, as after a broken stream, and recorded.
json RecoverRecorded(const std::string& prog, nemo::Api& api, const std::string& sid,
                     nemo::Journal::Entry& entry, const json& before,
                     const nemo::RunOptions& follow, const Options& o, json ctx) {
  json record = *entry.value();
  nemo::PrintWarning(prog, "this message went to session " + sid + " at " +
                               record.value("created_at", "?") +
                               " and that nemo-send ended before its run did (journal); not "
                               "sending it again: reading the session state until the draft "
                               "settles (--again sends it anyway)");
  json sent_before = record.value("before", before);
  json after;
  try {
    after = nemo::RecoverAfterDrop(api, sid, sent_before, follow, o.recover_timeout);
  } catch (const nemo::Error& e) {
    if (e.exit_code() != nemo::kExitNetwork) throw;
    throw nemo::Error(nemo::kExitNetwork,
                      "the message was sent before (journal) and the draft did not change within " +
                          o.recover_timeout + " (--recover-timeout)",
                      "check with nemo-state; if the message never reached the service, send it "
                      "again with --again");
  }
  json result = Result(nullptr, sent_before, after);
  record["status"] = "done";
  record["exit"] = 0;
  record["result"] = result;
  record.erase("before");
  entry.Write(record);
  ctx.update(result);
  return ctx;
}

// The context on stdout (with --stream as the last NDJSON line; with --text only the reply), or
// into the -O file.
int Report(const nemo::Program& prog, const Options& o, const json& ctx) {
  bool to_stdout = prog.flags().context_out.empty() || prog.flags().context_out == "-";
  if (o.text) {
    std::string reply = ctx.value("reply", "");
    if (reply.empty() && ctx.contains("changes")) reply = ctx["changes"].value("sentence", "");
    prog.WriteOutput(reply + "\n");
  } else if (o.stream && to_stdout) {
    nemo::WriteJson(ctx, nemo::JsonStyle::kCompact);  // NDJSON: the context is one line too
    nemo::FlushStdoutOrExit(prog.name());
  } else {
    prog.WriteContext(ctx);
  }
  return 0;
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
  app.add_flag("--again", o.again,
               "Send even if the journal shows this message already went to this session");
  app.add_option("--cost", o.cost,
                 "Credits the message is expected to cost; fewer available: exit 5 before "
                 "sending (default 100 for a generation, 50 for an edit; 0: no check)")
      ->type_name("<n>")
      ->check(CLI::NonNegativeNumber);

  prog.set_context_on_stdout([&] { return !o.text; });  // --text: the reply alone
  return prog.Run(argc, argv, [&] {
    if (o.stream && o.text)
      throw nemo::Error(nemo::kExitUsage, "--stream and --text exclude each other");
    if (o.raw_events && !o.stream)
      throw nemo::Error(nemo::kExitUsage, "--raw-events needs --stream");
    nemo::RunOptions follow;
    follow.timeout_ms = nemo::ParseDurationMs(o.timeout, "--timeout");
    follow.idle_timeout_ms = nemo::ParseDurationMs(o.idle_timeout, "--idle-timeout");
    follow.recover_timeout_ms = nemo::ParseDurationMs(o.recover_timeout, "--recover-timeout");
    follow.poll_base_ms = nemo::PollBase(std::chrono::milliseconds(follow.poll_base_ms)).count();
    follow.raw_events = o.raw_events;

    // The message is checked before anything is sent: a bad one costs nothing.
    json ctx = o.message_stdin ? json::object() : prog.ReadContext();
    std::string message = ReadMessage(o);
    std::string sid = nemo::RequireSessionId(o.session, ctx);
    nemo::Api api = prog.MakeApi(ctx);
    // --timeout bounds everything: the state reads around the run as well as the run.
    long long deadline = nemo::MonotonicMs() + follow.timeout_ms;
    auto left = [&] { return deadline - nemo::MonotonicMs(); };
    const std::string& base = api.config().api_base;
    ctx["api"] = base;
    ctx["session_id"] = sid;

    // The journal entry of this message on this session, locked until this process ends: a
    // second nemo-send of the same message waits here, then sees what the first one did.
    nemo::Journal journal(nemo::JournalDir());
    nemo::Journal::Entry entry =
        journal.Open(nemo::SendKey(base, sid, nemo::Sha256Hex(message)), [&] {
          nemo::PrintWarning(prog.name(), "another nemo-send is sending this message to session " +
                                              sid + "; waiting for it to finish");
        });
    // The snapshot that silent completions and broken streams are compared with.
    json before = nemo::ReadDraft(api, sid, left());
    follow.timeout_ms = std::max(left(), 1LL);

    switch (nemo::DecideSend(entry.value(), o.again)) {
      case nemo::SendAction::kReplay:
        return Report(prog, o, Replay(prog.name(), sid, *entry.value(), ctx));
      case nemo::SendAction::kRecover:
        return Report(prog, o,
                      RecoverRecorded(prog.name(), api, sid, entry, before, follow, o, ctx));
      case nemo::SendAction::kRepeatFailure:
        RepeatFailure(sid, *entry.value(), before);
      case nemo::SendAction::kSend:
        break;
    }

    // Credits first: a batch stops here rather than half-way through, refused by the server.
    bool generation = nemo::IsGeneration(before);
    long long cost = o.cost >= 0 ? o.cost : nemo::ExpectedCost(generation);
    if (cost > 0) nemo::RequireCredits(nemo::AvailableCredits(api), cost, generation);

    // Recorded before the request goes out: from here on, a re-run never sends it again.
    json record = SendRecord(base, sid, message, before);
    // Named in the journal (nemo-state --journal) and in what an interruption says.
    std::string session_name = nemo::ContextString(ctx, "session_name").value_or("");
    if (!session_name.empty()) record["session_name"] = session_name;
    auto save = [&](const char* status) {
      record["status"] = status;
      entry.Write(record);
      record = *entry.value();  // with the times the journal stamped
    };
    save("sending");

    nemo::StatusLine status(prog.name(), nemo::StatusLine::Choose(prog.flags().quiet));
    bool unflushed = false;
    // Called after every chunk from the network: the events it held go out together, so each
    // reaches the reader as soon as it arrived, without one write per event.
    follow.on_tick = [&](long long elapsed_ms) {
      if (unflushed) {
        unflushed = false;
        nemo::FlushStdoutOrExit(prog.name());
      }
      status.Tick(elapsed_ms);
    };
    // One NDJSON line at a time, written like DumpJson(event, false) but into a buffer that is
    // reused for the whole stream (no allocations per event).
    std::string line;
    nlohmann::detail::serializer<json> serializer(nlohmann::detail::output_adapter<char>(line), ' ',
                                                  json::error_handler_t::replace);
    bool started = false;
    follow.on_event = [&](const json& event) {
      if (!started) {  // the server answered: the run is under way
        started = true;
        try {
          save("sent");
        } catch (const nemo::Error&) {
          // "sending" stays: a re-run treats it the same way
        }
      }
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

    nemo::RunResult run;
    std::optional<json> after;
    try {
      run = nemo::SendAndFollow(api, sid, message, follow);
      status.Clear();
      if (const auto& failure = run.events.failure()) throw nemo::RunFailure(*failure);
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
        std::string unread;  // why the state after the run could not be read
        after = nemo::ReadDraftAfterRun(api, sid, left(), &unread);
        if (!after) {
          nemo::PrintWarning(prog.name(),
                             "the message was delivered and the run completed, but the session "
                             "state could not be read (" +
                                 unread +
                                 "): `changes` is unknown; do not send the message again, check "
                                 "with nemo-state");
        }
      }
    } catch (const nemo::Error& e) {
      status.Clear();
      // Refused before its run started: a re-run sends again. A run that started and then
      // ended in an error: a re-run says so again and does not send (its work may be in the
      // draft, and charged). Anything else (a timeout, Ctrl-C, a broken stream that did not
      // settle): the run may still be going on, and a re-run reads the state.
      bool ended_in_error = run.events.failure().has_value();
      bool failed_after_start = ended_in_error && run.started;
      const char* outcome = failed_after_start             ? "run_failed"
                            : ended_in_error || Refused(e) ? "failed"
                                                           : "unfinished";
      record["exit"] = e.exit_code();
      if (failed_after_start) record["error"] = e.what();
      try {
        save(outcome);
      } catch (const nemo::Error&) {
        // The error that ended the run is the one to report.
      }
      if (nemo::IsInterruption(e)) {
        throw nemo::InterruptedSend(e.exit_code(), sid, session_name, started);
      }
      if (failed_after_start) {
        throw nemo::Error(e.exit_code(), e.what(),
                          "the run had started: what it did may be in the draft (nemo-state); "
                          "running this again does not send the message again (--again does)",
                          e.api_code(), e.http_status());
      }
      throw;
    }

    json result = Result(&run, before, after);
    if (run.dropped && !prog.flags().quiet) {
      nemo::PrintWarning(prog.name(), "recovered from the session state: " +
                                          result["changes"].value("sentence", std::string()));
    }
    // On a terminal the new draft is drawn (stderr: stdout stays the context).
    if (after && nemo::StderrIsTerminal() && !prog.flags().quiet) {
      std::string chart = nemo::DrawTimeline(*after, nemo::TimelineStyleForStderr());
      std::fwrite(chart.data(), 1, chart.size(), stderr);
    }
    record["result"] = result;
    record["exit"] = 0;
    record.erase("before");
    save("done");
    ctx.update(result);
    return Report(prog, o, ctx);
  });
}
