// POST /run_sse: starts a run and streams its events as Server-Sent Events, with keep-alives
// while a stage works. The stream is only a window on the run (see run.h).
#include <algorithm>

#include "agent.h"
#include "envelope.h"
#include "routes.h"
#include "run.h"

namespace sandbox {

using httplib::DataSink;
using httplib::Request;
using httplib::Response;
using nlohmann::json;

namespace {

// How often a waiting stream looks at the shutdown flag, whatever the keep-alive interval.
constexpr Millis kPoll{200};

bool WriteKeepAlive(Sandbox& sb, DataSink& sink) {
  static const std::string kComment = ": keep-alive\n\n";
  static const std::string kEmpty = "data:\n\n";
  static const std::string kHeartbeat = "data: {\"type\":\"heartbeat\"}\n\n";
  const std::string& frame = sb.opt.keepalive == "empty"       ? kEmpty
                             : sb.opt.keepalive == "heartbeat" ? kHeartbeat
                                                               : kComment;
  return sink.write(frame.data(), frame.size());
}

struct Stream {
  std::shared_ptr<Run> run;
  int64_t drop_after = 0;
  int64_t sent = 0;
  Clock::time_point last_write = Clock::now();
};

// One call of httplib's content provider: sends the next event, a keep-alive, or the end.
bool Pump(Sandbox& sb, Stream& s, DataSink& sink) {
  Run& run = *s.run;
  std::unique_lock lock(run.mu);
  auto ka_due = s.last_write + sb.opt.keepalive_interval;
  run.cv.wait_until(lock, std::min(ka_due, Clock::now() + kPoll),
                    [&] { return !run.events.empty() || run.finished; });
  if (sb.stopping) return false;
  if (!run.events.empty()) {
    std::string frame = "data: " + run.events.front() + "\n\n";
    run.events.pop_front();
    lock.unlock();
    if (!sink.write(frame.data(), frame.size())) return false;
    s.last_write = Clock::now();
    // drop_after: close mid-run without the chunked terminator, as a broken proxy would.
    return !(s.drop_after > 0 && ++s.sent >= s.drop_after);
  }
  if (run.finished) {
    lock.unlock();
    sink.done();
    return true;
  }
  lock.unlock();
  if (Clock::now() < ka_due) return true;
  s.last_write = Clock::now();
  return WriteKeepAlive(sb, sink);
}

std::string MessageText(const json& parts) {
  std::string text;
  for (const auto& p : parts) {
    if (p.is_object() && p.contains("text") && p["text"].is_string()) {
      // Appended: GCC 12 -O3 warns (-Wrestrict, a false alarm) on `(… ? "" : "\n") + string`.
      if (!text.empty()) text += '\n';
      text += p["text"].get<std::string>();
    }
  }
  return text;
}

}  // namespace

void AddSseRoutes(httplib::Server& svr, Sandbox& sb) {
  svr.Post("/run_sse", [&sb](const Request& req, Response& res) {
    std::string user;
    json body;
    if (!Admit(sb, req, res, &user) || !ParseBody(sb, req, res, &body)) return;
    // ADK's Python server takes both spellings; the documents use snake_case.
    std::string sid = body.value("session_id", body.value("sessionId", ""));
    if (!sb.store.GetSession(sid, user)) {
      // ADK's own answer, unless an error dialect is chosen for every endpoint.
      if (sb.faults.Str("error_dialect").empty()) {
        return SendJson(res, 404, {{"error", "Session not found: " + sid}});
      }
      return ErrorReply(sb, res, Envelope::kApi, 404, 1002, "Session not found: " + sid);
    }
    json msg = body.value("new_message", body.value("newMessage", json::object()));
    json parts = msg.is_object() ? msg.value("parts", json::array()) : json::array();
    res.set_header("Cache-Control", "no-cache");
    if (!parts.is_array() || parts.empty()) {
      res.set_content("data: {\"error\":\"No parts in the newMessage.\"}\n\n", "text/event-stream");
      return;
    }
    std::string dialect = sb.faults.Str("dialect");
    if (dialect.empty()) dialect = sb.opt.dialect;

    auto stream = std::make_shared<Stream>();
    stream->run = std::make_shared<Run>();
    stream->drop_after = sb.faults.Int("drop_after");
    json draft = sb.store.BeginMessage(sid);

    if (sb.faults.Flag("keepalive_only")) {
      // Never finishes: the stream ends only when the client goes away (or the sandbox stops).
      res.set_chunked_content_provider(
          "text/event-stream",
          [&sb, stream](size_t, DataSink& sink) { return Pump(sb, *stream, sink); },
          [&sb, sid](bool) { sb.store.EndRun(sid); });
    } else {
      RunRequest r;
      r.session_id = sid;
      r.user_id = user;
      r.message = MessageText(parts);
      r.dialect = dialect;
      r.streaming = body.value("streaming", false);
      r.generation = DraftDurationMs(draft) == 0;
      r.flood = sb.faults.TakeAll("flood");
      r.cost = r.flood > 0 ? 0 : (r.generation ? 100 : 50);
      int64_t available = 0;
      if (!sb.store.Freeze(user, r.cost, &available)) {
        stream->run->Push(CreditsErrorEvent(
            dialect, "Insufficient credits: this " +
                         std::string(r.generation ? "generation" : "edit") + " needs " +
                         std::to_string(r.cost) + ", " + std::to_string(available) + " available"));
        stream->run->Finish();
        sb.store.EndRun(sid);
      } else {
        StartRun(sb, stream->run, r);
      }
      // end_before_events: the response ends at once, as a proxy that gave up would end it,
      // while the run goes on and changes the draft.
      bool end_at_once = sb.faults.Flag("end_before_events");
      auto provider = [&sb, stream, end_at_once](size_t, DataSink& sink) {
        if (end_at_once) {
          sink.done();
          return true;
        }
        return Pump(sb, *stream, sink);
      };
      if (sb.faults.Flag("close_delimited")) {
        // No chunked encoding: the end of the response is the connection closing, so a client
        // cannot tell a finished stream from a cut one by the framing.
        res.set_content_provider("text/event-stream", provider);
      } else {
        res.set_chunked_content_provider("text/event-stream", provider);
      }
    }
  });
}

}  // namespace sandbox
