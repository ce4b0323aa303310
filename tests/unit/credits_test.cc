// The credits pre-check: generation or edit, the expected cost and its overrides, the refusal.
#include "credits.h"

#include <gtest/gtest.h>

#include "error.h"
#include "test_server.h"

using nemo_test::ScopedEnv;

TEST(Credits, AnEmptyDraftMeansAGeneration) {
  EXPECT_TRUE(nemo::IsGeneration(nlohmann::json::object()));
  EXPECT_TRUE(nemo::IsGeneration({{"t", nlohmann::json::array()}}));
  EXPECT_FALSE(nemo::IsGeneration({{"t", {{{"tt", 0}, {"sg", {{{"d", 1000}}}}}}}}));
}

TEST(Credits, ExpectedCostDefaultsAndEnvironment) {
  ScopedEnv env;
  env.Unset("NEMO_GENERATION_COST").Unset("NEMO_EDIT_COST");
  EXPECT_EQ(nemo::ExpectedCost(true), 100);
  EXPECT_EQ(nemo::ExpectedCost(false), 50);
  env.Set("NEMO_GENERATION_COST", "250").Set("NEMO_EDIT_COST", "0");
  EXPECT_EQ(nemo::ExpectedCost(true), 250);
  EXPECT_EQ(nemo::ExpectedCost(false), 0);
}

TEST(Credits, ABadCostInTheEnvironmentIsAUsageError) {
  for (const char* bad : {"ten", "-5", "12x"}) {
    ScopedEnv env;
    env.Set("NEMO_GENERATION_COST", bad);
    try {
      nemo::ExpectedCost(true);
      FAIL() << bad;
    } catch (const nemo::Error& e) {
      EXPECT_EQ(e.exit_code(), nemo::kExitUsage);
      EXPECT_NE(std::string(e.what()).find("NEMO_GENERATION_COST"), std::string::npos);
    }
  }
}

// Refused only when the balance is known and short; the message says what and how much.
TEST(Credits, RequireCreditsRefusesOnlyAKnownShortBalance) {
  EXPECT_NO_THROW(nemo::RequireCredits(std::nullopt, 100, true));
  EXPECT_NO_THROW(nemo::RequireCredits(100, 100, true));
  try {
    nemo::RequireCredits(40, 50, false);
    FAIL();
  } catch (const nemo::Error& e) {
    EXPECT_EQ(e.exit_code(), nemo::kExitNoCredits);
    EXPECT_EQ(std::string(e.what()),
              "not enough credits: this edit costs about 50, 40 available; nothing was sent");
  }
}
