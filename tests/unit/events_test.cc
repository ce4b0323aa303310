#include "events.h"

#include <gtest/gtest.h>

namespace nemo {
namespace {

using nlohmann::json;

SseEvent Data(const std::string& data) { return SseEvent{"", data, "", std::nullopt}; }

// Normalizes one data payload; `now_ms` is the fake clock.
std::vector<json> Feed(EventNormalizer& n, const std::string& data, long long now_ms = 0) {
  return n.Normalize(Data(data), now_ms);
}

json One(EventNormalizer& n, const std::string& data, long long now_ms = 0) {
  auto events = Feed(n, data, now_ms);
  EXPECT_EQ(events.size(), 1u) << json(events).dump();
  return events.empty() ? json() : events[0];
}

std::string AdkText(const std::string& text, bool partial = false) {
  json e = {{"invocationId", "e-1"},
            {"author", "nemo_agent"},
            {"content", {{"role", "model"}, {"parts", {{{"text", text}}}}}}};
  if (partial) e["partial"] = true;
  return e.dump();
}

TEST(EventNormalizer, ReadsAnAdkTextEvent) {
  EventNormalizer n;
  EXPECT_EQ(One(n, AdkText("Hello")), (json{{"type", "text"}, {"text", "Hello"}}));
  EXPECT_EQ(n.texts(), std::vector<std::string>{"Hello"});
  EXPECT_TRUE(n.saw_text());
}

TEST(EventNormalizer, KeepsTheAggregateOfStreamedChunksOnce) {
  EventNormalizer n;
  EXPECT_EQ(One(n, AdkText("Hel", true)), (json{{"type", "text_delta"}, {"text", "Hel"}}));
  EXPECT_EQ(One(n, AdkText("lo there", true))["type"], "text_delta");
  EXPECT_TRUE(n.saw_text());
  EXPECT_TRUE(n.texts().empty());
  json aggregate = One(n, AdkText("Hello there"));
  EXPECT_EQ(aggregate, (json{{"type", "text"}, {"text", "Hello there"}, {"final", true}}));
  n.Flush();
  EXPECT_EQ(n.texts(), std::vector<std::string>{"Hello there"});
}

TEST(EventNormalizer, KeepsChunksWithoutAggregateWhenFlushed) {
  EventNormalizer n;
  Feed(n, AdkText("Gener", true));
  Feed(n, AdkText("ating…", true));
  n.Flush();
  EXPECT_EQ(n.texts(), std::vector<std::string>{"Generating…"});
  EXPECT_EQ(n.reply(), "Generating…");
}

TEST(EventNormalizer, ReadsSeveralPartsOfOneAdkEvent) {
  EventNormalizer n;
  json e = {
      {"content",
       {{"role", "model"},
        {"parts",
         {{{"text", "Generating."}},
          {{"functionCall",
            {{"id", "adk-1"}, {"name", "generate_video"}, {"args", {{"prompt", "city"}}}}}}}}}}};
  auto events = Feed(n, e.dump());
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0]["type"], "tool_call");
  EXPECT_EQ(events[0]["name"], "generate_video");
  EXPECT_EQ(events[0]["id"], "adk-1");
  EXPECT_EQ(events[0]["args"], (json{{"prompt", "city"}}));
  EXPECT_EQ(events[1]["type"], "text");
}

json AdkCall(const std::string& id, const std::string& name) {
  return {
      {"content",
       {{"role", "model"},
        {"parts", {{{"functionCall", {{"id", id}, {"name", name}, {"args", json::object()}}}}}}}}};
}

json AdkResponse(const std::string& id, const std::string& name, const json& response) {
  return {{"content",
           {{"role", "user"},
            {"parts",
             {{{"functionResponse", {{"id", id}, {"name", name}, {"response", response}}}}}}}}};
}

TEST(EventNormalizer, TimesToolsByFunctionCallIdWithTheInjectedClock) {
  EventNormalizer n;
  Feed(n, AdkCall("a", "generate").dump(), 1000);
  Feed(n, AdkCall("b", "generate").dump(), 2000);
  json second = One(n, AdkResponse("b", "generate", {{"status", "ok"}}).dump(), 5000);
  EXPECT_EQ(second["elapsed_ms"], 3000);
  EXPECT_EQ(second["ok"], true);
  json first = One(n, AdkResponse("a", "generate", {{"error", "quota"}}).dump(), 11500);
  EXPECT_EQ(first["elapsed_ms"], 10500);
  EXPECT_EQ(first["ok"], false);
  EXPECT_EQ(n.tools(), json::parse(R"([{"name":"generate","ok":false,"seconds":10.5},
                                       {"name":"generate","ok":true,"seconds":3.0}])"));
  EXPECT_FALSE(n.saw_text());
}

TEST(EventNormalizer, MatchesToolResultsByNameWithoutIds) {
  EventNormalizer n;
  Feed(n, R"({"type":"tool_call","name":"add_bgm","args":{"mood":"lofi"}})", 100);
  json result =
      One(n, R"({"type":"tool_result","name":"add_bgm","result":{"status":"failed"}})", 350);
  EXPECT_EQ(result, json::parse(R"({"type":"tool_result","name":"add_bgm",
      "result":{"status":"failed"},"ok":false,"elapsed_ms":250})"));
}

TEST(EventNormalizer, ReportsCallsWithoutResultAsPending) {
  EventNormalizer n;
  Feed(n, AdkCall("a", "render").dump(), 0);
  Feed(n, R"({"type":"heartbeat"})", 4000);
  EXPECT_EQ(n.tools(),
            json::parse(R"([{"name":"render","ok":false,"seconds":4.0,"pending":true}])"));
}

TEST(EventNormalizer, ReadsTheTypedDialect) {
  EventNormalizer n;
  EXPECT_EQ(One(n, R"({"type":"text","content":"Hi"})"), (json{{"type", "text"}, {"text", "Hi"}}));
  EXPECT_EQ(One(n, R"({"type":"delta","text":"a"})"),
            (json{{"type", "text_delta"}, {"text", "a"}}));
  EXPECT_EQ(One(n, R"({"type":"text_delta","delta":"b"})")["text"], "b");
  EXPECT_EQ(One(n, R"({"type":"text","text":"ab"})")["final"], true);
  EXPECT_EQ(One(n, R"({"type":"ping"})"), (json{{"type", "heartbeat"}}));
  EXPECT_EQ(One(n, R"({"type":"keepalive"})"), (json{{"type", "heartbeat"}}));
  json done = One(n, R"({"type":"done"})");
  EXPECT_EQ(done["type"], "status");
  EXPECT_EQ(done["status"], "done");
  EXPECT_EQ(n.texts(), (std::vector<std::string>{"Hi", "ab"}));
}

TEST(EventNormalizer, TreatsEmptyDataAndHeartbeatsAsKeepalives) {
  EventNormalizer n;
  EXPECT_EQ(One(n, ""), (json{{"type", "heartbeat"}}));
  EXPECT_EQ(One(n, " \n"), (json{{"type", "heartbeat"}}));
  EXPECT_EQ(n.Normalize(SseEvent{"ping", "x", "", std::nullopt}, 0)[0], n.Keepalive());
  EXPECT_FALSE(n.saw_text());
}

int ExitOf(const std::string& data) {
  EventNormalizer n;
  Feed(n, data);
  return n.failure() ? n.failure()->exit_code() : 0;
}

TEST(EventNormalizer, MapsErrorShapesToExitCodes) {
  EXPECT_EQ(ExitOf(R"({"errorCode":"2001","errorMessage":"insufficient balance"})"), 5);
  EXPECT_EQ(ExitOf(R"({"type":"error","code":2001,"message":"no credits"})"), 5);
  EXPECT_EQ(ExitOf(R"({"type":"error","code":1002,"message":"gone"})"), 4);
  EXPECT_EQ(ExitOf(R"({"error":"Session not found: abc"})"), 4);
  EXPECT_EQ(ExitOf(R"({"type":"error","code":1001,"message":"token expired"})"), 3);
  EXPECT_EQ(ExitOf(R"({"errorCode":"MALFORMED_FUNCTION_CALL","errorMessage":"bad"})"), 12);
  EXPECT_EQ(ExitOf(R"({"error":"No parts in the newMessage."})"), 12);
  EXPECT_EQ(ExitOf(R"({"type":"error","error":{"code":"500","message":"boom"}})"), 12);
  // An API envelope written into the stream, its code a number or digits, or success:false.
  EXPECT_EQ(ExitOf(R"({"code":1001,"message":"token expired"})"), 3);
  EXPECT_EQ(ExitOf(R"({"code":"2001","message":"insufficient balance","data":null})"), 5);
  EXPECT_EQ(ExitOf(R"({"success":false,"code":"1002","message":"session not found"})"), 4);
  EXPECT_EQ(ExitOf(R"({"success":false,"message":"quota exceeded"})"), 12);
  EXPECT_EQ(ExitOf(R"({"code":0,"message":"ok"})"), 0);
  EXPECT_EQ(ExitOf(R"({"code":"0","data":{}})"), 0);
  EXPECT_EQ(ExitOf(R"({"success":true,"data":{}})"), 0);
}

TEST(EventNormalizer, DescribesTheFirstErrorWithCodeAndHint) {
  EventNormalizer n;
  json e = One(n, R"({"errorCode":"2001","errorMessage":"insufficient balance"})");
  EXPECT_EQ(
      e, json::parse(R"({"type":"error","code":2001,"message":"insufficient balance","exit":5})"));
  Feed(n, R"({"type":"error","code":"X","message":"later"})");
  ASSERT_TRUE(n.failure());
  EXPECT_STREQ(n.failure()->what(), "run failed: insufficient balance [2001]");
  EXPECT_EQ(n.failure()->api_code(), 2001);
  EXPECT_NE(n.failure()->hint().find("nemo-auth credits"), std::string::npos);
}

TEST(EventNormalizer, KeepsStringErrorCodes) {
  EventNormalizer n;
  json e = One(n, R"({"errorCode":"MALFORMED_FUNCTION_CALL","errorMessage":"bad\ncall"})");
  EXPECT_EQ(e["code"], "MALFORMED_FUNCTION_CALL");
  EXPECT_STREQ(n.failure()->what(), "run failed: bad call [MALFORMED_FUNCTION_CALL]");
}

TEST(EventNormalizer, ReportsUnknownShapesAsStatusWithRaw) {
  EventNormalizer n;
  json raw = {{"weird", true}};
  EXPECT_EQ(One(n, raw.dump()), (json{{"type", "status"}, {"status", "unknown"}, {"raw", raw}}));
  json typed = One(n, R"({"type":"progress","percent":40})");
  EXPECT_EQ(typed["type"], "status");
  EXPECT_EQ(typed["raw"]["percent"], 40);
  json actions = One(n, R"({"author":"nemo_agent","actions":{"stateDelta":{"x":1}}})");
  EXPECT_EQ(actions["type"], "status");
  EXPECT_FALSE(n.failure());
}

TEST(EventNormalizer, ReportsNonObjectAndInvalidJsonAsStatus) {
  EventNormalizer n;
  EXPECT_EQ(One(n, "[1,2]"), (json{{"type", "status"}, {"status", "unknown"}, {"raw", {1, 2}}}));
  EXPECT_EQ(One(n, "42")["raw"], 42);
  EXPECT_EQ(One(n, "{\"type\":"),
            (json{{"type", "status"}, {"status", "invalid_json"}, {"raw", "{\"type\":"}}));
  EXPECT_EQ(One(n, R"({"type":"text","content":7})")["type"], "status");
  EXPECT_EQ(One(n, R"({"content":{"parts":"nope"}})")["type"], "status");
  EXPECT_EQ(One(n, std::string(1000, '[') + std::string(1000, ']'))["status"], "invalid_json");
  EXPECT_FALSE(n.saw_text());
}

TEST(EventNormalizer, ReplacesInvalidUtf8InRawTextSoItSerializes) {
  EventNormalizer n;
  json e = One(n, "{\xff\xc3(caf\xc3\xa9");
  EXPECT_EQ(e["raw"], "{\xEF\xBF\xBD\xEF\xBF\xBD(caf\xC3\xA9");
  json error = n.Normalize(SseEvent{"error", "bad \xed\xa0\x80", "", std::nullopt}, 0).at(0);
  EXPECT_EQ(error["type"], "error");
  EXPECT_NO_THROW(error.dump());
}

TEST(EventNormalizer, IgnoresATrailingTemporaryIssue) {
  EventNormalizer n;
  Feed(n, AdkText("Your video is ready."));
  json e = One(n, AdkText("I encountered a temporary issue. Please try again."));
  EXPECT_EQ(e["ignored"], true);
  EXPECT_EQ(n.texts(), std::vector<std::string>{"Your video is ready."});
  EXPECT_EQ(n.reply(), "Your video is ready.");
}

TEST(EventNormalizer, KeepsATemporaryIssueThatIsTheOnlyText) {
  EventNormalizer n;
  Feed(n, AdkText("I encountered a temporary issue."));
  EXPECT_EQ(n.texts().size(), 1u);
}

TEST(EventNormalizer, JoinsTextsAndTranslatesGuiPhrasesInTheReply) {
  EventNormalizer n;
  Feed(n, AdkText("Your video is ready."));
  Feed(n, R"({"type":"text","content":"Click the Export button to download it."})");
  EXPECT_EQ(n.reply(), "Your video is ready.\n\nRun `nemo-export` to download it.");
  EXPECT_EQ(n.texts()[1], "Click the Export button to download it.");
}

TEST(EventNormalizer, SkipsThoughtsAndEchoedUserMessages) {
  EventNormalizer n;
  Feed(n, R"({"content":{"role":"model","parts":[{"text":"hmm","thought":true}]}})");
  Feed(n, R"({"author":"user","content":{"role":"user","parts":[{"text":"make a video"}]}})");
  EXPECT_FALSE(n.saw_text());
}

}  // namespace
}  // namespace nemo
