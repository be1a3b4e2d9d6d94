// Reads the backend's draft into tracks and segments, tolerating any shape, and renders the
// summaries and change lists that users and agents read instead of the raw JSON.
#include "nemo/api/Draft.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>

#include "support/UntrustedJson.h"

namespace nemo::api {

namespace {

using nlohmann::json;

const json* member(const json& object, std::initializer_list<const char*> keys) {
  if (!object.is_object()) return nullptr;
  for (const char* key : keys) {
    auto it = object.find(key);
    if (it != object.end() && !it->is_null()) return &*it;
  }
  return nullptr;
}

std::optional<double> numberOf(const json* value) {
  if (!value) return std::nullopt;
  double result = 0;
  if (value->is_number()) {
    result = value->get<double>();
  } else if (value->is_string()) {
    const auto& text = value->get_ref<const std::string&>();
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), result);
    if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  } else {
    return std::nullopt;
  }
  if (!std::isfinite(result)) return std::nullopt;
  return result;
}

std::optional<int> intOf(const json* value) {
  auto number = numberOf(value);
  if (!number || std::abs(*number) > std::numeric_limits<int>::max()) return std::nullopt;
  return static_cast<int>(std::lround(*number));
}

std::string stringOf(const json& object, std::initializer_list<const char*> keys) {
  for (const char* key : keys) {
    const json* value = member(object, {key});
    if (value && value->is_string() && !value->get_ref<const std::string&>().empty()) {
      return value->get<std::string>();
    }
  }
  return {};
}

// The backend names clips by their source file more often than by a name.
std::string fileNameOf(const json& meta) {
  std::string url = stringOf(meta, {"url", "src", "source", "cdn_url", "path", "file"});
  if (url.empty()) return {};
  url = url.substr(0, url.find_first_of("?#"));
  const auto slash = url.find_last_of("/\\");
  return slash == std::string::npos ? url : url.substr(slash + 1);
}

const json& metaOf(const json& object) {
  static const json kNone = json::object();
  const json* meta = member(object, {"m", "meta", "metadata"});
  return meta && meta->is_object() ? *meta : kNone;
}

// Accepts 0-1 (a fraction) or 0-100 (a percent); anything above 1 is taken as a percent.
std::optional<int> volumePercentOf(const json& meta) {
  auto volume = numberOf(member(meta, {"volume", "vol", "v"}));
  if (!volume || *volume < 0) return std::nullopt;
  const double percent = *volume <= 1.0 ? *volume * 100.0 : *volume;
  return static_cast<int>(std::lround(std::min(percent, 1000.0)));
}

std::string nameOf(const json& meta) {
  std::string name = stringOf(meta, {"name", "title", "filename", "file_name", "label"});
  return name.empty() ? fileNameOf(meta) : name;
}

TrackKind kindOf(const json& track) {
  const json* type = member(track, {"tt", "type"});
  if (auto number = intOf(type)) {
    switch (*number) {
      case 0: return TrackKind::Video;
      case 1: return TrackKind::Audio;
      case 7: return TrackKind::Text;
      default: return TrackKind::Other;
    }
  }
  if (type && type->is_string()) {
    const std::string& name = type->get_ref<const std::string&>();
    if (name == "video") return TrackKind::Video;
    if (name == "audio" || name == "bgm" || name == "music") return TrackKind::Audio;
    if (name == "text" || name == "title" || name == "subtitle" || name == "caption") return TrackKind::Text;
  }
  return TrackKind::Other;
}

// A day of timeline is far beyond any draft; the bound keeps the arithmetic finite.
constexpr double kMaxMs = 24.0 * 3600.0 * 1000.0;

double clampMs(double ms) { return std::clamp(ms, 0.0, kMaxMs); }

Segment segmentOf(const json& raw, double cursorMs) {
  Segment segment;
  const json& meta = metaOf(raw);
  auto start = numberOf(member(raw, {"s", "st", "start"}));
  if (!start) start = numberOf(member(meta, {"s", "st", "start"}));
  segment.startMs = clampMs(start.value_or(cursorMs));
  auto duration = numberOf(member(raw, {"d", "duration", "dur"}));
  if (!duration) duration = numberOf(member(meta, {"d", "duration"}));
  if (duration) {
    segment.endMs = clampMs(segment.startMs + clampMs(*duration));
  } else {
    auto end = numberOf(member(raw, {"e", "et", "end"}));
    segment.endMs = clampMs(std::max(segment.startMs, end.value_or(segment.startMs)));
  }
  segment.name = nameOf(meta);
  segment.text = stringOf(meta, {"text", "content"});
  if (segment.text.empty()) segment.text = stringOf(raw, {"text"});
  segment.volumePercent = volumePercentOf(meta);
  segment.width = intOf(member(meta, {"width", "w"}));
  segment.height = intOf(member(meta, {"height", "h"}));
  return segment;
}

Track trackOf(const json& raw) {
  Track track;
  track.kind = kindOf(raw);
  track.rawType = intOf(member(raw, {"tt"}));
  const json& meta = metaOf(raw);
  const json* segments = member(raw, {"sg", "segments"});
  double cursorMs = 0;
  if (segments && segments->is_array()) {
    for (const json& rawSegment : *segments) {
      if (!rawSegment.is_object()) continue;
      track.segments.push_back(segmentOf(rawSegment, cursorMs));
      cursorMs = track.segments.back().endMs;
    }
  }
  track.name = nameOf(meta);
  track.text = stringOf(meta, {"text", "content"});
  track.volumePercent = volumePercentOf(meta);
  for (const Segment& segment : track.segments) {
    if (track.name.empty()) track.name = segment.name;
    if (!track.volumePercent) track.volumePercent = segment.volumePercent;
  }
  if (track.text.empty()) {
    for (const Segment& segment : track.segments) {
      if (segment.text.empty() || track.text.find(segment.text) != std::string::npos) continue;
      track.text += (track.text.empty() ? "" : " / ") + segment.text;
    }
  }
  return track;
}

// Short, one line, never cut inside a UTF-8 sequence.
std::string displayText(std::string_view text, std::size_t maxCodePoints = 60) {
  std::string out;
  std::size_t codePoints = 0;
  bool space = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      space = !out.empty();
      continue;
    }
    const bool startsCodePoint = (c & 0xC0) != 0x80;
    if (startsCodePoint) {
      if (codePoints + (space ? 1 : 0) >= maxCodePoints) {
        out += "…";
        return out;
      }
      if (space) {
        out.push_back(' ');
        ++codePoints;
      }
      space = false;
      ++codePoints;
    }
    out.push_back(static_cast<char>(c));
  }
  return out;
}

// What a person calls the track: its words for a text track, else its name.
std::string identityOf(const Track& track) {
  return displayText(track.kind == TrackKind::Text && !track.text.empty() ? track.text : track.name);
}

std::string summaryLabel(TrackKind kind) {
  switch (kind) {
    case TrackKind::Video: return "Video";
    case TrackKind::Audio: return "BGM";
    case TrackKind::Text: return "Title";
    case TrackKind::Other: return "Track";
  }
  return "Track";
}

// "video track", "BGM track", "text track", "track": the noun the change lists use.
std::string trackNoun(TrackKind kind) {
  switch (kind) {
    case TrackKind::Video: return "video track";
    case TrackKind::Audio: return "BGM track";
    case TrackKind::Text: return "text track";
    case TrackKind::Other: return "track";
  }
  return "track";
}

std::string typeName(TrackKind kind) {
  switch (kind) {
    case TrackKind::Video: return "video";
    case TrackKind::Audio: return "audio";
    case TrackKind::Text: return "text";
    case TrackKind::Other: return "other";
  }
  return "other";
}

std::string spanOf(const Track& track) {
  return formatSeconds(track.startMs()) + "-" + formatSeconds(track.endMs()) + "s";
}

std::string quoted(const std::string& text) { return "\"" + text + "\""; }

double seconds(double ms) { return std::round(ms) / 1000.0; }

bool sameSegmentTimes(const Track& a, const Track& b) {
  return std::equal(a.segments.begin(), a.segments.end(), b.segments.begin(), b.segments.end(),
                    [](const Segment& x, const Segment& y) {
                      return formatSeconds(x.startMs) == formatSeconds(y.startMs) &&
                             formatSeconds(x.endMs) == formatSeconds(y.endMs);
                    });
}

std::string countOf(std::size_t count, const char* noun) {
  return std::to_string(count) + " " + noun + (count == 1 ? "" : "s");
}

// `the video track "city timelapse"`, or `the video track` when it has no name.
std::string theTrack(const Track& track) {
  const std::string identity = identityOf(track);
  return "the " + trackNoun(track.kind) + (identity.empty() ? "" : " " + quoted(identity));
}

void describeChanges(const Track& before, const Track& after, bool nameVolume,
                     std::vector<std::string>& out) {
  const std::string beforeIdentity = identityOf(before);
  const std::string afterIdentity = identityOf(after);
  if (!beforeIdentity.empty() && !afterIdentity.empty() && beforeIdentity != afterIdentity) {
    out.push_back("Changed the " + trackNoun(after.kind) + " " + quoted(beforeIdentity) + " → " +
                  quoted(afterIdentity));
  }
  const std::string subject = theTrack(afterIdentity.empty() ? before : after);
  const std::size_t beforeCount = before.segments.size();
  const std::size_t afterCount = after.segments.size();
  if (afterCount > beforeCount) {
    out.push_back("Added " + countOf(afterCount - beforeCount, "segment") + " to " + subject);
  } else if (afterCount < beforeCount) {
    out.push_back("Removed " + countOf(beforeCount - afterCount, "segment") + " from " + subject);
  }
  const std::string beforeSpan = spanOf(before);
  const std::string afterSpan = spanOf(after);
  if (beforeSpan != afterSpan) {
    out.push_back("Changed " + subject + ": " + beforeSpan + " → " + afterSpan);
  } else if (beforeCount == afterCount && !sameSegmentTimes(before, after)) {
    out.push_back("Changed the segment timing of " + subject);
  }
  if (before.volumePercent != after.volumePercent) {
    std::string who = summaryLabel(after.kind);
    if (nameVolume && !afterIdentity.empty()) who += " " + quoted(afterIdentity);
    auto percent = [](const std::optional<int>& volume) {
      return volume ? std::to_string(*volume) + "%" : std::string("default");
    };
    out.push_back(who + " volume " + percent(before.volumePercent) + " → " + percent(after.volumePercent));
  }
}

}  // namespace

double Track::startMs() const {
  if (segments.empty()) return 0;
  double start = segments.front().startMs;
  for (const Segment& segment : segments) start = std::min(start, segment.startMs);
  return start;
}

double Track::endMs() const {
  double end = 0;
  for (const Segment& segment : segments) end = std::max(end, segment.endMs);
  return end;
}

std::string formatSeconds(double ms) {
  if (!std::isfinite(ms)) return "0";
  const long long tenths = std::llround(ms / 100.0);
  const std::string whole = std::to_string(tenths / 10);
  const long long fraction = std::llabs(tenths % 10);
  if (fraction == 0) return whole;
  return (tenths < 0 && tenths / 10 == 0 ? "-" : "") + whole + "." + std::to_string(fraction);
}

Draft Draft::fromJson(nlohmann::json draft) {
  Draft result;
  result.raw_ = std::move(draft);
  const json* model = &result.raw_;
  json unwrapped;
  if (model->is_string()) {
    unwrapped = support::parseJsonOrDiscarded(model->get_ref<const std::string&>());
    if (unwrapped.is_discarded()) return result;
    model = &unwrapped;
  }
  const json* tracks = member(*model, {"t", "tracks"});
  if (!tracks || !tracks->is_array()) return result;
  result.hasTrackList_ = true;
  for (const json& rawTrack : *tracks) {
    if (rawTrack.is_object()) result.tracks_.push_back(trackOf(rawTrack));
  }
  return result;
}

std::optional<Draft> Draft::fromText(std::string_view text) {
  json parsed = support::parseJsonOrDiscarded(text);
  if (parsed.is_discarded()) return std::nullopt;
  Draft result = fromJson(std::move(parsed));
  result.rawText_ = std::string(text);
  return result;
}

double Draft::durationMs() const {
  double end = 0;
  for (const Track& track : tracks_) end = std::max(end, track.endMs());
  return end;
}

std::string Draft::summary() const {
  const std::size_t count = tracks_.size();
  std::string out = "Timeline (" + countOf(count, "track") + ")";
  if (count == 0) return out;
  out += ":";
  for (std::size_t i = 0; i < count; ++i) {
    const Track& track = tracks_[i];
    out += " " + std::to_string(i + 1) + ". " + summaryLabel(track.kind);
    const std::string identity = identityOf(track);
    if (!identity.empty()) out += ": " + (track.kind == TrackKind::Text ? quoted(identity) : identity);
    if (track.segments.empty()) {
      out += " (no segments)";
      continue;
    }
    out += " (" + spanOf(track);
    if (track.kind == TrackKind::Audio && track.volumePercent) {
      out += ", " + std::to_string(*track.volumePercent) + "%";
    }
    if (track.segments.size() > 1) out += ", " + countOf(track.segments.size(), "segment");
    out += ")";
  }
  return out;
}

nlohmann::json Draft::toJson() const {
  json tracks = json::array();
  for (std::size_t i = 0; i < tracks_.size(); ++i) {
    const Track& track = tracks_[i];
    json entry = {{"index", i + 1}, {"type", typeName(track.kind)}, {"label", summaryLabel(track.kind)}};
    if (track.rawType) entry["raw_type"] = *track.rawType;
    if (!track.name.empty()) entry["name"] = track.name;
    if (!track.text.empty()) entry["text"] = track.text;
    if (track.volumePercent) entry["volume_percent"] = *track.volumePercent;
    entry["start"] = seconds(track.startMs());
    entry["end"] = seconds(track.endMs());
    json segments = json::array();
    for (const Segment& segment : track.segments) {
      json item = {{"start", seconds(segment.startMs)}, {"end", seconds(segment.endMs)}};
      if (!segment.name.empty()) item["name"] = segment.name;
      if (!segment.text.empty()) item["text"] = segment.text;
      if (segment.volumePercent) item["volume_percent"] = *segment.volumePercent;
      if (segment.width) item["width"] = *segment.width;
      if (segment.height) item["height"] = *segment.height;
      segments.push_back(std::move(item));
    }
    entry["segments"] = std::move(segments);
    tracks.push_back(std::move(entry));
  }
  json out = {{"track_count", tracks_.size()}, {"duration", seconds(durationMs())},
              {"exportable", isExportable()}};
  if (const std::string reason = notExportableReason(); !reason.empty()) out["reason"] = reason;
  out["tracks"] = std::move(tracks);
  return out;
}

std::string Draft::notExportableReason() const {
  if (!hasTrackList_) return "There is no timeline yet: nothing has been generated or edited in this session.";
  if (tracks_.empty()) return "The timeline has no tracks yet.";
  for (const Track& track : tracks_) {
    if (!track.segments.empty()) return {};
  }
  return "The timeline's tracks have no segments yet.";
}

std::vector<std::string> diffDrafts(const Draft& before, const Draft& after) {
  const auto& oldTracks = before.tracks();
  const auto& newTracks = after.tracks();
  std::vector<std::optional<std::size_t>> match(oldTracks.size());
  std::vector<bool> taken(newTracks.size(), false);
  auto pair = [&](std::size_t b, std::size_t a) {
    match[b] = a;
    taken[a] = true;
  };
  // Same type and same name is the strongest evidence; prefer the same position among equals.
  for (std::size_t b = 0; b < oldTracks.size(); ++b) {
    const std::string identity = identityOf(oldTracks[b]);
    if (identity.empty()) continue;
    std::optional<std::size_t> best;
    for (std::size_t a = 0; a < newTracks.size(); ++a) {
      if (taken[a] || newTracks[a].kind != oldTracks[b].kind || identityOf(newTracks[a]) != identity) continue;
      if (!best || a == b) best = a;
    }
    if (best) pair(b, *best);
  }
  for (std::size_t b = 0; b < oldTracks.size(); ++b) {
    if (!match[b] && b < newTracks.size() && !taken[b] && newTracks[b].kind == oldTracks[b].kind) pair(b, b);
  }
  for (std::size_t b = 0; b < oldTracks.size(); ++b) {
    for (std::size_t a = 0; a < newTracks.size() && !match[b]; ++a) {
      if (!taken[a] && newTracks[a].kind == oldTracks[b].kind) pair(b, a);
    }
  }

  std::vector<std::string> changes;
  for (std::size_t a = 0; a < newTracks.size(); ++a) {
    if (taken[a]) continue;
    const Track& track = newTracks[a];
    const std::string identity = identityOf(track);
    std::string line = "Added a " + trackNoun(track.kind);
    if (!identity.empty()) line += ": " + quoted(identity);
    line += track.segments.empty() ? " (no segments)" : " (" + spanOf(track) + ")";
    changes.push_back(std::move(line));
  }
  for (std::size_t b = 0; b < oldTracks.size(); ++b) {
    if (match[b]) continue;
    const Track& track = oldTracks[b];
    std::string line = "Removed " + theTrack(track);
    if (identityOf(track).empty() && !track.segments.empty()) line += " (" + spanOf(track) + ")";
    changes.push_back(std::move(line));
  }
  std::vector<std::pair<std::size_t, std::size_t>> pairs;  // (after, before), in timeline order
  for (std::size_t b = 0; b < oldTracks.size(); ++b) {
    if (match[b]) pairs.emplace_back(*match[b], b);
  }
  std::sort(pairs.begin(), pairs.end());
  for (const auto& [a, b] : pairs) {
    // Clang before 16 cannot capture a structured binding: capture the kind itself.
    const auto sameKind = std::count_if(newTracks.begin(), newTracks.end(),
                                        [kind = newTracks[a].kind](const Track& t) { return t.kind == kind; });
    describeChanges(oldTracks[b], newTracks[a], sameKind > 1, changes);
  }
  // Effects, transitions and settings are outside the model, yet a change there is a change.
  if (changes.empty() && before.raw() != after.raw()) {
    changes.push_back("Changed other timeline details (effects, transitions or settings)");
  }
  return changes;
}

const nlohmann::json& stateObjectOf(const nlohmann::json& data) {
  static const nlohmann::json kEmpty = nlohmann::json::object();
  if (!data.is_object()) return kEmpty;
  auto state = data.find("state");
  if (state != data.end() && state->is_object()) return *state;
  return data;
}

nlohmann::json draftOf(const nlohmann::json& data) {
  const auto& state = stateObjectOf(data);
  auto draft = state.find("draft");
  return draft == state.end() ? nlohmann::json() : *draft;
}

}  // namespace nemo::api
