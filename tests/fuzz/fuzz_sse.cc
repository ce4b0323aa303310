// Feeds random bytes into SseParser in random chunks and checks that the events do not depend on
// where the chunks were cut.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "error.h"
#include "sse.h"

namespace {

struct Result {
  std::vector<std::string> seen;
  bool threw = false;
};

// The first bytes of the input choose the chunk sizes; the rest is the stream.
Result Parse(std::string_view stream, std::string_view cuts, bool whole) {
  Result r;
  nemo::SseParser parser({[&](const nemo::SseEvent& e) {
                            r.seen.push_back(e.type + '\x01' + e.id + '\x01' + e.data + '\x01' +
                                             (e.retry ? std::to_string(*e.retry) : "-"));
                          },
                          [&] { r.seen.push_back("~"); }},
                         512);
  try {
    if (whole) {
      parser.Feed(stream);
    } else {
      std::size_t pos = 0;
      for (std::size_t i = 0; pos < stream.size(); ++i) {
        std::size_t n =
            cuts.empty() ? 1 : 1 + static_cast<unsigned char>(cuts[i % cuts.size()]) % 16;
        parser.Feed(stream.substr(pos, n));
        pos += n;
      }
    }
    parser.Finish();
  } catch (const nemo::Error& e) {
    if (e.exit_code() != nemo::kExitBadResponse) __builtin_trap();
    r.threw = true;
  }
  return r;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::size_t ncuts = input.empty() ? 0 : static_cast<unsigned char>(input[0]) % 8;
  if (input.size() < 1 + ncuts) return 0;
  std::string_view cuts = input.substr(1, ncuts);
  std::string_view stream = input.substr(1 + ncuts);
  Result whole = Parse(stream, cuts, true);
  Result split = Parse(stream, cuts, false);
  if (whole.threw != split.threw || whole.seen != split.seen) __builtin_trap();
  return 0;
}
