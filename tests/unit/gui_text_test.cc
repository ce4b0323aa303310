#include "gui_text.h"

#include <gtest/gtest.h>

namespace nemo {
namespace {

// One row of the table per test: the backend's phrase in, the command out.
TEST(TranslateGuiPhrases, TurnsClickExportIntoTheExportCommand) {
  EXPECT_EQ(TranslateGuiPhrases("When you like it, click the Export button to download."),
            "When you like it, run `nemo-export` to download.");
  EXPECT_EQ(TranslateGuiPhrases("Click Export."), "Run `nemo-export`.");
  EXPECT_EQ(TranslateGuiPhrases("please click on “Export”"), "please run `nemo-export`");
}

TEST(TranslateGuiPhrases, TurnsTheExportButtonIntoTheExportCommand) {
  EXPECT_EQ(TranslateGuiPhrases("Use the export button when ready"),
            "Use run `nemo-export` when ready");
}

TEST(TranslateGuiPhrases, TurnsOpeningAPanelOrTheEditorIntoState) {
  EXPECT_EQ(TranslateGuiPhrases("Open the timeline panel to check."), "Run `nemo-state` to check.");
  EXPECT_EQ(TranslateGuiPhrases("open the panel"), "run `nemo-state`");
  EXPECT_EQ(TranslateGuiPhrases("You can open the editor now"), "You can run `nemo-state` now");
}

TEST(TranslateGuiPhrases, TurnsDraggingIntoAnEdit) {
  EXPECT_EQ(TranslateGuiPhrases("Drag the clip to the timeline."),
            "Send an edit with `nemo-send`.");
  EXPECT_EQ(TranslateGuiPhrases("or drag clips onto the track"),
            "or send an edit with `nemo-send`");
}

TEST(TranslateGuiPhrases, TurnsPreviewIntoTheTrackSummary) {
  EXPECT_EQ(TranslateGuiPhrases("Click Preview to watch"),
            "See the track summary with `nemo-state --summary` to watch");
  EXPECT_EQ(TranslateGuiPhrases("you can preview it first"),
            "you can see the track summary with `nemo-state --summary` first");
}

TEST(TranslateGuiPhrases, LeavesPreviewAsANounAlone) {
  EXPECT_EQ(TranslateGuiPhrases("Here is a preview of the plan."),
            "Here is a preview of the plan.");
}

TEST(TranslateGuiPhrases, TurnsAccountAndBillingPagesIntoCredits) {
  EXPECT_EQ(TranslateGuiPhrases("Go to the billing page to add credits."),
            "Check credits with `nemo-auth credits` to add credits.");
  EXPECT_EQ(TranslateGuiPhrases("please top up your credits"),
            "please check credits with `nemo-auth credits`");
  EXPECT_EQ(TranslateGuiPhrases("Visit your account page."),
            "Check credits with `nemo-auth credits`.");
  EXPECT_EQ(TranslateGuiPhrases("You can recharge your account"),
            "You can check credits with `nemo-auth credits`");
  EXPECT_EQ(TranslateGuiPhrases("open the billing panel"),
            "check credits with `nemo-auth credits`");
}

// Where the button or panel sits on the screen goes with the phrase: a terminal has no corner.
TEST(TranslateGuiPhrases, TakesTheGuiPlaceAlongWithThePhrase) {
  EXPECT_EQ(TranslateGuiPhrases("Click the Export button in the top right corner to download it."),
            "Run `nemo-export` to download it.");
  EXPECT_EQ(TranslateGuiPhrases("Open the media panel on the left panel to see your clips."),
            "Run `nemo-state` to see your clips.");
  EXPECT_EQ(TranslateGuiPhrases("Drag the clip to the timeline on the left, then wait."),
            "Send an edit with `nemo-send`, then wait.");
  EXPECT_EQ(TranslateGuiPhrases("Hit the preview button at the bottom of the screen."),
            "See the track summary with `nemo-state --summary`.");
  EXPECT_EQ(TranslateGuiPhrases("go to the billing page in the right-hand sidebar"),
            "check credits with `nemo-auth credits`");
  EXPECT_EQ(TranslateGuiPhrases("Click Export from the menu bar."), "Run `nemo-export`.");
  // A place that follows no GUI phrase is the reply's own business.
  EXPECT_EQ(TranslateGuiPhrases("The logo sits in the top right corner."),
            "The logo sits in the top right corner.");
}

TEST(TranslateGuiPhrases, MatchesRegardlessOfCase) {
  EXPECT_EQ(TranslateGuiPhrases("CLICK THE EXPORT BUTTON"), "Run `nemo-export`");
}

TEST(TranslateGuiPhrases, LeavesTextWithoutGuiPhrasesByteForByte) {
  const std::string text =
      "Your 10-second video “Urban Dreams” is ready 🎬 — música, 日本語, exported earlier.\n"
      "Dragon boats and an open window.";
  EXPECT_EQ(TranslateGuiPhrases(text), text);
  EXPECT_EQ(TranslateGuiPhrases(""), "");
}

TEST(TranslateGuiPhrases, KeepsMultibyteTextAroundAPhrase) {
  EXPECT_EQ(TranslateGuiPhrases("完成了！Click Export 🎉"), "完成了！Run `nemo-export` 🎉");
}

TEST(TranslateGuiPhrases, DoesNotTranslateItsOwnReplacements) {
  std::string once = TranslateGuiPhrases("click export, then preview it");
  EXPECT_EQ(once, "run `nemo-export`, then see the track summary with `nemo-state --summary`");
  EXPECT_EQ(TranslateGuiPhrases(once), once);
}

TEST(TranslateGuiPhrases, TranslatesEveryPhraseOfALongReply) {
  std::string text, expected;
  for (int i = 0; i < 2000; ++i) {
    text += "Click Export. Then open the panel. ";
    expected += "Run `nemo-export`. Then run `nemo-state`. ";
  }
  EXPECT_EQ(TranslateGuiPhrases(text), expected);
}

TEST(TranslateGuiPhrases, SurvivesLongRunsOfWordCharactersAndSpaces) {
  // Bounded patterns: no deep regex recursion on hostile replies.
  std::string text = "drag " + std::string(200000, 'a') + " click" + std::string(200000, ' ');
  EXPECT_EQ(TranslateGuiPhrases(text), text);
}

}  // namespace
}  // namespace nemo
