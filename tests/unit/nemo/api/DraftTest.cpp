// Tests of the timeline model: the seeds' summary form, tolerance of odd drafts, export
// checks, the raw draft kept verbatim, and readable diffs.
#include <catch2/catch.hpp>

#include "nemo/api/Draft.h"

#include <string>
#include <vector>

namespace {

using nemo::api::diffDrafts;
using nemo::api::Draft;
using nemo::api::formatSeconds;
using nemo::api::TrackKind;
using nlohmann::json;

// The seeds' example timeline, with keys the model does not know (transitions, ids).
const char* kSeedDraft = R"({
  "v": 3, "id": "draft-1",
  "t": [
    {"tt": 0, "id": "trk-v", "sg": [{"d": 10000, "m": {"name": "city timelapse", "width": 1920, "height": 1080},
                                     "tr": {"in": "fade"}}]},
    {"tt": 1, "sg": [{"d": 10000, "m": {"name": "Lo-fi", "volume": 0.35}}]},
    {"tt": 7, "sg": [{"s": 0, "d": 3000, "m": {"text": "Urban Dreams", "font": "Inter"}}]}
  ]
})";

Draft seedDraft() { return *Draft::fromText(kSeedDraft); }

}  // namespace

TEST_CASE("formatSeconds keeps at most one decimal") {
  CHECK(formatSeconds(0) == "0");
  CHECK(formatSeconds(10000) == "10");
  CHECK(formatSeconds(2500) == "2.5");
  CHECK(formatSeconds(2540) == "2.5");
  CHECK(formatSeconds(9960) == "10");
  CHECK(formatSeconds(333) == "0.3");
}

TEST_CASE("Draft summarizes the seeds' example timeline") {
  const Draft draft = seedDraft();
  CHECK(draft.summary() ==
        R"(Timeline (3 tracks): 1. Video: city timelapse (0-10s) 2. BGM: Lo-fi (0-10s, 35%) 3. Title: "Urban Dreams" (0-3s))");
  REQUIRE(draft.tracks().size() == 3);
  CHECK(draft.tracks()[0].kind == TrackKind::Video);
  CHECK(draft.tracks()[1].volumePercent == 35);
  CHECK(draft.tracks()[2].text == "Urban Dreams");
  CHECK(draft.durationMs() == 10000);
  CHECK(draft.isExportable());
  CHECK(draft.notExportableReason().empty());
}

TEST_CASE("Draft keeps the original draft verbatim for export") {
  const Draft draft = seedDraft();
  REQUIRE(draft.rawText());
  CHECK(*draft.rawText() == kSeedDraft);
  CHECK(draft.raw() == json::parse(kSeedDraft));
  CHECK(draft.raw()["t"][0]["sg"][0]["tr"]["in"] == "fade");

  const Draft fromJson = Draft::fromJson(json::parse(kSeedDraft));
  CHECK_FALSE(fromJson.rawText());
  CHECK(fromJson.summary() == draft.summary());
}

TEST_CASE("Draft reads a draft sent as a JSON string, and keeps it a string") {
  const Draft draft = Draft::fromJson(json(std::string(kSeedDraft)));
  CHECK(draft.raw().is_string());
  CHECK(draft.tracks().size() == 3);
}

TEST_CASE("Draft lays segments end to end unless they say where they start") {
  const Draft draft = Draft::fromJson(json::parse(R"({"t":[
    {"tt":0,"sg":[{"d":4000,"m":{"name":"intro.mp4"}},{"d":6500},{"st":20000,"d":5000}]},
    {"tt":1,"m":{"name":"Beat","volume":80},"sg":[{"start":"1500","d":8000}]},
    {"tt":5,"sg":[{"s":2000,"e":4000}]}
  ]})"));
  REQUIRE(draft.tracks().size() == 3);
  const auto& video = draft.tracks()[0];
  REQUIRE(video.segments.size() == 3);
  CHECK(video.segments[1].startMs == 4000);
  CHECK(video.segments[1].endMs == 10500);
  CHECK(video.segments[2].startMs == 20000);
  CHECK(draft.summary() ==
        "Timeline (3 tracks): 1. Video: intro.mp4 (0-25s, 3 segments) 2. BGM: Beat (1.5-9.5s, 80%) 3. Track (2-4s)");
}

TEST_CASE("Draft names clips by their source file when they have no name") {
  const Draft draft = Draft::fromJson(
      json::parse(R"({"t":[{"tt":0,"sg":[{"d":3000,"m":{"url":"https://cdn.example/u/1/beach%20day.mp4?sig=abc"}}]}]})"));
  CHECK(draft.summary() == "Timeline (1 track): 1. Video: beach%20day.mp4 (0-3s)");
}

TEST_CASE("Draft toJson gives structured tracks in seconds") {
  const json out = seedDraft().toJson();
  CHECK(out["track_count"] == 3);
  CHECK(out["duration"] == 10.0);
  CHECK(out["exportable"] == true);
  CHECK_FALSE(out.contains("reason"));
  const json& video = out["tracks"][0];
  CHECK(video["type"] == "video");
  CHECK(video["name"] == "city timelapse");
  CHECK(video["segments"][0]["start"] == 0.0);
  CHECK(video["segments"][0]["end"] == 10.0);
  CHECK(video["segments"][0]["width"] == 1920);
  CHECK(out["tracks"][1]["type"] == "audio");
  CHECK(out["tracks"][1]["volume_percent"] == 35);
  CHECK(out["tracks"][2]["type"] == "text");
  CHECK(out["tracks"][2]["text"] == "Urban Dreams");
  CHECK(out["tracks"][2]["end"] == 3.0);
}

TEST_CASE("Draft says why it cannot be exported") {
  CHECK_FALSE(Draft().isExportable());
  CHECK(Draft().notExportableReason() ==
        "There is no timeline yet: nothing has been generated or edited in this session.");
  CHECK(Draft().summary() == "Timeline (0 tracks)");

  const Draft noTracks = Draft::fromJson(json::parse(R"({"t":[]})"));
  CHECK(noTracks.notExportableReason() == "The timeline has no tracks yet.");

  const Draft noSegments = Draft::fromJson(json::parse(R"({"t":[{"tt":0,"sg":[]},{"tt":1}]})"));
  CHECK_FALSE(noSegments.isExportable());
  CHECK(noSegments.notExportableReason() == "The timeline's tracks have no segments yet.");
  CHECK(noSegments.summary() == "Timeline (2 tracks): 1. Video (no segments) 2. BGM (no segments)");
  CHECK(noSegments.toJson()["reason"] == "The timeline's tracks have no segments yet.");
}

TEST_CASE("Draft survives weird types anywhere") {
  for (const char* text :
       {"null", "42", "\"not json inside\"", "[]", R"({"t":5})", R"({"t":[1,"x",null,[]]})",
        R"({"t":[{"tt":"seven","sg":{"d":1}}]})", R"({"t":[{"tt":null,"sg":[null,5,{"d":"abc","s":[]}]}]})",
        R"({"t":[{"tt":1,"m":[],"sg":[{"d":-500,"m":{"name":7,"volume":"loud","width":1e300}}]}]})",
        R"({"t":[{"tt":0,"sg":[{"d":1e308},{"d":1e308}]}]})"}) {
    INFO(text);
    auto draft = Draft::fromText(text);
    REQUIRE(draft);
    CHECK_FALSE(draft->summary().empty());
    CHECK(draft->toJson().is_object());
    CHECK(diffDrafts(*draft, seedDraft()).size() >= 1);
  }
  CHECK_FALSE(Draft::fromText("{not json"));
}

TEST_CASE("Draft shortens long titles without cutting a character") {
  const std::string title = "这是一个非常长的标题" + std::string(80, 'x');
  const Draft draft = Draft::fromJson(json{{"t", {{{"tt", 7}, {"sg", {{{"d", 2000}, {"m", {{"text", title}}}}}}}}}});
  const std::string summary = draft.summary();
  CHECK(summary.find("这是一个非常长的标题xxx") != std::string::npos);
  CHECK(summary.find("…\" (0-2s)") != std::string::npos);
}

TEST_CASE("diffDrafts is empty for equal drafts") {
  CHECK(diffDrafts(seedDraft(), seedDraft()).empty());
  CHECK(diffDrafts(Draft(), Draft()).empty());
}

TEST_CASE("diffDrafts tells added and removed tracks") {
  const Draft before = Draft::fromJson(json::parse(R"({"t":[
    {"tt":0,"sg":[{"d":10000,"m":{"name":"city timelapse"}}]},
    {"tt":1,"sg":[{"d":10000,"m":{"name":"Lo-fi","volume":0.35}}]}]})"));
  const Draft after = Draft::fromJson(json::parse(R"({"t":[
    {"tt":7,"sg":[{"d":3000,"m":{"text":"Urban Dreams"}}]},
    {"tt":0,"sg":[{"d":10000,"m":{"name":"city timelapse"}}]}]})"));
  CHECK(diffDrafts(before, after) ==
        std::vector<std::string>{R"(Added a text track: "Urban Dreams" (0-3s))", R"(Removed the BGM track "Lo-fi")"});
}

TEST_CASE("diffDrafts tells changed spans, volumes, texts and segments") {
  const Draft after = Draft::fromJson(json::parse(R"({"t":[
    {"tt":0,"sg":[{"d":12000,"m":{"name":"city timelapse"}}]},
    {"tt":1,"sg":[{"d":10000,"m":{"name":"Lo-fi","volume":50}}]},
    {"tt":7,"sg":[{"d":3000,"m":{"text":"Urban Nights"}},{"d":2500,"m":{"text":"Urban Nights"}}]}]})"));
  CHECK(diffDrafts(seedDraft(), after) == std::vector<std::string>{
                                              R"(Changed the video track "city timelapse": 0-10s → 0-12s)",
                                              "BGM volume 35% → 50%",
                                              R"(Changed the text track "Urban Dreams" → "Urban Nights")",
                                              R"(Added 1 segment to the text track "Urban Nights")",
                                              R"(Changed the text track "Urban Nights": 0-3s → 0-5.5s)",
                                          });
}

TEST_CASE("diffDrafts names the track whose volume changed when there are several") {
  const Draft before = Draft::fromJson(json::parse(R"({"t":[
    {"tt":1,"sg":[{"d":5000,"m":{"name":"Lo-fi","volume":0.35}}]},
    {"tt":1,"sg":[{"d":5000,"m":{"name":"Voice","volume":1}}]}]})"));
  const Draft after = Draft::fromJson(json::parse(R"({"t":[
    {"tt":1,"sg":[{"d":5000,"m":{"name":"Lo-fi","volume":0.2}}]},
    {"tt":1,"sg":[{"d":5000,"m":{"name":"Voice","volume":1}}]}]})"));
  CHECK(diffDrafts(before, after) == std::vector<std::string>{R"(BGM "Lo-fi" volume 35% → 20%)"});
}

TEST_CASE("diffDrafts still says something when only unmodelled details changed") {
  json changed = json::parse(kSeedDraft);
  changed["t"][0]["sg"][0]["tr"]["in"] = "wipe";
  CHECK(diffDrafts(seedDraft(), Draft::fromJson(changed)) ==
        std::vector<std::string>{"Changed other timeline details (effects, transitions or settings)"});
}

TEST_CASE("diffDrafts tells a first timeline from nothing") {
  CHECK(diffDrafts(Draft(), seedDraft()) ==
        std::vector<std::string>{R"(Added a video track: "city timelapse" (0-10s))", R"(Added a BGM track: "Lo-fi" (0-10s))",
                                 R"(Added a text track: "Urban Dreams" (0-3s))"});
}
