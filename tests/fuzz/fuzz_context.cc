// Feeds random bytes to ContextReader in random chunks and checks that the merged context does
// not depend on where the chunks were cut, that bad input throws only Error(kExitUsage) with a
// one-line message, and that a single JSON object reads back as exactly that object.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "context.h"
#include "error.h"
#include "exit_code.h"

namespace {

struct Result {
  nlohmann::json context;
  std::string error;
  bool threw = false;
};

Result Read(std::string_view stream, std::string_view cuts, bool whole) {
  Result r;
  nemo::ContextReader reader;
  try {
    if (whole) {
      reader.Feed(stream);
    } else {
      std::size_t pos = 0;
      for (std::size_t i = 0; pos < stream.size(); ++i) {
        unsigned char b = cuts.empty() ? 1 : static_cast<unsigned char>(cuts[i % cuts.size()]);
        if (b % 9 == 0) reader.Feed({});  // an empty read must be harmless
        std::size_t n = 1 + b % 8;
        reader.Feed(stream.substr(pos, n));
        pos += n;
      }
    }
    reader.Finish();
    r.context = reader.context();
  } catch (const nemo::Error& e) {
    if (e.exit_code() != nemo::kExitUsage) __builtin_trap();
    r.error = e.what();
    if (r.error.find_first_of("\r\n") != std::string::npos) __builtin_trap();
    r.threw = true;
  }
  return r;
}

}  // namespace

// The first byte says how many of the next bytes choose the chunk sizes; the rest is stdin.
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::size_t ncuts = input.empty() ? 0 : static_cast<unsigned char>(input[0]) % 8;
  if (input.size() < 1 + ncuts) return 0;
  std::string_view cuts = input.substr(1, ncuts);
  std::string_view stream = input.substr(1 + ncuts);

  Result whole = Read(stream, cuts, true);
  Result split = Read(stream, cuts, false);
  if (whole.threw != split.threw) __builtin_trap();
  if (whole.threw ? whole.error != split.error : whole.context != split.context) __builtin_trap();
  if (!whole.threw && !whole.context.is_object()) __builtin_trap();

  // Oracle: one JSON object (nlohmann accepts it whole) reads back as that object. nlohmann
  // stops at a NUL byte as if the input ended there, so inputs with one are left out.
  if (stream.find('\0') != std::string_view::npos) return 0;
  nlohmann::json doc = nlohmann::json::parse(stream, nullptr, false);
  if (!doc.is_discarded() && doc.is_object()) {
    if (whole.threw || whole.context != doc) __builtin_trap();
  }
  return 0;
}
