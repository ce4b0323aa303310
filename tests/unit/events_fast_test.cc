// The fast path for ADK partial texts (AdkPartialTexts) must never change what EventNormalizer
// makes of an event: every input here goes through a normalizer with the fast path and one
// without, and both must give the same events and end in the same state.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "events.h"
#include "events_fast.h"
#include "gui_text.h"

namespace nemo {
namespace {

using nlohmann::json;

struct Pair {
  EventNormalizer fast{true};
  EventNormalizer full{false};

  // Feeds one event to both; returns the events (after checking they are equal).
  std::vector<json> Feed(const std::string& data, const std::string& type = "") {
    SseEvent event{type, data, "", std::nullopt};
    std::vector<json> a = fast.Normalize(event, ++now);
    std::vector<json> b = full.Normalize(event, now);
    EXPECT_EQ(json(a), json(b)) << "data: " << data;
    return a;
  }
  void ExpectSameState() {
    fast.Flush();
    full.Flush();
    EXPECT_EQ(fast.texts(), full.texts());
    EXPECT_EQ(fast.saw_text(), full.saw_text());
    EXPECT_EQ(fast.reply(), full.reply());
    EXPECT_EQ(fast.tools(), full.tools());
    EXPECT_EQ(fast.failure().has_value(), full.failure().has_value());
  }
  long long now = 0;
};

std::string Partial(const json& text) {
  return json{{"id", "0b9c-1"},
              {"invocationId", "e-1"},
              {"author", "nemo_agent"},
              {"timestamp", 1712345678.25},
              {"actions", {{"stateDelta", json::object()}, {"artifactDelta", json::array()}}},
              {"content", {{"role", "model"}, {"parts", {{{"text", text}}}}}},
              {"partial", true}}
      .dump();
}

// Events that are, or nearly are, the fast path's shape.
std::vector<std::string> Seeds() {
  return {
      Partial("x"),
      Partial("Hello there"),
      Partial("line\nbreak \"quoted\" back\\slash tab\t/ é 中文 😀"),
      Partial(""),
      Partial(" "),
      R"({"content":{"parts":[{"text":"a"},{"text":"b"},{"text":""}],"role":"model"},"partial":true})",
      R"({"content":{"parts":[{"text":"a"}]},"partial":true})",
      R"(  {"partial" : true , "content" : { "role" : null , "parts" : [ { "text" : "sp" } ] } }  )",
      R"({"content":{"parts":[{"text":"a"}],"role":"user"},"author":"user","partial":true})",
      R"({"content":{"parts":[{"text":"a"}],"role":"user"},"author":"agent","partial":true})",
      R"({"content":{"parts":[{"text":"a","thought":true}],"role":"model"},"partial":true})",
      R"({"content":{"parts":[{"text":"a"}],"role":"model"},"partial":false})",
      R"({"content":{"parts":[{"text":"a"}],"role":"model"}})",
      R"({"content":{"parts":[{"text":"a"}],"role":"model"},"partial":true,"partial":false})",
      R"({"content":{"parts":[{"text":"a"}],"role":"model"},"content":null,"partial":true})",
      R"({"content":{"parts":[{"text":"a"}],"parts":[],"role":"model"},"partial":true})",
      R"({"content":{"parts":[{"text":"a","text":"b"}],"role":"model"},"partial":true})",
      R"({"content":{"parts":[{"text":"a"}],"role":"model"},"partial":true,"type":"text"})",
      R"({"content":{"parts":[{"text":"a"}],"role":"model"},"partial":true,"type":7})",
      R"({"content":{"parts":[{"text":"a"}],"role":"model"},"partial":true,"errorCode":"X"})",
      R"({"content":{"parts":[{"text":"a"}],"role":"model"},"partial":true,"error":"bad"})",
      R"({"content":{"parts":[{"text":"a"}],"role":"model"},"partial":true,"errorMessage":""})",
      R"({"content":{"parts":[{"text":"a"}],"role":"model"},"partial":true,"error_code":null})",
      R"({"content":{"parts":[{"text":"\u0061"}],"role":"model"},"partial":true})",
      R"({"\u0063ontent":{"parts":[{"text":"a"}]},"partial":true})",
      R"({"content":{"parts":[{"text":"a"}]},"\u0070artial":false,"partial":true})",
      R"({"content":{"parts":[{"text":"a"}]},"partial":true,"n":1e999})",
      R"({"content":{"parts":[{"text":"a"}]},"partial":true,"n":-0.5,"m":[1,2.0,{"k":[]}]})",
      R"({"content":{"parts":[{"text":"a"}]},"partial":true,"n":01})",
      R"({"content":{"parts":[{"text":"a"}]},"partial":true,"n":1.})",
      R"({"content":{"parts":[{"text":"a"}]},"partial":true,"n":.5})",
      R"({"content":{"parts":[{"text":"a"}]},"partial":true,"b":tru})",
      R"({"content":{"parts":[{"text":"a"}]},"partial":true,})",
      R"({"content":{"parts":[{"text":"a"}]},"partial":true} x)",
      R"({"content":{"parts":[{"text":"a"}]},"partial":true}})",
      R"({"content":{"parts":[{"functionCall":{"name":"f"}}]},"partial":true})",
      R"({"content":{"parts":[]},"partial":true})",
      R"({"content":{"parts":{"text":"a"}},"partial":true})",
      R"({"content":{"parts":["a"]},"partial":true})",
      R"({"content":{"parts":[{"text":null}]},"partial":true})",
      R"({"content":{},"partial":true})",
      R"({"content":"text","partial":true})",
      R"([{"content":{"parts":[{"text":"a"}]},"partial":true}])",
      R"({"content":{"parts":[{"text":"a"}]},"partial":true,"deep":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]})",
      "{\"content\":{\"parts\":[{\"text\":\"a\xC3\"}]},\"partial\":true}",
      "{\"content\":{\"parts\":[{\"text\":\"a\xED\xA0\x80\"}]},\"partial\":true}",
      "{\"content\":{\"parts\":[{\"text\":\"a\xF4\x90\x80\x80\"}]},\"partial\":true}",
      "{\"content\":{\"parts\":[{\"text\":\"a\xE0\x80\xAF\"}]},\"partial\":true}",
      "{\"content\":{\"parts\":[{\"text\":\"a\x01\"}]},\"partial\":true}",
      "{\"content\":{\"parts\":[{\"text\":\"a\x7f\"}]},\"partial\":true}",
      "\xEF\xBB\xBF{\"content\":{\"parts\":[{\"text\":\"a\"}]},\"partial\":true}",
      "{\"content\":{\"parts\":[{\"text\":\"a\"}]},\"partial\":true,\"k\\u0000\":1}",
      "{\"content\":{\"parts\":[{\"text\":\"a\"}]},\"partial\":true}\n\v",
  };
}

TEST(EventFastPath, ReadsTheUsualPartialTextWithoutTheFullParse) {
  std::vector<std::string> texts;
  ASSERT_TRUE(AdkPartialTexts(Partial("x"), texts));
  EXPECT_EQ(texts, std::vector<std::string>{"x"});
  ASSERT_TRUE(AdkPartialTexts(Partial("a \"b\"\n\\ é😀"), texts));
  EXPECT_EQ(texts, std::vector<std::string>{"a \"b\"\n\\ é😀"});
  EXPECT_FALSE(AdkPartialTexts(Partial(""), texts));  // nothing to say: the full path's status
  EXPECT_FALSE(
      AdkPartialTexts(R"({"content":{"parts":[{"text":"\u0061"}]},"partial":true})", texts));
}

TEST(EventFastPath, GivesTheSameEventsAsTheFullParseOnSeeds) {
  for (const std::string& seed : Seeds()) {
    Pair p;
    p.Feed(seed);
    p.Feed(seed, "message");
    p.Feed(R"({"content":{"parts":[{"text":"aggregate"}],"role":"model"}})");
    p.ExpectSameState();
  }
}

// Every seed cut short, with each byte removed, and with bytes overwritten by the characters that
// matter to JSON: thousands of near-misses, each compared.
TEST(EventFastPath, GivesTheSameEventsAsTheFullParseOnMutations) {
  const std::string specials = "{}[]:,\"\\ \t\n01-.eEtfnu/\x80\xC3\xED\xF4";
  std::mt19937 rng(20240611);
  Pair p;
  int taken = 0;
  for (const std::string& seed : Seeds()) {
    for (std::size_t i = 0; i <= seed.size(); ++i) {
      p.Feed(seed.substr(0, i));
      if (i < seed.size()) p.Feed(seed.substr(0, i) + seed.substr(i + 1));
      std::string changed = seed;
      if (i < seed.size()) {
        changed[i] = specials[rng() % specials.size()];
        p.Feed(changed);
      }
    }
    for (int k = 0; k < 200; ++k) {
      std::string changed = seed;
      for (int m = 0; m < 3 && !changed.empty(); ++m) {
        changed[rng() % changed.size()] = specials[rng() % specials.size()];
      }
      std::vector<std::string> texts;
      taken += AdkPartialTexts(changed, texts);
      p.Feed(changed);
    }
  }
  p.ExpectSameState();
  EXPECT_GT(taken, 0);  // the mutations did exercise the fast path itself
}

TEST(EventFastPath, KeepsTheAggregateRulesForManyChunks) {
  Pair p;
  for (int i = 0; i < 1000; ++i) p.Feed(Partial("x"));
  EXPECT_TRUE(p.fast.saw_text());
  EXPECT_TRUE(p.fast.texts().empty());
  auto aggregate = p.Feed(R"({"content":{"parts":[{"text":")" + std::string(1000, 'x') +
                          R"("}],"role":"model"}})");
  ASSERT_EQ(aggregate.size(), 1u);
  EXPECT_EQ(aggregate[0]["final"], true);
  p.ExpectSameState();
  EXPECT_EQ(p.fast.texts(), std::vector<std::string>{std::string(1000, 'x')});
}

// reply() skips the GUI translation for texts that cannot hold a GUI phrase; a phrase of each
// kind the translation knows must still be translated.
TEST(EventFastPath, ReplyStillTranslatesAPhraseOfEachKind) {
  const std::vector<std::string> phrases = {
      "Click Export.",
      "Use the export button when ready",
      "Go to the billing page to add credits.",
      "See the payment settings",
      "please top up your credits",
      "You can recharge your account",
      "Open the timeline panel to check.",
      "You can open the editor now",
      "Drag the clip to the timeline.",
      "Click Preview to watch",
      "you can preview it first",
      "look at the preview window",
      "CLICK THE EXPORT BUTTON",
  };
  for (const std::string& phrase : phrases) {
    EventNormalizer n;
    n.Normalize(SseEvent{"", json{{"type", "text"}, {"content", phrase}}.dump(), "", std::nullopt},
                0);
    EXPECT_NE(n.reply(), phrase);
    EXPECT_EQ(n.reply(), TranslateGuiPhrases(phrase));
  }
  EventNormalizer n;
  n.Normalize(SseEvent{"", R"({"type":"text","content":"Your video is ready."})", "", std::nullopt},
              0);
  EXPECT_EQ(n.reply(), "Your video is ready.");
}

}  // namespace
}  // namespace nemo
