#include "run.h"

#include <thread>
#include <vector>

#include "agent.h"

namespace sandbox {

using nlohmann::json;

void Run::Push(const json& event) {
  std::lock_guard lock(mu);
  events.push_back(event.dump());
  cv.notify_all();
}

void Run::Finish() {
  std::lock_guard lock(mu);
  finished = true;
  cv.notify_all();
}

namespace {

constexpr const char* kSignature = "(nemo-sandbox scripted agent)";

json AdkBase(const std::string& invocation) {
  return {{"id", RandomHex(8) + "-" + RandomHex(4) + "-" + RandomHex(4) + "-" + RandomHex(12)},
          {"invocationId", invocation},
          {"author", "nemo_agent"},
          {"timestamp", NowMs()},
          {"actions", {{"stateDelta", json::object()}}}};
}

// Splits text into 2–4 chunks at spaces (or anywhere in a single word); they join back exactly.
std::vector<std::string> Chunks(const std::string& text) {
  size_t words = 1;
  for (char c : text) words += c == ' ';
  size_t k = std::clamp<size_t>(words / 4, 2, 4);
  k = std::min(k, std::max<size_t>(text.size(), 1));
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t i = 1; i <= k && start < text.size(); ++i) {
    size_t end = i == k ? text.size() : text.size() * i / k;
    size_t space = text.find(' ', end);
    if (i < k && space != std::string::npos && space + 1 < text.size()) end = space + 1;
    if (end <= start) continue;
    out.push_back(text.substr(start, end - start));
    start = end;
  }
  if (start < text.size()) out.back() += text.substr(start);
  return out;
}

// Writes events in the run's dialect.
class Emitter {
 public:
  Emitter(Run& run, const RunRequest& r)
      : run_(run),
        typed_(r.dialect == "typed"),
        streaming_(r.streaming),
        invocation_("e-" + RandomHex(8) + "-" + RandomHex(4)) {}

  void Text(const std::string& text) {
    if (typed_) return run_.Push({{"type", "text"}, {"content", text}});
    if (streaming_) {
      for (const auto& chunk : Chunks(text)) Partial(chunk);
    }
    json e = AdkBase(invocation_);
    e["content"] = {{"role", "model"}, {"parts", json::array({{{"text", text}}})}};
    run_.Push(e);
  }

  void Partial(const std::string& chunk) {
    if (typed_) return;
    json e = AdkBase(invocation_);
    e["content"] = {{"role", "model"}, {"parts", json::array({{{"text", chunk}}})}};
    e["partial"] = true;
    run_.Push(e);
  }

  std::string ToolCall(const std::string& name, const json& args) {
    std::string id = "adk-" + RandomHex(8) + "-" + RandomHex(4) + "-" + RandomHex(12);
    if (typed_) {
      run_.Push({{"type", "tool_call"}, {"name", name}, {"args", args}});
    } else {
      json e = AdkBase(invocation_);
      e["content"] = {
          {"role", "model"},
          {"parts",
           json::array({{{"functionCall", {{"id", id}, {"name", name}, {"args", args}}}}})}};
      run_.Push(e);
    }
    return id;
  }

  void ToolResult(const std::string& id, const std::string& name, const json& result) {
    if (typed_) return run_.Push({{"type", "tool_result"}, {"name", name}, {"result", result}});
    json e = AdkBase(invocation_);
    // ADK quirk kept on purpose: a tool result's role is "user" although the agent wrote it.
    e["content"] = {
        {"role", "user"},
        {"parts", json::array({{{"functionResponse",
                                 {{"id", id}, {"name", name}, {"response", result}}}}})}};
    run_.Push(e);
  }

 private:
  Run& run_;
  bool typed_, streaming_;
  std::string invocation_;
};

void Flood(Emitter& e, int64_t n) {
  for (int64_t i = 0; i < n; ++i) e.Partial("x");
  std::string all(static_cast<size_t>(n), 'x');
  e.Text(all);
}

// The fault run_error: the run fails once its first tool has changed the draft. The work is
// done and charged; only the stream says the run failed.
struct MidRunFailure {
  std::string shape;
};

void FailIfAsked(Sandbox& sb) {
  std::string shape = sb.faults.Str("run_error");
  if (!shape.empty()) throw MidRunFailure{shape};
}

json MidRunErrorEvent(const std::string& shape, const std::string& invocation) {
  const char* message = "the agent failed while working on the request";
  if (shape == "typed") return {{"type", "error"}, {"message", message}};
  if (shape == "error") return {{"error", message}};
  json e = AdkBase(invocation);
  e.erase("actions");
  e["errorCode"] = "MALFORMED_FUNCTION_CALL";
  e["errorMessage"] = message;
  return e;
}

// A prompt that leaves the subject open ("make a video"): ask, in the shape NemoVideo's agent
// uses, an ask_question tool call with the question and its choices, and change nothing. The
// run ends on the call (no tool result): the next message is the answer.
void Ask(Emitter& e, bool silent) {
  json args = {{"question", "What should the video show?"},
               {"choices", json::array({"a city at night", "ocean waves at sunset",
                                        "my uploaded photos", "a product showcase"})},
               {"allow_free_text", true}};
  if (!silent) e.Text("Before I start: what should the video show? " + std::string(kSignature));
  e.ToolCall("ask_question", args);
}

// Returns false when the sandbox is stopping and the run must give up.
bool Generate(Sandbox& sb, Emitter& e, const RunRequest& r, bool silent, bool* asked) {
  Intent intent = ParseIntent(r.message);
  if (SubjectOpen(intent)) {
    Ask(e, silent);
    *asked = true;
    return true;
  }
  auto session = sb.store.GetSession(r.session_id);
  json uploads = session ? session->video_infos : json::array();
  int64_t total = intent.duration_ms.value_or(10000);
  json args = {{"prompt", r.message},
               {"duration", total / 1000.0},
               {"aspect_ratio", intent.aspect.empty() ? "16:9" : intent.aspect}};
  std::string id = e.ToolCall("generate_video", args);
  if (!sb.Sleep(sb.WorkTime())) return false;
  json draft = RawVideoDraft(intent, uploads);
  sb.store.SetDraft(r.session_id, draft);
  e.ToolResult(id, "generate_video",
               {{"status", "success"},
                {"duration", total / 1000.0},
                {"segments", draft["t"][0]["sg"].size()}});
  FailIfAsked(sb);
  if (!silent) e.Text("Raw video ready, adding music and title…");

  id = e.ToolCall("auto_post_production",
                  {{"add_bgm", !intent.remove_music}, {"add_title", !intent.remove_title}});
  if (!sb.Sleep(sb.WorkTime() / 2)) return false;
  draft = PostProduce(draft, intent);
  sb.store.SetDraft(r.session_id, draft);
  e.ToolResult(id, "auto_post_production",
               {{"status", "success"}, {"timeline", DescribeDraft(draft)}});
  if (!silent) {
    // Said from the draft as stored, not from what the message asked for.
    char secs[32];
    std::snprintf(secs, sizeof secs, "%g", DraftDurationMs(draft) / 1000.0);
    e.Text(std::string("Your ") + secs + "-second video is ready: " + DescribeDraft(draft) +
           ". Click the Export button to download it. " + kSignature);
  }
  return true;
}

bool Edit(Sandbox& sb, Emitter& e, const RunRequest& r, bool silent) {
  Intent intent = ParseIntent(r.message);
  std::string id = e.ToolCall("edit_timeline", {{"instruction", r.message}});
  if (!sb.Sleep(sb.WorkTime() / 2)) return false;
  auto session = sb.store.GetSession(r.session_id);
  json before = session ? session->draft : json::object();
  json uploads = session ? session->video_infos : json::array();
  json draft = ApplyEdit(before, intent, uploads);
  // What the reply claims is the difference between the drafts, nothing else.
  json diff = DiffDrafts(before, draft, intent.document);
  std::vector<std::string> changes;
  for (const auto& item : diff) changes.push_back(item["text"]);
  if (!diff.empty()) sb.store.SetDraft(r.session_id, draft);
  e.ToolResult(id, "edit_timeline", {{"status", "success"}, {"changes", changes}, {"diff", diff}});
  FailIfAsked(sb);
  if (silent) return true;
  std::string what;
  for (const auto& c : changes) what += (what.empty() ? "" : "; ") + c;
  if (what.empty()) {
    e.Text(std::string("Done: nothing changed (I understand titles in quotes, music and its "
                       "volume, durations, aspect ratios, uploads by name, and quieter, louder, "
                       "shorter, longer, faster, slower, brighter, darker). ") +
           kSignature);
  } else {
    e.Text("Done: " + what + ". " + kSignature);
  }
  return true;
}

}  // namespace

json CreditsErrorEvent(const std::string& dialect, const std::string& message) {
  if (dialect == "typed") return {{"type", "error"}, {"code", 2001}, {"message", message}};
  json e = AdkBase("e-" + RandomHex(8));
  e.erase("actions");
  e["errorCode"] = "2001";
  e["errorMessage"] = message;
  return e;
}

void StartRun(Sandbox& sb, std::shared_ptr<Run> run, RunRequest r) {
  std::thread([&sb, run, r] {
    Emitter e(*run, r);
    bool silent = sb.faults.Flag("silent");
    bool completed = true, asked = false;
    try {
      if (r.flood > 0) {
        Flood(e, r.flood);
      } else if (r.generation) {
        completed = Generate(sb, e, r, silent, &asked);
      } else {
        completed = Edit(sb, e, r, silent);
      }
    } catch (const MidRunFailure& failure) {
      run->Push(MidRunErrorEvent(failure.shape, "e-" + RandomHex(8)));
      completed = false;
    } catch (const std::exception& ex) {
      // ADK's shape for a failure after the stream started; the sandbox itself carries on.
      run->Push({{"error", std::string("agent failed: ") + ex.what()}});
      completed = false;
    }
    if (completed && !silent && r.flood == 0 && sb.faults.Flag("trailing_issue")) {
      e.Text("I encountered a temporary issue. Please try again.");
    }
    // A question did no work: its credits go back, as an unanswered turn costs nothing.
    if (asked) {
      sb.store.Refund(r.user_id, r.cost);
    } else {
      sb.store.Settle(r.user_id, r.cost);
    }
    sb.store.EndRun(r.session_id);
    run->Finish();
  }).detach();
}

}  // namespace sandbox
