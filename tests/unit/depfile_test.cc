// Make depfiles (lib/depfile).
#include "depfile.h"

#include <gtest/gtest.h>

#include "error.h"
#include "exit_code.h"

namespace {

using nlohmann::json;

TEST(DepfileText, NamesEveryInputWithAnEmptyRuleEach) {
  EXPECT_EQ(nemo::DepfileText("out/a.json", {"prompts/a.txt", "img/a.png"}),
            "out/a.json: prompts/a.txt img/a.png\n\nprompts/a.txt:\n\nimg/a.png:\n");
  EXPECT_EQ(nemo::DepfileText("out/a.json", {}), "out/a.json:\n");
}

TEST(DepfileText, EscapesWhatMakeWouldSplitOrExpand) {
  EXPECT_EQ(nemo::DepfileText("v.mp4", {"my photo #1 $x.png"}),
            "v.mp4: my\\ photo\\ \\#1\\ $$x.png\n\nmy\\ photo\\ \\#1\\ $$x.png:\n");
}

TEST(AddInputs, AppendsEachPathOnceInOrder) {
  json ctx = {{"session_id", "ses_1"}};
  nemo::AddInputs(ctx, {});
  EXPECT_FALSE(ctx.contains("inputs"));
  nemo::AddInputs(ctx, {"a.png", "b.png"});
  nemo::AddInputs(ctx, {"b.png", "brief.pdf"});
  EXPECT_EQ(nemo::ContextInputs(ctx), (std::vector<std::string>{"a.png", "b.png", "brief.pdf"}));
}

TEST(ContextInputs, IgnoresWhatIsNotAListOfNames) {
  EXPECT_TRUE(nemo::ContextInputs(json{{"inputs", "a.png"}}).empty());
  EXPECT_EQ(nemo::ContextInputs(json{{"inputs", {"a.png", 3}}}), std::vector<std::string>{"a.png"});
}

TEST(WriteDepfile, NeedsATargetName) {
  try {
    nemo::WriteDepfile("/nonexistent/x.d", "-", {"a"});
    FAIL();
  } catch (const nemo::Error& e) {
    EXPECT_EQ(e.exit_code(), nemo::kExitUsage);
  }
}

}  // namespace
