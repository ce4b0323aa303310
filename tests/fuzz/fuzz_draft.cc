// Runs the draft functions over random JSON: the input split in two is a "before" and an
// "after" draft, each parsed as JSON or else taken as a (string) draft. Nothing may throw.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "draft.h"

namespace {

nlohmann::json Draft(std::string_view text) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded()) return nlohmann::json(std::string(text));
  return j;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::size_t cut = input.find('\x00');
  if (cut == std::string_view::npos) cut = input.size();
  nlohmann::json before = Draft(input.substr(0, cut));
  nlohmann::json after = Draft(cut < input.size() ? input.substr(cut + 1) : std::string_view());
  for (const auto* d : {&before, &after}) {
    nlohmann::json normal = nemo::NormalizeDraft(*d);
    if (!normal.is_object()) __builtin_trap();
    std::string summary = nemo::TrackSummary(*d);
    if (summary.find('\n') != std::string::npos) __builtin_trap();
    if (nemo::DraftReady(*d) && summary == "Timeline is empty") __builtin_trap();
    (void)nlohmann::json(summary).dump();  // only parsed text reaches it: valid UTF-8
  }
  nlohmann::json changes = nemo::DraftChanges(before, after);
  if (!changes["items"].is_array() || !changes["sentence"].is_string()) __builtin_trap();
  (void)changes.dump();
  nlohmann::json same = nemo::DraftChanges(after, after);
  if (same["sentence"] != "No change to the draft") __builtin_trap();
  return 0;
}
