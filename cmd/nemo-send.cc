// nemo-send: send one message to the session's agent and follow the run to its end (lib/send:
// exactly once, recovered from the session state after a broken stream, journaled across
// processes). Here: the flags, the message, the context in and out.
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <string>
#include <vector>

#include "cli.h"
#include "context.h"
#include "depfile.h"
#include "document.h"
#include "journal.h"
#include "message.h"
#include "send.h"
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
  bool again = false;
  long long cost = -1;  // -1: from the draft (generation or edit) and the environment
  std::optional<long long> max_credits;
  std::string depfile;
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

// The flags as the library takes them; contradictory ones refused.
nemo::SendRequest RequestOf(const Options& o, bool quiet) {
  if (o.stream && o.text)
    throw nemo::Error(nemo::kExitUsage, "--stream and --text exclude each other");
  if (o.raw_events && !o.stream) throw nemo::Error(nemo::kExitUsage, "--raw-events needs --stream");
  nemo::SendRequest request;
  request.follow.timeout_ms = nemo::ParseDurationMs(o.timeout, "--timeout");
  request.follow.idle_timeout_ms = nemo::ParseDurationMs(o.idle_timeout, "--idle-timeout");
  request.follow.recover_timeout_ms = nemo::ParseDurationMs(o.recover_timeout, "--recover-timeout");
  request.follow.poll_base_ms =
      nemo::PollBase(std::chrono::milliseconds(request.follow.poll_base_ms)).count();
  request.follow.raw_events = o.raw_events;
  request.recover_timeout_text = o.recover_timeout;
  request.again = o.again;
  request.cost = o.cost;
  request.max_credits = o.max_credits;
  request.stream = o.stream;
  request.quiet = quiet;
  return request;
}

// The context on stdout (with --stream as the last NDJSON line; with --text only the reply), or
// into the -O file.
int Report(const nemo::Program& prog, const Options& o, json ctx) {
  nemo::AddInputs(ctx, o.files);
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
  nemo::WriteDepfile(o.depfile, prog.flags().context_out, nemo::ContextInputs(ctx));
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
  app.add_option("--max-credits", o.max_credits,
                 "The build's cap: spent and reserved credits of the ledger never cross it "
                 "(default NEMO_MAX_CREDITS; the ledger: NEMO_LEDGER, NEMO_BUDGET_ID)")
      ->type_name("<n>")
      ->check(CLI::NonNegativeNumber);
  app.add_option("-M,--depfile", o.depfile,
                 "Write a make depfile: the -O context depends on the -f documents (and the "
                 "context's earlier inputs: uploaded files)")
      ->type_name("<file>");

  prog.set_context_on_stdout([&] { return !o.text; });  // --text: the reply alone
  return prog.Run(argc, argv, [&] {
    nemo::SendRequest request = RequestOf(o, prog.flags().quiet);
    nemo::CheckDepfileTarget(o.depfile, prog.flags().context_out);
    // The message is checked before anything is sent: a bad one costs nothing.
    json ctx = o.message_stdin ? json::object() : prog.ReadContext();
    request.message = ReadMessage(o);
    request.session_id = nemo::RequireSessionId(o.session, ctx);
    request.session_name = nemo::ContextString(ctx, "session_name").value_or("");
    nemo::Api api = prog.MakeApi(ctx);
    nemo::SetSession(ctx, api.config().api_base, request.session_id);
    nemo::Journal journal(nemo::JournalDir());
    ctx.update(nemo::SendMessage(api, request, journal).context);
    return Report(prog, o, ctx);
  });
}
