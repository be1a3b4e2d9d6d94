// The `export` tool: renders the session's timeline to an MP4 and downloads it, within a
// bounded wait (a render still running comes back with a render_id to wait on, even after a
// restart); also cancels a render.
#include <algorithm>
#include <cstdio>

#include "nemo/api/Draft.h"
#include "nemo/renders/FilePlacement.h"
#include "nemo/renders/Renders.h"
#include "support/Paths.h"
#include "tools/ToolSupport.h"

namespace nemo::tools {
namespace {

nlohmann::json describe(const renders::RenderJob& job) {
  nlohmann::json out{{"render_id", job.renderId}, {"session_id", job.sessionId}, {"status", job.status},
                     {"progress", job.progress}};
  if (!job.path.empty()) out["path"] = job.path;
  if (!job.outputUrl.empty()) out["url"] = job.outputUrl;
  if (job.size > 0 && job.status == "completed") out["size"] = job.size;
  if (job.durationSeconds > 0) out["duration"] = job.durationSeconds;
  return out;
}

std::string megabytes(std::uint64_t bytes) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.1f MB", static_cast<double>(bytes) / (1024.0 * 1024.0));
  return buffer;
}

// What the agent reads for a job, whatever state it is in.
mcp::ToolResult answer(const renders::RenderJob& job) {
  auto structured = describe(job);
  if (job.status == "completed") {
    auto text = "The video is ready: " + job.path + " (" + megabytes(job.size) +
                (job.durationSeconds > 0 ? ", " + api::formatSeconds(job.durationSeconds * 1000) + " s" : std::string()) +
                ").";
    return mcp::ToolResult::success(text, structured).withNext("Tell the user where the MP4 is.");
  }
  if (job.status == "failed") {
    structured["error"] = {{"code", api::code::kServerError}, {"message", job.error}};
    return mcp::ToolResult::failure(job.error + " (render " + job.renderId + ")", structured);
  }
  if (job.status == "not_saved") {
    structured["error"] = {{"code", api::code::kLocal}, {"message", job.error}};
    return mcp::ToolResult::failure(job.error, structured);
  }
  if (job.status == "cancelled") {
    return mcp::ToolResult::success("The render " + job.renderId + " was cancelled.", structured);
  }
  auto message = renders::renderProgressText(job) + ": the render " + job.renderId +
                 " goes on in the background, also across restarts.";
  std::string text = "⏳ " + message;
  if (!job.error.empty()) text += "\nLast problem: " + job.error;
  return mcp::ToolResult::success(text, structured)
      .withMessage(message)
      .withNext("Call export with {\"render_id\": \"" + job.renderId + "\", \"wait_seconds\": 110} to wait for it "
                "and download the MP4. Do not call export without the render_id: that would render the video again.");
}

}  // namespace

void registerExportTool(mcp::ToolRegistry& registry, const Services& services) {
  auto error = registry.add("export", [services](const nlohmann::json& arguments, mcp::ToolContext& context) {
    auto& renders = *services.renders;
    auto renderId = arguments.value("render_id", std::string());
    auto deadline = std::chrono::steady_clock::now() + callWait(arguments, services, context);
    // Starting a render needs a few requests even when the caller does not want to wait for it:
    // those get the default bound at least.
    auto control = callControl(context, std::max(deadline, std::chrono::steady_clock::now() + services.defaultWait));

    if (arguments.value("cancel", false)) {
      if (renderId.empty()) return localFailure("Give the render_id of the render to cancel.");
      if (!renders.find(renderId)) return localFailure("Unknown render_id " + renderId + ".");
      if (auto cancelError = renders.cancel(renderId, control)) return errorResult(*cancelError);
      return answer(*renders.find(renderId));
    }

    renders::Destination destination;
    auto outputDir = arguments.value("output_dir", std::string());
    destination.outputDir = outputDir.empty() ? support::outputDirectory() : support::expandUserPath(outputDir);
    auto outputPath = arguments.value("output_path", std::string());
    if (!outputPath.empty()) destination.outputPath = support::expandUserPath(outputPath).string();

    if (renderId.empty()) {
      auto sessionId = resolveSessionId(arguments, services);
      if (sessionId.empty()) return noSessionFailure(services);
      auto session = services.sessions->find(sessionId);
      auto title = session && session->taskName != "project" && !session->taskName.empty() ? session->taskName
                                                                                          : "nemo-video-" + sessionId;
      destination.fileStem = renders::safeFileStem(title);
      if (auto busy = waitForRunningTurn(sessionId, services, context, deadline)) return *busy;
      context.progress("Reading the timeline and starting the render...");
      auto started = renders.start(sessionId, destination, arguments.value("quality", std::string("high")), control);
      if (started.error) return sessionErrorResult(*started.error, arguments, services);
      confirmSession(sessionId, services);
      if (!started.notExportable.empty()) {
        return localFailure("Nothing to export yet: " + started.notExportable +
                            " Use chat to generate or edit the video first, then export.");
      }
      renderId = started.job->renderId;
    } else if (!renders.resume(renderId, outputDir.empty() && outputPath.empty() ? std::nullopt
                                                                                 : std::optional(destination))) {
      return localFailure("Unknown render_id " + renderId + " (not started from this computer).");
    }

    context.resumeWith({{"render_id", renderId}});  // a task taken up after a restart waits for this render
    auto job = renders.wait(
        renderId, deadline, context.stop(),
        [&context](const support::JobProgress& progress) {
          context.progress(progress.text.empty() ? std::string("Still rendering...") : progress.text, progress.percent);
        },
        services.progressInterval);
    if (!job) return localFailure("Unknown render_id " + renderId + ".");
    if (context.cancelled() && context.mayRunAsTask() && !job->finished()) {
      // tasks/cancel means the work, not only the wait: the render is cancelled at NemoVideo too.
      api::CallControl cancelling{{}, {}, std::chrono::steady_clock::now() + services.defaultWait};
      if (auto cancelError = renders.cancel(renderId, cancelling)) return errorResult(*cancelError);
      job = renders.find(renderId);
    }
    return answer(*job);
  });
  if (error) throw std::logic_error(*error);
}

}  // namespace nemo::tools
