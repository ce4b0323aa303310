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
