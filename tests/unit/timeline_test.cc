// The drawings are pinned: a change to how the chart looks must show up here, on purpose.
#include "timeline.h"

#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "temp_files.h"

namespace nemo {
namespace {

using nlohmann::json;

json OneTrack() {
  return json::parse(
      R"({"t": [{"tt": 0, "sg": [{"d": 4000, "m": {"desc": "a 4-second clip"}}]}]})");
}

json ThreeTracks() {
  return json::parse(
      R"({"t": [{"tt": 0, "m": {"name": "Video"}, "sg": [{"st": 0, "d": 4000, "m": {"desc": "city timelapse"}}, {"st": 4000, "d": 6000, "m": {"desc": "neon street"}}]}, {"tt": 1, "m": {"name": "Lo-fi"}, "sg": [{"st": 0, "d": 10000, "m": {"volume": 0.35}}]}, {"tt": 7, "sg": [{"st": 0, "d": 3000, "m": {"title": "Urban Dreams"}}]}]})");
}

// Twenty tracks, each 5 s long and starting a second after the one before.
json TwentyTracks() {
  json t = json::array();
  for (int i = 0; i < 20; ++i) {
    int tt = i % 3 == 2 ? 7 : i % 3;
    t.push_back({{"tt", tt},
                 {"m", {{"name", "track " + std::to_string(i + 1)}}},
                 {"sg", json::array({{{"st", i * 1000}, {"d", 5000}}})}});
  }
  return {{"t", t}};
}

json TwoHours() {
  return json::parse(
      R"({"t": [{"tt": 0, "sg": [{"st": 0, "d": 3600000, "m": {"desc": "part one"}}, {"st": 3600000, "d": 3600000, "m": {"desc": "part two"}}]}, {"tt": 1, "m": {"name": "Ambient"}, "sg": [{"st": 0, "d": 7200000}]}, {"tt": 7, "sg": [{"st": 5400000, "d": 60000, "m": {"title": "Intermission"}}]}]})");
}

std::string Draw(const json& draft, int width, bool unicode) {
  TimelineStyle style;
  style.width = width;
  style.unicode = unicode;
  return DrawTimeline(draft, style);
}

TEST(TimelineTest, OneTrack) {
  EXPECT_EQ(Draw(OneTrack(), 60, true), R"(Timeline: 1 track, 1 segment, 4s
1 Video: a 4-s… ███████████████████████████████████████████
                ┬─────────┬──────────┬──────────┬─────────┬
                0s        1s         2s         3s       4s
)");
}

TEST(TimelineTest, ThreeTracks) {
  EXPECT_EQ(Draw(ThreeTracks(), 80, true), R"(Timeline: 3 tracks, 4 segments, 10s
1 Video: city timel… ███████████████████████▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓
2 BGM: Lo-fi         ██████████████████████████████████████████████████████████
3 Title: "Urban Dre… ██████████████████········································
                     ┬──────────┬───────────┬──────────┬───────────┬──────────┬
                     0s         2s          4s         6s          8s       10s
)");
}

TEST(TimelineTest, TwentyTracksInAscii) {
  EXPECT_EQ(Draw(TwentyTracks(), 72, false), R"(Timeline: 20 tracks, 20 segments, 24s
1 Video: track 1   ###########.........................................
2 BGM: track 2     ..###########.......................................
3 Title: "track 3" ....############....................................
4 Video: track 4   ......############..................................
5 BGM: track 5     ........############................................
6 Title: "track 6" ..........############..............................
7 Video: track 7   .............###########............................
8 BGM: track 8     ...............###########..........................
9 Title: "track 9" .................############.......................
10 Video: track 10 ...................############.....................
11 BGM: track 11   .....................############...................
12 Title: "track ~ .......................############.................
13 Video: track 13 ..........................###########...............
14 BGM: track 14   ............................###########.............
15 Title: "track ~ ..............................############..........
16 Video: track 16 ................................############........
17 BGM: track 17   ..................................############......
18 Title: "track ~ ....................................############....
19 Video: track 19 .......................................###########..
20 BGM: track 20   .........................................###########
                   +---------+----------+----------+----------+-------+
                   0s        5s         10s        15s        20s   24s
)");
}

TEST(TimelineTest, TwoHourDraft) {
  EXPECT_EQ(Draw(TwoHours(), 100, true), R"(Timeline: 3 tracks, 4 segments, 2h
1 Video: part one         ████████████████████████████████████▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓
2 BGM: Ambient            █████████████████████████████████████████████████████████████████████████
3 Title: "Intermission"   ······················································██·················
                          ┬─────────────────┬─────────────────┬─────────────────┬─────────────────┬
                          0s                30m               1h                1h30m            2h
)");
}

TEST(TimelineTest, TwoHourDraftNarrowInAscii) {
  EXPECT_EQ(Draw(TwoHours(), 50, false), R"(Timeline: 3 tracks, 4 segments, 2h
1 Video: pa~ ##################==================
2 BGM: Ambi~ ####################################
3 Title: "I~ ...........................#........
             +-----------------+----------------+
             0s                1h              2h
)");
}

TEST(TimelineTest, AnEmptyDraftIsOneLine) {
  EXPECT_EQ(Draw(json::object(), 80, true), "Timeline is empty\n");
  EXPECT_EQ(Draw(json::parse(R"({"t":[]})"), 80, false), "Timeline is empty\n");
  EXPECT_EQ(Draw(json("not a draft"), 80, false), "Timeline is empty\n");
}

// Columns as a terminal counts them: one per UTF-8 character.
int Columns(const std::string& line) {
  int n = 0;
  for (unsigned char c : line) n += (c & 0xC0) != 0x80;
  return n;
}

TEST(TimelineTest, EveryLineIsShorterThanTheWidthAtEveryWidth) {
  json long_names = ThreeTracks();
  long_names["t"][0]["m"]["name"] = std::string(300, 'x') + "城市夜景";
  for (const json& draft : {OneTrack(), ThreeTracks(), TwentyTracks(), TwoHours(), long_names}) {
    for (int width = 24; width <= 200; ++width) {
      for (bool unicode : {true, false}) {
        std::string drawn = Draw(draft, width, unicode);
        std::size_t start = 0;
        for (std::size_t end; (end = drawn.find('\n', start)) != std::string::npos;
             start = end + 1) {
          EXPECT_LT(Columns(drawn.substr(start, end - start)), width) << "width " << width << ":\n"
                                                                      << drawn;
        }
        EXPECT_EQ(start, drawn.size()) << "the last line ends with a newline";
      }
    }
  }
}

TEST(TimelineTest, AsciiMeansAsciiEvenForNamesThatAreNot) {
  json draft = ThreeTracks();
  draft["t"][0]["m"]["name"] = "城市\x01夜景";
  std::string drawn = Draw(draft, 80, false);
  for (unsigned char c : drawn) ASSERT_TRUE(c == '\n' || (c >= 0x20 && c < 0x7f)) << drawn;
  EXPECT_NE(drawn.find("1 Video: ?? ??"), std::string::npos) << drawn;
}

TEST(TimelineTest, TheCaptionsTrackIsCalledSoAndNamedByItsFirstLine) {
  json draft = ThreeTracks();
  draft["t"].push_back(json::parse(R"({"tt":7,"m":{"name":"Captions"},"sg":[
    {"st":3000,"d":3500,"m":{"text":"Our city never sleeps."}},{"st":6500,"d":3500,"m":{"text":"x"}}]})"));
  std::string drawn = Draw(draft, 100, false);
  EXPECT_NE(drawn.find("\n4 Captions: Our city nev"), std::string::npos) << drawn;
}

TEST(TimelineTest, GarbageTimesAndTypesDoNotThrow) {
  json draft = json::parse(R"({"t":[{"tt":"x","sg":[{"st":-5,"d":1e300},{"d":"12"},null,3]},
    {"tt":99,"sg":"no"},{"sg":[{"st":0,"d":0}]}]})");
  std::string drawn;
  EXPECT_NO_THROW(drawn = Draw(draft, 60, true));
  EXPECT_NE(drawn.find("2 Track 99"), std::string::npos) << drawn;
}

TEST(TimelineTest, MoreThanFiftyTracksAreCountedNotDrawn) {
  json t = json::array();
  for (int i = 0; i < 60; ++i) t.push_back({{"tt", 0}, {"sg", json::array({{{"d", 1000}}})}});
  std::string drawn = Draw({{"t", t}}, 80, false);
  EXPECT_NE(drawn.find("50 Video"), std::string::npos);
  EXPECT_EQ(drawn.find("51 Video"), std::string::npos);
  EXPECT_NE(drawn.find("10 more tracks"), std::string::npos) << drawn;
}

// The style follows the environment (the tests' stderr is not a terminal, so no ioctl width).
class TimelineStyleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* name : {"COLUMNS", "LC_ALL", "LC_CTYPE", "LANG", "NO_COLOR"}) env_.Unset(name);
  }
  nemo_test::ScopedEnv env_;
};

TEST_F(TimelineStyleTest, ColumnsAndAUtf8LocaleMakeAWideUnicodeChart) {
  env_.Set("COLUMNS", "132");
  env_.Set("LANG", "en_US.UTF-8");
  TimelineStyle style = TimelineStyleForStderr();
  EXPECT_EQ(style.width, 132);
  EXPECT_TRUE(style.unicode);
}

TEST_F(TimelineStyleTest, LcAllWinsOverLang) {
  env_.Set("LANG", "en_US.UTF-8");
  env_.Set("LC_ALL", "C");
  EXPECT_FALSE(TimelineStyleForStderr().unicode);
}

// NO_COLOR turns off colour only: a UTF-8 terminal still gets the blocks.
TEST_F(TimelineStyleTest, NoColorKeepsUnicode) {
  env_.Set("LC_ALL", "C.utf8");
  env_.Set("NO_COLOR", "1");
  EXPECT_TRUE(TimelineStyleForStderr().unicode);
}

TEST_F(TimelineStyleTest, NoLocaleAndBadColumnsMeanAsciiAt80) {
  env_.Set("COLUMNS", "wide");
  TimelineStyle style = TimelineStyleForStderr();
  EXPECT_FALSE(style.unicode);
  EXPECT_EQ(style.width, 80);
}

}  // namespace
}  // namespace nemo
