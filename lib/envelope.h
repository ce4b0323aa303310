// Decoding of the API's replies. The service answers in three envelope shapes
// ({code,message,data}, {success,data,error}, plain objects), puts errors either on HTTP 200
// with a non-zero code or on an HTTP error status, and a proxy in front of it may answer with
// an HTML page. Whatever arrives becomes either the payload or one typed Error.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace nemo {

struct ApiReply {
  long status = 0;
  std::string content_type;
  std::string body;
};

// What a plain object (no code, no success) with an "error" member is: an error reply, or (for
// export jobs, whose top-level shape has "status" and the job's own "error") the payload.
enum class Plain { kErrorMemberFails, kJob };

// Returns the payload (`data` when the envelope has one, else the whole object).
// Throws Error with the exit code of the spec's table, the API code wherever the shape put it,
// and the HTTP status.
nlohmann::json DecodeEnvelope(const ApiReply& reply, Plain plain = Plain::kErrorMemberFails);

// A short, printable excerpt of a body that was not JSON (the <title> of an HTML page if any).
std::string BodyExcerpt(const std::string& body);

}  // namespace nemo
