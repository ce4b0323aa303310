// The pipeline context: reading streams of objects, merging, and pointing at bad bytes.
#include "context.h"

#include <gtest/gtest.h>

#include "error.h"

using nemo::Error;
using nemo::ParseContext;

TEST(Context, EmptyInputIsAnEmptyObject) {
  EXPECT_EQ(ParseContext(""), nlohmann::json::object());
  EXPECT_EQ(ParseContext(" \n\t "), nlohmann::json::object());
}

TEST(Context, MergesNdjsonInOrderLaterKeysWin) {
  auto ctx = ParseContext("{\"a\":1,\"b\":1}\n{\"b\":2}\n");
  EXPECT_EQ(ctx["a"], 1);
  EXPECT_EQ(ctx["b"], 2);
}

TEST(Context, AcceptsConcatenatedObjectsWithoutSeparators) {
  auto ctx = ParseContext("{\"a\":\"}{\"}{\"b\":[1,{\"c\":\"\\\"\"}]}");
  EXPECT_EQ(ctx["a"], "}{");
  EXPECT_EQ(ctx["b"][1]["c"], "\"");
}

TEST(Context, UploadsAreAppendedNotReplaced) {
  auto ctx = ParseContext(R"({"uploads":[{"f":1}]} {"uploads":[{"f":2}]})");
  ASSERT_EQ(ctx["uploads"].size(), 2u);
  EXPECT_EQ(ctx["uploads"][1]["f"], 2);
}

TEST(Context, BadJsonNamesTheByteOffset) {
  try {
    ParseContext("{\"a\":1}\n{\"b\": tru}");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.exit_code(), nemo::kExitUsage);
    EXPECT_NE(std::string(e.what()).find("byte 1"), std::string::npos) << e.what();
  }
}

TEST(Context, TruncatedObjectIsAnError) { EXPECT_THROW(ParseContext("{\"a\":"), Error); }

TEST(Context, ArrayIsRefusedAsNotAnObject) {
  try {
    ParseContext("[1,2]");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("an array"), std::string::npos);
  }
}

TEST(Context, ScalarsAreRefused) {
  EXPECT_THROW(ParseContext("42"), Error);
  EXPECT_THROW(ParseContext("{} \"x\""), Error);
}

TEST(Context, InvalidUtf8IsAnError) { EXPECT_THROW(ParseContext("{\"a\":\"\xff\xfe\"}"), Error); }

TEST(Context, FeedingByteByByteGivesTheSameResult) {
  std::string text = R"({"x":"a\"b","n":[1,2,{"y":null}]}  {"z":true})";
  nemo::ContextReader reader;
  for (char c : text) reader.Feed(std::string_view(&c, 1));
  reader.Finish();
  EXPECT_EQ(reader.context(), ParseContext(text));
}

TEST(Context, ContextStringRefusesOtherTypes) {
  auto ctx = ParseContext(R"({"session_id":42,"api":"http://x"})");
  EXPECT_THROW(nemo::ContextString(ctx, "session_id"), Error);
  EXPECT_EQ(nemo::ContextString(ctx, "api"), "http://x");
  EXPECT_FALSE(nemo::ContextString(ctx, "absent").has_value());
}
