// A render job as it is saved: which session, where the MP4 goes, how far the render is. The
// record outlives the process (renders.json), so that a restart resumes a render instead of
// orphaning it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

namespace nemo::renders {

struct RenderJob {
  std::string renderId;
  std::string sessionId;
  // pending, rendering, downloading, completed, failed, cancelled; or not_saved: rendered, but this
  // computer could not store the file (unfinished: the next export downloads it again).
  std::string status = "pending";
  std::string backendStatus;       // the word the backend used last
  double progress = 0;             // 0-100
  std::string outputUrl;
  std::string path;                // the MP4 on disk once downloaded
  std::string error;               // failed: the reason, for the person
  std::filesystem::path outputDir;
  std::string outputPath;          // an explicit file asked for, else empty
  std::string fileStem;            // name of the file without ".mp4", from the session/title
  std::string quality = "high";
  std::uint64_t size = 0;
  double durationSeconds = 0;
  std::string createdAt;
  std::string updatedAt;

  bool finished() const { return status == "completed" || status == "failed" || status == "cancelled"; }
  nlohmann::json toJson() const;
  static RenderJob fromJson(const nlohmann::json& saved);
};

// "status" words of both documented shapes, in our vocabulary: pending, rendering, completed,
// failed, cancelled (unknown words count as rendering).
std::string normalizeRenderStatus(const std::string& word);

// How far a job is, as a progress line reads: "Waiting for a render slot", "Rendering 44%",
// "Downloading the MP4".
std::string renderProgressText(const RenderJob& job);

}  // namespace nemo::renders
