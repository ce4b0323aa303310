#include "draft.h"

#include <gtest/gtest.h>

namespace nemo {
namespace {

using nlohmann::json;

// The draft behind the summary the NemoVideo skills show.
const json kDraft = json::parse(R"({
  "t": [
    {"id": "v1", "tt": 0, "sg": [{"id": "s1", "st": 0, "d": 10000, "m": {"desc": "city timelapse"}}]},
    {"id": "a1", "tt": 1, "m": {"name": "Lo-fi"}, "sg": [{"id": "s2", "st": 0, "d": 10000, "m": {"name": "Lo-fi", "volume": 0.35}}]},
    {"id": "x1", "tt": 7, "sg": [{"id": "s3", "st": 0, "d": 3000, "m": {"title": "Urban Dreams"}}]}
  ],
  "m": {"width": 1920, "height": 1080, "title": "Urban Dreams"}
})");

TEST(TrackSummary, DescribesTheSkillsExampleExactly) {
  EXPECT_EQ(TrackSummary(kDraft),
            "Timeline (3 tracks): 1. Video: city timelapse (0-10s) 2. BGM: Lo-fi (0-10s, 35%) "
            "3. Title: \"Urban Dreams\" (0-3s)");
}

TEST(TrackSummary, SaysEmptyForEmptyOrAbsentTracks) {
  EXPECT_EQ(TrackSummary(json::object()), "Timeline is empty");
  EXPECT_EQ(TrackSummary(json::parse(R"({"t":[]})")), "Timeline is empty");
  EXPECT_EQ(TrackSummary(json::parse(R"({"t":null})")), "Timeline is empty");
}

TEST(TrackSummary, UsesTheSingularForOneTrack) {
  EXPECT_EQ(TrackSummary(json::parse(R"({"t":[{"tt":0,"sg":[{"d":2500}]}]})")),
            "Timeline (1 track): 1. Video: untitled (0-2.5s)");
}

TEST(TrackSummary, NamesUnknownTrackTypes) {
  EXPECT_EQ(TrackSummary(json::parse(R"({"t":[{"tt":12,"sg":[{"d":1000,"m":{"name":"fx"}}]}]})")),
            "Timeline (1 track): 1. Track (type 12): fx (0-1s)");
}

TEST(TrackSummary, PlacesSegmentsWithoutStartOneAfterAnother) {
  json draft = json::parse(R"({"t":[{"tt":0,"sg":[
      {"d":4000,"m":{"desc":"intro"}},{"d":"3500"},{"d":2500.0}]}]})");
  EXPECT_EQ(TrackSummary(draft), "Timeline (1 track): 1. Video: intro +2 more (0-10s)");
}

TEST(TrackSummary, SurvivesMissingMetadataAndOddTypes) {
  json draft = json::parse(R"({"t":[{"tt":"1","sg":[{"d":"x"}, 5, null]},{"tt":7,"sg":[]},
                                    {"sg":"no"}, "junk", {"tt":0,"sg":[{"st":-5,"d":1e300}]}]})");
  EXPECT_EQ(TrackSummary(draft),
            "Timeline (4 tracks): 1. BGM: untitled (0-0s) 2. Title: untitled (no segments) "
            "3. Track: untitled (no segments) 4. Video: untitled (0-1000000000000s)");
}

TEST(TrackSummary, ReadsADraftGivenAsAJsonString) {
  EXPECT_EQ(TrackSummary(json(kDraft.dump())), TrackSummary(kDraft));
}

TEST(TrackSummary, KeepsTheSummaryOnOneLine) {
  json draft = json::parse(R"({"t":[{"tt":7,"sg":[{"d":1000,"m":{"text":"a\nb"}}]}]})");
  EXPECT_EQ(TrackSummary(draft), "Timeline (1 track): 1. Title: \"a b\" (0-1s)");
}

TEST(NormalizeDraft, ParsesStringsUnwrapsStatesAndRejectsGarbage) {
  EXPECT_EQ(NormalizeDraft(json(kDraft.dump())), kDraft);
  EXPECT_EQ(NormalizeDraft(json{{"draft", kDraft}}), kDraft);
  EXPECT_EQ(NormalizeDraft(json{{"state", {{"draft", kDraft.dump()}}}}), kDraft);
  EXPECT_EQ(NormalizeDraft(json("{not json")), json::object());
  EXPECT_EQ(NormalizeDraft(json(42)), json::object());
  EXPECT_EQ(NormalizeDraft(json::array()), json::object());
  EXPECT_EQ(NormalizeDraft(json(nullptr)), json::object());
  EXPECT_EQ(TrackSummary(json("garbage")), "Timeline is empty");
}

TEST(DraftReady, NeedsATrackWithASegment) {
  EXPECT_TRUE(DraftReady(kDraft));
  EXPECT_TRUE(DraftReady(json(kDraft.dump())));
  EXPECT_FALSE(DraftReady(json::object()));
  EXPECT_FALSE(DraftReady(json::parse(R"({"t":[]})")));
  EXPECT_FALSE(DraftReady(json::parse(R"({"t":[{"tt":0,"sg":[]}]})")));
  EXPECT_FALSE(DraftReady(json::parse(R"({"t":[{"tt":0}]})")));
  EXPECT_FALSE(DraftReady(json("nope")));
}

json WithoutTrack(json draft, std::size_t index) {
  draft["t"].erase(index);
  return draft;
}

TEST(DraftChanges, ReportsATitleAdded) {
  json changes = DraftChanges(WithoutTrack(kDraft, 2), kDraft);
  EXPECT_EQ(changes, json::parse(R"j({"items":[{"change":"added","track":"Title",
      "detail":"\"Urban Dreams\" (0-3s)","text":"Title added: \"Urban Dreams\" (0-3s)"}],
      "sentence":"Title added: \"Urban Dreams\" (0-3s)"})j"));
}

TEST(DraftChanges, ReportsABgmVolumeAltered) {
  json after = kDraft;
  after["t"][1]["sg"][0]["m"]["volume"] = 0.5;
  EXPECT_EQ(DraftChanges(kDraft, after)["sentence"], "BGM altered: volume 35% → 50%");
  EXPECT_EQ(DraftChanges(kDraft, after)["items"][0]["change"], "altered");
}

TEST(DraftChanges, ReportsATrackRemoved) {
  EXPECT_EQ(DraftChanges(kDraft, WithoutTrack(kDraft, 1))["sentence"],
            "BGM removed: Lo-fi (0-10s, 35%)");
}

TEST(DraftChanges, ReportsTheCanvasAltered) {
  json after = kDraft;
  after["m"]["width"] = 1080;
  after["m"]["height"] = 1920;
  EXPECT_EQ(DraftChanges(kDraft, after)["sentence"], "Canvas altered: 1920x1080 → 1080x1920");
}

TEST(DraftChanges, ReportsLongerVideoAndMoreSegments) {
  json after = kDraft;
  after["t"][0]["sg"].push_back({{"id", "s4"}, {"st", 10000}, {"d", 10000}});
  EXPECT_EQ(DraftChanges(kDraft, after)["sentence"],
            "Video altered: 1 segment added, 0-10s → 0-20s");
}

TEST(DraftChanges, ReportsANewTitleText) {
  json after = kDraft;
  after["t"][2]["sg"][0]["m"]["title"] = "Night Lights";
  EXPECT_EQ(DraftChanges(kDraft, after)["sentence"],
            "Title altered: \"Urban Dreams\" → \"Night Lights\"");
}

TEST(DraftChanges, MatchesTracksWithoutIdsByTypeAndOrder) {
  json before = json::parse(R"({"t":[{"tt":0,"sg":[{"d":1000}]},{"tt":0,"sg":[{"d":2000}]}]})");
  json after = json::parse(R"({"t":[{"tt":0,"sg":[{"d":1000}]},{"tt":0,"sg":[{"d":3000}]}]})");
  EXPECT_EQ(DraftChanges(before, after)["sentence"], "Video altered: 0-2s → 0-3s");
}

TEST(DraftChanges, SaysNoChangeForEqualDrafts) {
  json changes = DraftChanges(kDraft, json(kDraft.dump()));
  EXPECT_EQ(changes["items"], json::array());
  EXPECT_EQ(changes["sentence"], "No change to the draft");
}

// A draft that is null, left out of the state, {} or without tracks had the service's default
// canvas (1920x1080): what a first generation adds is tracks, not a canvas, however the empty
// draft was written.
TEST(DraftChanges, ReportsEverythingAddedToAnEmptyDraft) {
  const std::string added =
      "Video added: city timelapse (0-10s); BGM added: Lo-fi (0-10s, 35%); Title added: "
      "\"Urban Dreams\" (0-3s)";
  for (const char* empty :
       {"null", "{}", R"({"t":[]})", R"({"t":[],"m":{"width":1920,"height":1080}})",
        R"({"state":{"draft":null,"video_infos":[]}})", R"({"state":{"video_infos":[]}})"}) {
    EXPECT_EQ(DraftChanges(json::parse(empty), kDraft)["sentence"], added) << empty;
  }
  // A first draft on another canvas says so, as it would from an empty draft with a canvas.
  json vertical = kDraft;
  vertical["m"]["width"] = 1080;
  vertical["m"]["height"] = 1920;
  EXPECT_EQ(DraftChanges(json(), vertical)["items"][0]["text"],
            "Canvas altered: 1920x1080 → 1080x1920");
  // A first draft that does not say its canvas reports no canvas at all.
  json no_canvas = kDraft;
  no_canvas.erase("m");
  EXPECT_EQ(DraftChanges(json(), no_canvas)["sentence"], added);
  // A draft emptied loses its tracks; its canvas stays what the service says it is.
  EXPECT_EQ(DraftChanges(kDraft, json())["sentence"],
            "Video removed: city timelapse (0-10s); BGM removed: Lo-fi (0-10s, 35%); Title "
            "removed: \"Urban Dreams\" (0-3s)");
}

// A state without a draft is an empty draft, not a draft.
TEST(NormalizeDraft, ReadsAStateWithoutADraftAsEmpty) {
  EXPECT_EQ(NormalizeDraft(json::parse(R"({"state":{"video_infos":[{"f":1}]}})")), json::object());
}

TEST(DraftChanges, NamesAChangedSourceAsChangedSegments) {
  json after = kDraft;
  after["t"][0]["sg"][0]["m"]["src"] = "https://cdn/x.mp4";
  EXPECT_EQ(DraftChanges(kDraft, after)["sentence"], "Video altered: segments changed");
}

}  // namespace
}  // namespace nemo

// A track named after its kind ("Video") is described by its first segment instead.
TEST(TrackSummary, GenericTrackNameGivesWayToTheSegment) {
  nlohmann::json draft = nlohmann::json::parse(
      R"({"t":[{"tt":0,"m":{"name":"Video"},"sg":[{"st":0,"d":10000,"m":{"desc":"city"}}]}]})");
  EXPECT_EQ(nemo::TrackSummary(draft), "Timeline (1 track): 1. Video: city (0-10s)");
}
