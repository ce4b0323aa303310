#include "sse.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "error.h"

namespace nemo {
namespace {

// What a parser reported, in order: events as "type|id|data", keep-alives as "~".
std::vector<std::string> Collect(const std::vector<std::string_view>& chunks,
                                 std::size_t max_bytes = 16u << 20) {
  std::vector<std::string> seen;
  SseParser parser({[&](const SseEvent& e) {
                      seen.push_back(e.type + "|" + e.id + "|" + e.data +
                                     (e.retry ? "|retry=" + std::to_string(*e.retry) : ""));
                    },
                    [&] { seen.push_back("~"); }},
                   max_bytes);
  for (auto chunk : chunks) parser.Feed(chunk);
  parser.Finish();
  return seen;
}

std::vector<std::string> Whole(std::string_view stream) { return Collect({stream}); }

// A Google ADK generation run: partial chunks, the aggregate, a tool call and its response,
// NemoVideo-style comments and empty-data keep-alives, a final event without a blank line.
constexpr std::string_view kAdkRun =
    ": connected\n\n"
    "data: {\"invocationId\":\"e-1\",\"author\":\"nemo_agent\",\"partial\":true,"
    "\"content\":{\"role\":\"model\",\"parts\":[{\"text\":\"Sure, generating \"}]}}\n\n"
    "data: {\"invocationId\":\"e-1\",\"author\":\"nemo_agent\",\"partial\":true,"
    "\"content\":{\"role\":\"model\",\"parts\":[{\"text\":\"your video… 🎬\"}]}}\n\n"
    "data: {\"invocationId\":\"e-1\",\"author\":\"nemo_agent\",\"content\":{\"role\":\"model\","
    "\"parts\":[{\"text\":\"Sure, generating your video… 🎬\"},{\"functionCall\":{\"id\":\"adk-1\","
    "\"name\":\"generate_video_with_seedance\",\"args\":{\"prompt\":\"city\"}}}]}}\n\n"
    ": keep-alive\n\n"
    "data:\n\n"
    "data: {\"invocationId\":\"e-1\",\"author\":\"nemo_agent\",\"content\":{\"role\":\"user\","
    "\"parts\":[{\"functionResponse\":{\"id\":\"adk-1\",\"name\":\"generate_video_with_seedance\","
    "\"response\":{\"status\":\"ok\"}}}]}}\n\n"
    "data: {\"invocationId\":\"e-1\",\"author\":\"nemo_agent\",\"content\":{\"role\":\"model\","
    "\"parts\":[{\"text\":\"Done!\"}]}}";

// The typed dialect with CRLF line ends, a BOM, event/id/retry fields and multi-line data.
constexpr std::string_view kTypedCrlf =
    "\xEF\xBB\xBF"
    "retry: 3000\r\n"
    "event: message\r\n"
    "id: 7\r\n"
    "data: {\"type\":\"text\",\r\n"
    "data: \"content\":\"héllo\"}\r\n"
    "\r\n"
    ":ping\r\n"
    "\r\n"
    "event: heartbeat\r\n"
    "data: {\"type\":\"heartbeat\"}\r\n"
    "\r\n";

// Old-Mac CR line ends, a field without a colon and an unknown field.
constexpr std::string_view kCrOnly =
    "id: a\rdata: one\rdata: two\r\rdata\rbogus: x\rdata: three\r\r";

TEST(SseParser, ReportsEventsOfAnAdkRun) {
  std::vector<std::string> got = Whole(kAdkRun);
  ASSERT_EQ(got.size(), 8u);
  EXPECT_EQ(got[0], "~");  // a comment: its blank line is not reported again
  EXPECT_EQ(got[1].rfind("||{\"invocationId\"", 0), 0u);
  EXPECT_EQ(got[4], "~");
  EXPECT_EQ(got[5], "~");  // "data:" alone
  EXPECT_NE(got[7].find("Done!"), std::string::npos);
}

TEST(SseParser, GivesTheSameEventsForEverySplitOfRecordedStreams) {
  for (std::string_view stream : {kAdkRun, kTypedCrlf, kCrOnly}) {
    std::vector<std::string> whole = Whole(stream);
    for (std::size_t i = 0; i <= stream.size(); ++i) {
      ASSERT_EQ(Collect({stream.substr(0, i), stream.substr(i)}), whole) << "split at " << i;
    }
    for (std::size_t i = 0; i + 7 <= stream.size(); i += 3) {
      ASSERT_EQ(Collect({stream.substr(0, i), stream.substr(i, 7), stream.substr(i + 7)}), whole);
    }
  }
}

TEST(SseParser, GivesTheSameEventsWhenFedOneByteAtATime) {
  for (std::string_view stream : {kAdkRun, kTypedCrlf, kCrOnly}) {
    std::vector<std::string_view> bytes;
    for (std::size_t i = 0; i < stream.size(); ++i) bytes.push_back(stream.substr(i, 1));
    EXPECT_EQ(Collect(bytes), Whole(stream));
  }
}

TEST(SseParser, ReadsEventIdAndRetryFieldsAndStripsTheBom) {
  std::vector<std::string> got = Whole(kTypedCrlf);
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0], "message|7|{\"type\":\"text\",\n\"content\":\"héllo\"}|retry=3000");
  EXPECT_EQ(got[1], "~");
  EXPECT_EQ(got[2], "heartbeat|7|{\"type\":\"heartbeat\"}");
}

TEST(SseParser, JoinsMultiLineDataWithNewline) {
  EXPECT_EQ(Whole("data: a\ndata:b\ndata:  c\n\n"), std::vector<std::string>{"||a\nb\n c"});
}

TEST(SseParser, TreatsCrAsALineEndAndAFieldWithoutColonAsEmpty) {
  // "data" without a colon adds an empty line; the unknown field is ignored.
  EXPECT_EQ(Whole(kCrOnly), (std::vector<std::string>{"|a|one\ntwo", "|a|\nthree"}));
}

TEST(SseParser, CountsACrLfSplitAcrossFeedsAsOneLineEnd) {
  EXPECT_EQ(Collect({"data: x\r", "\n\r", "\n"}), std::vector<std::string>{"||x"});
}

TEST(SseParser, ReportsCommentsAsKeepalives) {
  EXPECT_EQ(Whole(": ping\n:\n\n"), (std::vector<std::string>{"~", "~"}));
}

TEST(SseParser, ReportsBlankLinesAfterBlankLinesAsKeepalives) {
  EXPECT_EQ(Whole("\ndata: a\n\n\n"), (std::vector<std::string>{"~", "||a", "~"}));
}

TEST(SseParser, ReportsEventsWithoutDataAsKeepalives) {
  EXPECT_EQ(Whole("data:\n\nevent: ping\n\n"), (std::vector<std::string>{"~", "~"}));
}

TEST(SseParser, DispatchesAFinalEventWithoutTrailingBlankLine) {
  EXPECT_EQ(Whole("data: last"), std::vector<std::string>{"||last"});
  EXPECT_EQ(Whole("data: last\n"), std::vector<std::string>{"||last"});
}

TEST(SseParser, KeepsTheLastEventIdAndIgnoresIdsWithNul) {
  std::vector<std::string> seen;
  SseParser parser({[&](const SseEvent& e) { seen.push_back(e.id); }, nullptr});
  parser.Feed("id: 1\ndata: a\n\ndata: b\n\n");
  parser.Feed(std::string_view("id: x\0y\ndata: c\n\n", 18));
  EXPECT_EQ(seen, (std::vector<std::string>{"1", "1", "1"}));
  EXPECT_EQ(parser.last_event_id(), "1");
}

TEST(SseParser, IgnoresRetryThatIsNotDigits) {
  EXPECT_EQ(Whole("retry: 10s\ndata: a\n\n"), std::vector<std::string>{"||a"});
}

TEST(SseParser, RemovesOnlyOneSpaceAfterTheColon) {
  EXPECT_EQ(Whole("event:  x\ndata:\tz\n\n"), std::vector<std::string>{" x||\tz"});
}

TEST(SseParser, KeepsABomThatIsNotAtTheStart) {
  EXPECT_EQ(Whole("data: \xEF\xBB\xBFx\n\n"), std::vector<std::string>{"||\xEF\xBB\xBFx"});
}

TEST(SseParser, RejectsAnOversizedLineWithBadResponse) {
  std::string big = "data: " + std::string(100, 'x');
  try {
    Collect({big}, 64);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.exit_code(), kExitBadResponse);
  }
}

TEST(SseParser, RejectsOversizedEventDataAcrossLines) {
  std::string stream;
  for (int i = 0; i < 20; ++i) stream += "data: 0123456789\n";
  EXPECT_THROW(Collect({stream}, 64), Error);
}

TEST(SseParser, DoesNotCountTheBomAgainstTheLimit) {
  // Found by fuzz_sse: the limit must not depend on whether the BOM arrived in its own chunk.
  std::string stream =
      "\xEF\xBB\xBF"
      "data: " +
      std::string(58, 'x') + "\n\n";
  std::vector<std::string_view> bytes;
  for (std::size_t i = 0; i < stream.size(); ++i)
    bytes.push_back(std::string_view(stream).substr(i, 1));
  EXPECT_EQ(Collect({stream}, 64), Collect(bytes, 64));
  EXPECT_EQ(Collect({stream}, 64).size(), 1u);
}

TEST(SseParser, SaysSixteenMibInTheDefaultLimitMessage) {
  SseParser parser({nullptr, nullptr});
  std::string chunk(1u << 20, 'x');
  try {
    for (int i = 0; i < 17; ++i) parser.Feed(chunk);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "server sent an event larger than 16 MiB");
    EXPECT_EQ(e.exit_code(), 13);
  }
}

}  // namespace
}  // namespace nemo
