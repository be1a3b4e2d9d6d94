// Canned content of the fake NemoVideo cloud: the default timeline, media facts for uploads, and
// the small MP4 that stands in for a render output.
#include "Fixtures.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <ctime>

namespace nemo::testbackend {

using nlohmann::json;

json defaultDraft(int cdnPort) {
  const std::string media = "http://127.0.0.1:" + std::to_string(cdnPort) + "/media/";
  return json{
      {"v", "1.0"},
      {"d", 10000},
      {"tr", {{"x", 1}}},
      {"canvas", {{"w", 1920}, {"h", 1080}}},
      {"t",
       json::array({
           {{"id", "trk_video"},
            {"tt", 0},
            {"m", {{"name", "city timelapse"}}},
            {"sg", json::array({{{"id", "seg_v1"},
                                 {"st", 0},
                                 {"d", 10000},
                                 {"fx", {{"speed", 1}, {"filter", "none"}}},
                                 {"m",
                                  {{"name", "city timelapse"},
                                   {"url", media + "city_timelapse.mp4"},
                                   {"width", 1920},
                                   {"height", 1080}}}}})}},
           {{"id", "trk_bgm"},
            {"tt", 1},
            {"m", {{"name", "Lo-fi"}}},
            {"sg", json::array({{{"id", "seg_a1"},
                                 {"st", 0},
                                 {"d", 10000},
                                 {"m",
                                  {{"name", "Lo-fi"},
                                   {"volume", 0.35},
                                   {"url", media + "lofi.mp3"}}}}})}},
           {{"id", "trk_text"},
            {"tt", 7},
            {"m", {{"font", "Inter"}}},
            {"sg", json::array({{{"id", "seg_t1"},
                                 {"st", 0},
                                 {"d", 3000},
                                 {"tr", {{"x", 1}, {"in", "fade"}}},
                                 {"m",
                                  {{"text", "Urban Dreams"},
                                   {"title", "Urban Dreams"},
                                   {"font", "Inter"},
                                   {"size", 64}}}}})}},
       })}};
}

json textTrack(const std::string& text, int index) {
  const std::string n = std::to_string(index);
  return json{{"id", "trk_text_" + n},
              {"tt", 7},
              {"m", json::object()},
              {"sg", json::array({{{"id", "seg_text_" + n},
                                   {"st", 0},
                                   {"d", 3000},
                                   {"m", {{"text", text}, {"title", text}}}}})}};
}

std::string mediaType(const std::string& filename) {
  auto dot = filename.find_last_of('.');
  if (dot == std::string::npos) return {};
  std::string ext = filename.substr(dot + 1);
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  // The accepted list of nemo-api.md; anything else is 4001.
  static const std::array<const char*, 5> video{"mp4", "mov", "avi", "webm", "mkv"};
  static const std::array<const char*, 4> image{"jpg", "png", "gif", "webp"};
  static const std::array<const char*, 4> audio{"mp3", "wav", "m4a", "aac"};
  auto in = [&](const auto& list) {
    return std::find(list.begin(), list.end(), ext) != list.end();
  };
  if (in(video)) return "video";
  if (in(image) || ext == "jpeg") return "image";
  if (in(audio)) return "audio";
  return {};
}

json mediaInfo(const std::string& filename, const std::string& type, std::uint64_t size,
               std::uint64_t hash, int cdnPort) {
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(hash));
  const bool visual = type != "audio";
  return json{{"filename", filename},
              {"file_type", type},
              {"cdn_url", "http://127.0.0.1:" + std::to_string(cdnPort) + "/media/" + hex + "/" +
                              filename},
              {"duration", type == "video" ? 10.0 : type == "audio" ? 30.0 : 0.0},
              {"width", visual ? 1920 : 0},
              {"height", visual ? 1080 : 0},
              {"fps", type == "video" ? 30 : 0},
              {"hash", hex},
              {"size", size}};
}

namespace {
void putBox(std::string& out, std::uint32_t size, const char* type) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>((size >> shift) & 0xff));
  out.append(type, 4);
}
}  // namespace

std::string fakeMp4(std::size_t size, const std::string& tag) {
  size = std::max<std::size_t>(size, 48);
  std::string out;
  out.reserve(size);
  putBox(out, 24, "ftyp");
  out.append("isom");
  out.append("\0\0\x02\0", 4);  // minor version 0x200
  out.append("isommp41");
  putBox(out, 16, "free");
  out.append("nemotest", 8);
  const std::size_t mdat = size - out.size();
  putBox(out, static_cast<std::uint32_t>(mdat), "mdat");
  const std::string fill = "nemo-test-backend output " + tag + "\n";
  while (out.size() < size) out.append(fill, 0, std::min(fill.size(), size - out.size()));
  return out;
}

std::uint64_t fnv1a(std::uint64_t hash, const char* data, std::size_t size) {
  for (std::size_t i = 0; i < size; ++i) {
    hash ^= static_cast<unsigned char>(data[i]);
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

std::string isoTime(long long secondsAhead) {
  std::time_t t = std::time(nullptr) + static_cast<std::time_t>(secondsAhead);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace nemo::testbackend
