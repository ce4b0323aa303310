// Runs EventNormalizer over random SSE events: lines of the input are the data of successive
// events (so runs of events interact), and the whole input once more if it is valid JSON.
// Every normalized event and every result must serialize (no invalid UTF-8 leaks out), and the
// fast path for ADK partial texts must give exactly what the full parse gives.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "events.h"

namespace {

void Check(nemo::EventNormalizer& n, const nemo::SseEvent& event, long long now) {
  for (const auto& e : n.Normalize(event, now)) {
    if (!e.is_object() || !e.contains("type")) __builtin_trap();
    (void)e.dump();
  }
}

void Same(const nemo::EventNormalizer& a, const nemo::EventNormalizer& b) {
  if (a.texts() != b.texts() || a.saw_text() != b.saw_text() || a.reply() != b.reply() ||
      a.tools() != b.tools() || a.failure().has_value() != b.failure().has_value()) {
    __builtin_trap();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  nemo::EventNormalizer n;
  nemo::EventNormalizer full(false);  // no fast path: the reference
  long long now = 0;
  std::size_t pos = 0;
  while (pos <= input.size()) {
    std::size_t end = input.find('\n', pos);
    if (end == std::string_view::npos) end = input.size();
    std::string_view line = input.substr(pos, end - pos);
    nemo::SseEvent event;
    // A line "type|data" also gives the SSE event type.
    if (auto bar = line.find('|'); bar != std::string_view::npos && bar < 16) {
      event.type = std::string(line.substr(0, bar));
      line.remove_prefix(bar + 1);
    }
    event.data = std::string(line);
    now += static_cast<long long>(line.size()) * 37;
    std::vector<nlohmann::json> fast_events = n.Normalize(event, now);
    if (nlohmann::json(fast_events) != nlohmann::json(full.Normalize(event, now))) __builtin_trap();
    for (const auto& e : fast_events) {
      if (!e.is_object() || !e.contains("type")) __builtin_trap();
      (void)e.dump();
    }
    Same(n, full);
    pos = end + 1;
  }
  nlohmann::json whole = nlohmann::json::parse(input, nullptr, false);
  if (!whole.is_discarded()) Check(n, nemo::SseEvent{"", whole.dump(), "", std::nullopt}, now);
  n.Flush();
  (void)n.tools().dump();
  (void)nlohmann::json(n.texts()).dump();
  (void)nlohmann::json(n.reply()).dump();
  if (n.failure() && n.failure()->exit_code() == 0) __builtin_trap();
  if (!n.texts().empty() && !n.saw_text()) __builtin_trap();
  return 0;
}
