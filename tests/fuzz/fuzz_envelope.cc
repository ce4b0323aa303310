// Feeds random HTTP replies (status, content type, body) to DecodeEnvelope and checks that it
// either returns a payload or throws one nemo::Error with an exit code of the spec's table and a
// one-line, bounded message; nothing else may escape (no json exception, no crash).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "envelope.h"
#include "error.h"
#include "exit_code.h"

namespace {

bool IsTableExit(int code) {
  switch (code) {
    case nemo::kExitUsage:
    case nemo::kExitAuth:
    case nemo::kExitSessionNotFound:
    case nemo::kExitNoCredits:
    case nemo::kExitUnsupportedFile:
    case nemo::kExitFileTooLarge:
    case nemo::kExitPlanBlocked:
    case nemo::kExitRateLimited:
    case nemo::kExitTimeout:
    case nemo::kExitJobFailed:
    case nemo::kExitBadResponse:
      return true;
    default:
      return false;
  }
}

}  // namespace

// Input: 2 bytes of status (100..599), 1 byte choosing the content type, then the body.
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 3) return 0;
  nemo::ApiReply reply;
  reply.status = 100 + ((data[0] << 8) | data[1]) % 500;
  static const char* const kTypes[] = {"application/json", "text/html; charset=utf-8", "text/plain",
                                       ""};
  reply.content_type = kTypes[data[2] % 4];
  reply.body.assign(reinterpret_cast<const char*>(data + 3), size - 3);
  try {
    nlohmann::json payload = nemo::DecodeEnvelope(reply);
    // A payload only from a JSON object body and a non-error status.
    if (reply.status >= 400) __builtin_trap();
    (void)payload.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  } catch (const nemo::Error& e) {
    if (!IsTableExit(e.exit_code())) __builtin_trap();
    std::string_view message = e.what();
    if (message.empty() || message.size() > 1024) __builtin_trap();
    if (message.find_first_of("\r\n") != std::string_view::npos) __builtin_trap();
    if (e.hint().find_first_of("\r\n") != std::string::npos) __builtin_trap();
  }
  (void)nemo::BodyExcerpt(reply.body);
  return 0;
}
