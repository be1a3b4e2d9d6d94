#include "nemo/renders/RenderJob.h"

#include <algorithm>
#include <cctype>

#include "support/JsonAccess.h"

namespace nemo::renders {

std::string normalizeRenderStatus(const std::string& word) {
  std::string lower;
  for (char c : word) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower == "completed" || lower == "complete" || lower == "succeeded" || lower == "success" || lower == "done" ||
      lower == "finished") {
    return "completed";
  }
  if (lower == "failed" || lower == "failure" || lower == "error") return "failed";
  if (lower == "cancelled" || lower == "canceled") return "cancelled";
  if (lower == "pending" || lower == "queued" || lower == "waiting" || lower.empty()) return "pending";
  return "rendering";  // processing, rendering, in_progress, ...
}

std::string renderProgressText(const RenderJob& job) {
  if (job.status == "downloading") return "Downloading the MP4";
  if (job.status == "pending") return "Waiting for a render slot";
  if (job.status == "completed") return "Rendered";
  return "Rendering " + std::to_string(static_cast<int>(job.progress)) + "%";
}

nlohmann::json RenderJob::toJson() const {
  return {{"render_id", renderId}, {"session_id", sessionId},   {"status", status},   {"backend_status", backendStatus},
          {"progress", progress},  {"output_url", outputUrl},   {"path", path},       {"error", error},
          {"output_dir", outputDir.string()}, {"output_path", outputPath}, {"file_stem", fileStem},
          {"quality", quality},    {"size", size},              {"duration", durationSeconds},
          {"created_at", createdAt}, {"updated_at", updatedAt}};
}

RenderJob RenderJob::fromJson(const nlohmann::json& saved) {
  // The file may have been edited or written by another version: a field of another type is
  // read as missing, never thrown.
  using support::numberAt;
  using support::textAt;
  RenderJob job;
  job.renderId = textAt(saved, "render_id");
  job.sessionId = textAt(saved, "session_id");
  job.status = textAt(saved, "status", "pending");
  job.backendStatus = textAt(saved, "backend_status");
  job.progress = numberAt(saved, "progress").value_or(0);
  job.outputUrl = textAt(saved, "output_url");
  job.path = textAt(saved, "path");
  job.error = textAt(saved, "error");
  job.outputDir = textAt(saved, "output_dir");
  job.outputPath = textAt(saved, "output_path");
  job.fileStem = textAt(saved, "file_stem", "nemo-video");
  job.quality = textAt(saved, "quality", "high");
  job.size = static_cast<std::uint64_t>(std::max(0.0, numberAt(saved, "size").value_or(0)));
  job.durationSeconds = numberAt(saved, "duration").value_or(0);
  job.createdAt = textAt(saved, "created_at");
  job.updatedAt = textAt(saved, "updated_at");
  return job;
}

}  // namespace nemo::renders
