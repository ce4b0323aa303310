// Every envelope shape and error placement the API notes list, decoded to a payload or exit code.
#include "envelope.h"

#include <gtest/gtest.h>

#include "error.h"

using nemo::ApiReply;
using nemo::DecodeEnvelope;
using nemo::Error;

namespace {
int ExitOf(const ApiReply& reply) {
  try {
    DecodeEnvelope(reply);
  } catch (const Error& e) {
    return e.exit_code();
  }
  return 0;
}
}  // namespace

TEST(Envelope, CodeZeroReturnsData) {
  auto data =
      DecodeEnvelope({200, "application/json", R"({"code":0,"message":"ok","data":{"x":1}})"});
  EXPECT_EQ(data["x"], 1);
}

TEST(Envelope, SuccessTrueReturnsData) {
  auto data =
      DecodeEnvelope({200, "", R"({"success":true,"data":{"id":"r1","status":"pending"}})"});
  EXPECT_EQ(data["id"], "r1");
}

TEST(Envelope, PlainObjectIsThePayload) {
  auto data = DecodeEnvelope({200, "", R"({"id":"r1","status":"completed","output":{"url":"u"}})"});
  EXPECT_EQ(data["output"]["url"], "u");
}

TEST(Envelope, ErrorCodeOnHttp200MapsToExitTable) {
  EXPECT_EQ(ExitOf({200, "", R"({"code":1001,"message":"token expired"})"}), nemo::kExitAuth);
  EXPECT_EQ(ExitOf({200, "", R"({"code":1002,"message":"no session"})"}),
            nemo::kExitSessionNotFound);
  EXPECT_EQ(ExitOf({200, "", R"({"code":2001,"message":"no credits"})"}), nemo::kExitNoCredits);
  EXPECT_EQ(ExitOf({200, "", R"({"code":4001,"message":"bad type"})"}), nemo::kExitUnsupportedFile);
  EXPECT_EQ(ExitOf({200, "", R"({"code":"4002","message":"too big"})"}), nemo::kExitFileTooLarge);
}

TEST(Envelope, ErrorCodeOnHttpErrorStatusMapsToExitTable) {
  EXPECT_EQ(ExitOf({401, "", R"({"code":1001,"message":"token expired"})"}), nemo::kExitAuth);
  EXPECT_EQ(ExitOf({404, "", R"({"code":1002,"message":"session not found"})"}),
            nemo::kExitSessionNotFound);
}

TEST(Envelope, ApiCodeIsCarriedForTheErrorLine) {
  try {
    DecodeEnvelope({413, "", R"({"code":4002,"message":"file too large"})"});
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.api_code(), 4002);
    EXPECT_FALSE(e.hint().empty());
  }
}

TEST(Envelope, HttpStatusesWithoutCodes) {
  EXPECT_EQ(ExitOf({402, "", R"({"success":false,"error":{"code":"PLAN","message":"upgrade"}})"}),
            nemo::kExitPlanBlocked);
  EXPECT_EQ(ExitOf({429, "", R"({"message":"slow down"})"}), nemo::kExitRateLimited);
  EXPECT_EQ(ExitOf({403, "", R"({"message":"scope"})"}), nemo::kExitAuth);
  EXPECT_EQ(ExitOf({503, "", R"({"code":503,"message":"unavailable"})"}), nemo::kExitBadResponse);
  EXPECT_EQ(ExitOf({404, "", R"({"error":"Session not found: s1"})"}), nemo::kExitSessionNotFound);
}

TEST(Envelope, SuccessFalseOn200IsAnError) {
  EXPECT_NE(ExitOf({200, "", R"({"success":false,"error":"render failed"})"}), 0);
}

TEST(Envelope, HtmlPageIsExit13WithTitleExcerpt) {
  try {
    DecodeEnvelope({502, "text/html",
                    "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"});
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.exit_code(), nemo::kExitBadResponse);
    EXPECT_NE(std::string(e.what()).find("502 Bad Gateway"), std::string::npos) << e.what();
  }
}

TEST(Envelope, BrokenJsonAndEmptyBodiesAreExit13) {
  EXPECT_EQ(ExitOf({200, "application/json", "{\"code\":0,"}), nemo::kExitBadResponse);
  EXPECT_EQ(ExitOf({200, "", ""}), nemo::kExitBadResponse);
  EXPECT_EQ(ExitOf({200, "", "[1,2]"}), nemo::kExitBadResponse);
}

TEST(Envelope, AdkErrorObjectOn200IsAnError) {
  EXPECT_NE(ExitOf({200, "", R"({"error":"No parts in the newMessage."})"}), 0);
}

namespace {
// The error an envelope decodes to, for the cases that check more than the exit code.
Error ErrorOf(const ApiReply& reply) {
  try {
    DecodeEnvelope(reply);
  } catch (const Error& e) {
    return e;
  }
  return Error(0, "no error");
}
}  // namespace

// One case per shape the service (or a gateway) may use for "no credits": the code survives
// each, on HTTP 200 and on an error status alike.
TEST(Envelope, EveryShapeKeepsItsCode) {
  const char* bodies[] = {
      R"({"code":2001,"message":"insufficient credits","data":null})",
      R"({"code":"2001","message":"insufficient credits"})",
      R"({"success":false,"error":{"code":2001,"message":"insufficient credits"}})",
      R"({"success":false,"error":{"code":"2001","message":"insufficient credits"}})",
      R"({"success":false,"code":2001,"message":"insufficient credits","error":"insufficient credits"})",
      R"({"success":false,"code":"2001","error":"insufficient credits"})",
      R"({"errorCode":"2001","errorMessage":"insufficient credits"})",
  };
  for (long status : {200L, 402L, 400L}) {
    for (const char* body : bodies) {
      Error e = ErrorOf({status, "application/json", body});
      EXPECT_EQ(e.exit_code(), nemo::kExitNoCredits) << status << " " << body;
      EXPECT_EQ(e.api_code(), 2001) << status << " " << body;
      EXPECT_NE(std::string(e.what()).find("insufficient credits"), std::string::npos) << e.what();
    }
  }
}

TEST(Envelope, SuccessFalseWithAStringErrorKeepsTheTopLevelCode) {
  Error e =
      ErrorOf({200, "",
               R"({"success":false,"code":1002,"message":"session gone","error":"session gone"})"});
  EXPECT_EQ(e.exit_code(), nemo::kExitSessionNotFound);
  EXPECT_EQ(e.api_code(), 1002);
}

TEST(Envelope, ErrorsCarryTheirHttpStatus) {
  EXPECT_EQ(ErrorOf({404, "text/html", "<html><title>404 Not Found</title></html>"}).http_status(),
            404);
  EXPECT_EQ(ErrorOf({503, "", R"({"code":503,"message":"down"})"}).http_status(), 503);
  EXPECT_EQ(ErrorOf({200, "", R"({"code":1001})"}).http_status(), 200);
}

// A code means one thing wherever it rides: an unknown 4xxx is a refused input on HTTP 200 as on
// HTTP 400, and a code that is an HTTP status means that status.
TEST(Envelope, CodesMeanTheSameOnEveryStatus) {
  for (long status : {200L, 400L}) {
    EXPECT_EQ(ExitOf({status, "", R"({"code":4003,"message":"cannot fetch the URL"})"}),
              nemo::kExitUsage);
    EXPECT_EQ(ExitOf({status, "", R"({"success":false,"error":{"code":4003}})"}), nemo::kExitUsage);
  }
  EXPECT_EQ(ExitOf({200, "", R"({"code":429,"message":"slow down"})"}), nemo::kExitRateLimited);
  EXPECT_EQ(ExitOf({200, "", R"({"code":402,"message":"plan"})"}), nemo::kExitPlanBlocked);
  EXPECT_EQ(ExitOf({200, "", R"({"code":503,"message":"down"})"}), nemo::kExitBadResponse);
}

// A proxy's page has only its status to go by.
TEST(Envelope, HtmlPagesByStatus) {
  auto page = [](long status) {
    return ApiReply{status, "text/html", "<html><head><title>x</title></head></html>"};
  };
  EXPECT_EQ(ExitOf(page(401)), nemo::kExitAuth);
  EXPECT_EQ(ExitOf(page(402)), nemo::kExitPlanBlocked);
  EXPECT_EQ(ExitOf(page(413)), nemo::kExitFileTooLarge);
  EXPECT_EQ(ExitOf(page(429)), nemo::kExitRateLimited);
  EXPECT_EQ(ExitOf(page(400)), nemo::kExitBadResponse);
  EXPECT_EQ(ExitOf(page(404)), nemo::kExitBadResponse);
  EXPECT_EQ(ExitOf(page(502)), nemo::kExitBadResponse);
}

// The top-level job shape: its "error" member is the failed job's reason, not a failed reply.
TEST(Envelope, PlainJobWithErrorIsAPayloadForJobs) {
  ApiReply job{200, "", R"({"id":"r1","status":"failed","error":"ffmpeg crashed"})"};
  EXPECT_EQ(DecodeEnvelope(job, nemo::Plain::kJob)["error"], "ffmpeg crashed");
  EXPECT_NE(ExitOf(job), 0);
  // …but not when the status says the reply itself failed.
  EXPECT_EQ(ExitOf({404, "", R"({"status":404,"error":"Not Found"})"}), nemo::kExitBadResponse);
}
