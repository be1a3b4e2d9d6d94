// Canned content of the fake NemoVideo cloud: the default timeline, media facts for uploads, and
// the small MP4 that stands in for a render output.
#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <string>

namespace nemo::testbackend {

// The timeline the seeds describe ("city timelapse", "Lo-fi" at 35%, title "Urban Dreams"), with
// keys the client does not know (`tr`, `fx`, `st`, `v`) so a test can prove they survive export.
nlohmann::json defaultDraft(int cdnPort);

// A text track (tt 7) holding one segment, as an edit turn adds it.
nlohmann::json textTrack(const std::string& text, int index);

// "video", "image" or "audio" from the file extension; empty when the type is not accepted.
std::string mediaType(const std::string& filename);

// What the service reports about an uploaded file: made-up but plausible per media type.
nlohmann::json mediaInfo(const std::string& filename, const std::string& type, std::uint64_t size,
                         std::uint64_t hash, int cdnPort);

// A structurally valid ISO-BMFF file (ftyp isom, free, mdat) of exactly `size` bytes (at least
// 48), whose mdat carries `tag` so outputs of different renders differ.
std::string fakeMp4(std::size_t size, const std::string& tag);

// FNV-1a, incremental: cheap enough to hash a 300 MB upload while it streams.
constexpr std::uint64_t kFnvBasis = 0xcbf29ce484222325ULL;
std::uint64_t fnv1a(std::uint64_t hash, const char* data, std::size_t size);

// Current UTC time plus `secondsAhead`, as "2025-01-31T12:00:00Z".
std::string isoTime(long long secondsAhead);

}  // namespace nemo::testbackend
