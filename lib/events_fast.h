// The fast path of EventNormalizer::Normalize (lib/events). Nearly every event of a long reply is
// an ADK partial text, and a full DOM parse of each costs more than everything else nemo-send does
// with it: this reads exactly that shape straight from the bytes. Its gain is measured (bench row
// 4); events_fast_test and fuzz_events compare it with the full parse.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace nemo {

// The fast path of Normalize: true when `data` (trimmed) is an ADK partial-text event whose only
// effect is its non-empty texts, given in `texts`; false for anything it does not recognize
// exactly (the full parse then decides). Exposed for tests.
bool AdkPartialTexts(std::string_view data, std::vector<std::string>& texts);

}  // namespace nemo
