// The pipeline context: the JSON object each program reads on stdin, extends and writes on stdout.
#pragma once

#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace nemo {

// Reads a stream of JSON objects (NDJSON or concatenated) and merges them in order.
// Whitespace between objects is skipped as it arrives, so memory grows only with the objects.
// Bad JSON throws Error(kExitUsage) naming the byte offset.
class ContextReader {
 public:
  void Feed(std::string_view bytes);
  void Finish();  // end of input: a value cut short is an error
  const nlohmann::json& context() const { return context_; }

 private:
  void Complete();
  nlohmann::json context_ = nlohmann::json::object();
  std::string value_;            // the value being read
  std::size_t value_start_ = 0;  // its byte offset in the stream
  std::size_t offset_ = 0;       // bytes consumed so far
  int depth_ = 0;
  bool in_string_ = false;
  bool escaped_ = false;
  bool scalar_ = false;  // a top-level number/literal: ends at whitespace or a bracket
};

// Reads the context from `in` unless it is a terminal (then the context is empty).
nlohmann::json ReadContext(std::FILE* in = stdin);
nlohmann::json ParseContext(std::string_view text);

// Shallow merge, later keys win; `uploads` arrays are appended instead of replaced.
void MergeContext(nlohmann::json& into, const nlohmann::json& object);

// A string value of the context; absent or null → nullopt; another type → Error(kExitUsage).
std::optional<std::string> ContextString(const nlohmann::json& context, const std::string& key);

// The owner of the keys that say where a context belongs (nemo-video(7), CONTEXT KEYS): every
// program writes the API base it used, and the session it worked on, through these.
void SetApi(nlohmann::json& context, const std::string& api);
void SetSession(nlohmann::json& context, const std::string& api, const std::string& session_id);

// A new session starts a new story: drops what programs added about the earlier session's work
// (uploads, a reply and its changes, a replayed or recovered run, the state, a render, its file
// and contact sheet, a link, the local inputs), then SetSession.
void StartNewSession(nlohmann::json& context, const std::string& api,
                     const std::string& session_id);

}  // namespace nemo
