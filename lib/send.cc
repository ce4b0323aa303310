#include "send.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <optional>

#include "credits.h"
#include "draft.h"
#include "exit_code.h"
#include "follow_up.h"
#include "journal_record.h"
#include "output.h"
#include "sha256.h"
#include "status_line.h"
#include "terminal.h"
#include "timeline.h"

namespace nemo {

using nlohmann::json;

namespace {

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
          {"message_sha256", Sha256Hex(message)},
          {"message", message.substr(0, cut)},
          {"status", "sending"},
          {"pid", static_cast<long long>(getpid())},
          {"before", before}};
}

// An error the server gave instead of starting the run: nothing was done, a re-run may send.
bool Refused(const Error& e) {
  switch (e.exit_code()) {
    case kExitUsage:
    case kExitAuth:
    case kExitSessionNotFound:
    case kExitNoCredits:
    case kExitRateLimited:
      return true;
    default:
      return false;  // a timeout, Ctrl-C, a 5xx: the run may be going on without us
  }
}

// The keys this program adds to the context, kept in the journal so a re-run repeats them.
// Without `after` (the state after a completed run could not be read) the changes are unknown,
// and the summary is null: the one from upstream no longer describes the draft.
json Result(const RunResult* run, const json& before, const std::optional<json>& after) {
  json changes = after ? DraftChanges(before, *after)
                       : json{{"items", json::array()},
                              {"sentence", "Unknown: the session state could not be read"},
                              {"unknown", true}};
  return {{"reply", run ? run->events.reply() : ""},
          {"texts", run ? json(run->events.texts()) : json::array()},
          {"tools", run ? json(run->events.tools()) : json::array()},
          {"changes", changes},
          {"silent", run ? !run->events.saw_text() : true},
          {"recovered", run ? run->dropped : true},
          {"summary", after ? json(TrackSummary(*after)) : json(nullptr)}};
}

// A message whose run finished: its result again, not the message (SPEC "Replies and re-runs").
json Replay(const std::string& prog, const std::string& sid, const json& record) {
  PrintWarning(prog, "this message already went to session " + sid + " at " +
                         record.value("created_at", "?") +
                         " and its run finished (journal); not sending it again, "
                         "repeating its result (--again sends it anyway)");
  json keys = record.value("result", json::object());
  keys["replayed"] = true;
  return keys;
}

// A message whose run started and then ended in an error: what the run did before failing may
// be in the draft, and charged, so it is not sent again by itself. The failure is reported again
// with what the draft holds now that it did not before the message was sent.
[[noreturn]] void RepeatFailure(const std::string& sid, const json& record, const json& now) {
  json changes = DraftChanges(record.value("before", json::object()), now);
  throw Error(record.value("exit", static_cast<int>(kExitJobFailed)),
              "this message went to session " + sid + " at " + record.value("created_at", "?") +
                  " and its run ended in an error (" +
                  record.value("error", std::string("no reason recorded")) +
                  "; journal); not sending it again",
              "since it was sent: " + changes.value("sentence", std::string()) +
                  ". `--again` sends it again: a new run, charged again");
}

// A message sent by a nemo-send that ended before its run did (killed, timed out, interrupted):
// its outcome is read from the session state, as after a broken stream, and recorded.
json RecoverRecorded(Api& api, const SendRequest& request, Journal::Entry& entry,
                     const json& before, const RunOptions& follow) {
  json record = *entry.value();
  const std::string& sid = request.session_id;
  PrintWarning(request.program, "this message went to session " + sid + " at " +
                                    record.value("created_at", "?") +
                                    " and that nemo-send ended before its run did (journal); not "
                                    "sending it again: reading the session state until the draft "
                                    "settles (--again sends it anyway)");
  json sent_before = record.value("before", before);
  json after;
  try {
    after = RecoverAfterDrop(api, sid, sent_before, follow, request.recover_timeout_text);
  } catch (const Error& e) {
    if (e.exit_code() != kExitNetwork) throw;
    throw Error(kExitNetwork,
                "the message was sent before (journal) and the draft did not change within " +
                    request.recover_timeout_text + " (--recover-timeout)",
                "check with nemo-state; if the message never reached the service, send it "
                "again with --again");
  }
  json result = Result(nullptr, sent_before, after);
  record["status"] = "done";
  record["exit"] = 0;
  record["result"] = result;
  record.erase("before");
  entry.Write(record);
  return result;
}

// --stream: one NDJSON line per event on stdout, written like DumpJson(event, false) but into a
// buffer reused for the whole stream (no allocations per event). The lines a chunk from the
// network held go out together on the next tick, so each reaches the reader as soon as it
// arrived, without one write per event.
class EventLines {
 public:
  EventLines()
      : serializer_(nlohmann::detail::output_adapter<char>(line_), ' ',
                    json::error_handler_t::replace) {}
  void Write(const json& event) {
    line_.clear();
    serializer_.dump(event, false, false, 0);
    line_ += '\n';
    std::fwrite(line_.data(), 1, line_.size(), stdout);
    unflushed_ = true;
  }
  void Flush() {
    if (!unflushed_) return;
    unflushed_ = false;
    FlushStdoutOrExit("nemo-send");
  }

 private:
  std::string line_;
  nlohmann::detail::serializer<json> serializer_;
  bool unflushed_ = false;
};

// The run's end as the journal records it, and the error as the program reports it. Refused
// before its run started: a re-run sends again. A run that started and then ended in an error:
// a re-run says so again and does not send (its work may be in the draft, and charged). Anything
// else (a timeout, Ctrl-C, a broken stream that did not settle): the run may still be going on,
// and a re-run reads the state. Returns when `e` is to be reported as it is.
void RecordFailure(JournalRecord& record, const RunResult& run, const Error& e) {
  bool ended_in_error = run.events.failure().has_value();
  bool failed_after_start = ended_in_error && run.started;
  const char* outcome = failed_after_start             ? "run_failed"
                        : ended_in_error || Refused(e) ? "failed"
                                                       : "unfinished";
  (*record)["exit"] = e.exit_code();
  if (failed_after_start) (*record)["error"] = e.what();
  record.TrySave(outcome);  // the error that ended the run is the one to report
  if (failed_after_start) {
    throw Error(e.exit_code(), e.what(),
                "the run had started: what it did may be in the draft (nemo-state); "
                "running this again does not send the message again (--again does)",
                e.api_code(), e.http_status());
  }
}

}  // namespace

SendResult SendMessage(Api& api, const SendRequest& request, Journal& journal) {
  const std::string& prog = request.program;
  const std::string& sid = request.session_id;
  RunOptions follow = request.follow;
  // --timeout bounds everything: the state reads around the run as well as the run.
  long long deadline = MonotonicMs() + follow.timeout_ms;
  auto left = [&] { return deadline - MonotonicMs(); };
  const std::string& base = api.config().api_base;

  // The journal entry of this message on this session, locked until it is done with: a second
  // nemo-send of the same message waits here, then sees what the first one did.
  Journal::Entry entry = journal.Open(SendKey(base, sid, Sha256Hex(request.message)), [&] {
    PrintWarning(prog, "another nemo-send is sending this message to session " + sid +
                           "; waiting for it to finish");
  });
  // The snapshot that silent completions and broken streams are compared with.
  json before = ReadDraft(api, sid, left());
  follow.timeout_ms = std::max(left(), 1LL);

  SendAction action = DecideSend(entry.value(), request.again);
  switch (action) {
    case SendAction::kReplay:
      return {Replay(prog, sid, *entry.value()), action};
    case SendAction::kRecover:
      return {RecoverRecorded(api, request, entry, before, follow), action};
    case SendAction::kRepeatFailure:
      RepeatFailure(sid, *entry.value(), before);
    case SendAction::kSend:
      break;
  }

  // Credits first: a batch stops here rather than half-way through, refused by the server.
  bool generation = IsGeneration(before);
  long long cost = request.cost >= 0 ? request.cost : ExpectedCost(generation);
  // Reserved in the build's ledger, which parallel jobs share: settled when the run is over.
  CreditReservation credits(api, cost, generation, request.max_credits,
                            prog + ": " + (generation ? "generation" : "edit") + " in " + sid);

  // Recorded before the request goes out: from here on, a re-run never sends it again.
  JournalRecord record(entry, SendRecord(base, sid, request.message, before));
  // Named in nemo-state --journal's table.
  if (!request.session_name.empty()) (*record)["session_name"] = request.session_name;
  record.Save("sending");

  StatusLine status(prog, StatusLine::Choose(request.quiet));
  EventLines lines;
  // Called after every chunk from the network.
  follow.on_tick = [&](long long elapsed_ms) {
    lines.Flush();
    status.Tick(elapsed_ms);
  };
  bool started = false;
  follow.on_event = [&](const json& event) {
    if (!started) {  // the server answered: the run is under way
      started = true;
      record.TrySave("sent");  // else "sending" stays: a re-run treats it the same way
    }
    if (request.stream) {
      status.Clear();
      lines.Write(event);
    }
    status.Event(event);
  };

  RunResult run;
  std::optional<json> after;
  try {
    run = SendAndFollow(api, sid, request.message, follow);
    status.Clear();
    if (const auto& failure = run.events.failure()) throw RunFailure(*failure);
    if (run.dropped) {
      // A warning, not a note: the run went wrong, and scripts' logs should say so.
      if (!request.quiet) {
        PrintWarning(prog, "the stream broke mid-run (" + run.drop_reason +
                               "); the message is not sent again: reading the "
                               "session state until the draft settles");
      }
      follow.recover_timeout_ms = std::min(follow.recover_timeout_ms, std::max(left(), 0LL));
      after = RecoverAfterDrop(api, sid, before, follow, request.recover_timeout_text);
    } else {
      std::string unread;  // why the state after the run could not be read
      after = ReadDraftAfterRun(api, sid, left(), &unread);
      if (!after) {
        PrintWarning(prog,
                     "the message was delivered and the run completed, but the session "
                     "state could not be read (" +
                         unread +
                         "): `changes` is unknown; do not send the message again, check "
                         "with nemo-state");
      }
    }
  } catch (const Error& e) {
    status.Clear();
    // Refused before its run started: its credits are free again; otherwise it may be charged.
    bool ended_in_error = run.events.failure().has_value();
    if (ended_in_error ? run.started : !Refused(e)) credits.Started();
    RecordFailure(record, run, e);
    // Ctrl-C with the message out (or on its way): what is left behind, and how to follow it up.
    if (IsInterruption(e)) throw InterruptedSend(e.exit_code(), sid, request.session_name, started);
    throw;
  }

  json result = Result(&run, before, after);
  if (run.dropped && !request.quiet) {
    PrintWarning(prog, "recovered from the session state: " +
                           result["changes"].value("sentence", std::string()));
  }
  // On a terminal the new draft is drawn (stderr: stdout stays the context).
  if (after && StderrIsTerminal() && !request.quiet) {
    std::string chart = DrawTimeline(*after, TimelineStyleForStderr());
    std::fwrite(chart.data(), 1, chart.size(), stderr);
  }
  credits.Finish(api);
  (*record)["result"] = result;
  (*record)["exit"] = 0;
  record->erase("before");
  record.Save("done");
  return {result, SendAction::kSend};
}

}  // namespace nemo
