// Turns the server's SSE events into the suite's normalized events (SPEC.md, "Normalized event")
// and keeps what the run produced. Two dialects exist and both must work: Google ADK `Event`
// objects (what the backend most likely sends) and the `{"type":…}` events of one published
// reference. Nothing here throws on what the server sends: unknown shapes become "status" events.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "error.h"
#include "sse.h"

namespace nemo {

class EventNormalizer {
 public:
  // `fast_path`: ADK partial texts are read without a full JSON parse (same result; tests compare
  // both ways).
  explicit EventNormalizer(bool fast_path = true) : fast_path_(fast_path) {}

  // The normalized events for one SSE event, in order; `now_ms` is a monotonic clock reading
  // (injected so tool durations are testable).
  std::vector<nlohmann::json> Normalize(const SseEvent& event, long long now_ms);
  // End of stream: streamed chunks that never got their aggregate become a text of their own.
  void Flush();
  nlohmann::json Keepalive() const { return {{"type", "heartbeat"}}; }

  // The final reply: texts() with GUI phrases translated, joined by a blank line.
  std::string reply() const;
  // Complete texts, each once: the aggregate of streamed chunks, never the chunks as well.
  const std::vector<std::string>& texts() const { return texts_; }
  // [{"name","ok","seconds"}] in call order; a call still without a result has "pending":true.
  nlohmann::json tools() const;
  // Whether the run said anything (streamed chunks count): no text at all is a silent completion.
  bool saw_text() const { return !texts_.empty() || !chunks_.empty(); }
  // The first error event, mapped to an exit code.
  const std::optional<Error>& failure() const { return failure_; }

 private:
  struct Tool {
    std::string id;
    std::string name;
    long long started_ms = 0;
    std::optional<bool> ok;
    double seconds = 0;
  };

  void Adk(const nlohmann::json& event, long long now_ms, std::vector<nlohmann::json>& out);
  void Typed(const nlohmann::json& event, long long now_ms, std::vector<nlohmann::json>& out);
  void Text(const std::string& text, std::vector<nlohmann::json>& out);
  void Delta(const std::string& chunk, std::vector<nlohmann::json>& out);
  void FlushChunks(std::vector<nlohmann::json>& out);
  void ToolCall(const std::string& name, const nlohmann::json& args, const std::string& id,
                long long now_ms, std::vector<nlohmann::json>& out);
  void ToolResult(const std::string& name, const nlohmann::json& result, const std::string& id,
                  std::optional<bool> ok, long long now_ms, std::vector<nlohmann::json>& out);
  void Failure(const nlohmann::json& code, const std::string& message,
               std::vector<nlohmann::json>& out);

  std::vector<std::string> texts_;
  // Streamed chunks waiting for their aggregate, joined (each chunk is non-empty).
  std::string chunks_;
  std::vector<Tool> tools_;
  long long last_ms_ = 0;
  std::optional<Error> failure_;
  bool fast_path_ = true;
  std::vector<std::string> fast_texts_;  // the fast path's texts (reused)
};

// The nemo::Error for a run that ended in an error event: 2001 -> no credits, 1002 or
// "Session not found" -> session, 1001 -> auth, anything else -> job failed. `code` is a number,
// a string ("2001", "MALFORMED_FUNCTION_CALL") or null.
Error RunError(const nlohmann::json& code, const std::string& message);

}  // namespace nemo
