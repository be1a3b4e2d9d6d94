// The timeline model: reads the backend's draft JSON (short keys t/tt/sg/d/m) into tracks and
// segments for summaries and diffs, while keeping the original untouched for export.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nemo::api {

enum class TrackKind { Video, Audio, Text, Other };

struct Segment {
  double startMs = 0;  // on the timeline
  double endMs = 0;
  std::string name;
  std::string text;
  std::optional<int> volumePercent;
  std::optional<int> width;
  std::optional<int> height;
};

struct Track {
  TrackKind kind = TrackKind::Other;
  std::optional<int> rawType;  // `tt` as sent, when it was a number
  std::string name;            // the track's own name, else its first segment's
  std::string text;            // text tracks: the words shown, distinct segment texts joined
  std::optional<int> volumePercent;
  std::vector<Segment> segments;

  double startMs() const;  // earliest segment start, 0 without segments
  double endMs() const;    // latest segment end, 0 without segments
};

// Cheap to copy; holds no reference to its source.
class Draft {
 public:
  Draft() = default;  // no draft at all: no tracks, not exportable

  // Never fails: unknown keys are ignored, missing or odd-typed fields take defaults. A draft
  // sent as a JSON string (some state answers do) is read through, yet kept as given.
  static Draft fromJson(nlohmann::json draft);
  // nullopt when the text is not JSON. Keeps the exact text (rawText()); export itself takes the
  // draft's bytes straight from the state answer (RawJson.h).
  static std::optional<Draft> fromText(std::string_view text);

  const nlohmann::json& raw() const { return raw_; }
  const std::optional<std::string>& rawText() const { return rawText_; }
  const std::vector<Track>& tracks() const { return tracks_; }
  double durationMs() const;  // the latest end of any segment

  // `Timeline (3 tracks): 1. Video: city timelapse (0-10s) 2. BGM: Lo-fi (0-10s, 35%)
  // 3. Title: "Urban Dreams" (0-3s)`, the form the skills show users.
  std::string summary() const;
  // {"track_count","duration","exportable","reason"?,"tracks":[{"index","type","label","raw_type"?,
  //  "name"?,"text"?,"volume_percent"?,"start","end","segments":[{"start","end","name"?,"text"?,
  //  "volume_percent"?,"width"?,"height"?}]}]}, times in seconds.
  nlohmann::json toJson() const;

  // Exportable when `t` holds a track with at least one segment (the backend's own rule).
  bool isExportable() const { return notExportableReason().empty(); }
  // Empty when exportable; otherwise a sentence a person can act on.
  std::string notExportableReason() const;

 private:
  nlohmann::json raw_;
  std::optional<std::string> rawText_;
  std::vector<Track> tracks_;
  bool hasTrackList_ = false;
};

// The state object of a /api/state answer's data (`data.state`, or `data` itself when it holds
// the fields directly); an empty object when the answer has neither shape.
const nlohmann::json& stateObjectOf(const nlohmann::json& data);
// The draft of such an answer (null when there is none).
nlohmann::json draftOf(const nlohmann::json& data);

// What changed between two drafts, as sentences for a person ("Added a text track: \"Urban
// Dreams\" (0-3s)", "BGM volume 35% → 50%"); empty when nothing did. Tracks are matched by
// type and name first, then by position, so an inserted track does not read as a change of all.
std::vector<std::string> diffDrafts(const Draft& before, const Draft& after);

// Milliseconds as seconds with at most one decimal and no trailing ".0": 2500 → "2.5".
std::string formatSeconds(double ms);

}  // namespace nemo::api
