#include "nemo/renders/Renders.h"

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <spdlog/spdlog.h>

#include "nemo/api/Draft.h"
#include "nemo/api/RawJson.h"
#include "nemo/renders/FilePlacement.h"
#include "nemo/renders/RenderApi.h"
#include "nemo/renders/RenderDownload.h"
#include "support/IsoTime.h"

namespace nemo::renders {
namespace {

// Finished render jobs answer `wait` from memory this long; the saved record stays longer.
constexpr std::chrono::hours kKeepFinishedJobs{1};

support::JobProgress stepOf(const RenderJob& job) {
  return {support::JobProgress::Kind::Step, renderProgressText(job),
          job.status == "rendering" ? std::optional<double>(job.progress) : std::nullopt};
}

}  // namespace

Renders::Renders(std::shared_ptr<api::NemoClient> client, std::shared_ptr<http::HttpClient> http,
                 std::filesystem::path stateFile, RenderOptions options)
    : client_(std::move(client)),
      http_(std::move(http)),
      store_(std::move(stateFile)),
      options_(options),
      polling_(kKeepFinishedJobs) {}

Renders::Started Renders::start(const std::string& sessionId, const Destination& destination,
                                const std::string& quality, const api::CallControl& control) {
  Started started;
  auto state = client_->state(sessionId, control);
  if (!state.ok()) {
    started.error = state.error;
    return started;
  }
  auto draft = api::Draft::fromJson(api::draftOf(state.data));
  if (!draft.isExportable()) {
    started.notExportable = draft.notExportableReason();
    return started;
  }
  // The draft goes back exactly as the backend gave it: unknown keys and all.
  auto raw = api::rawJsonMember(state.rawBody, {"data", "state", "draft"});
  if (!raw) raw = api::rawJsonMember(state.rawBody, {"data", "draft"});
  std::string draftText = raw ? std::string(*raw) : draft.raw().dump();

  RenderJob job;
  job.sessionId = sessionId;
  job.outputDir = destination.outputDir;
  job.outputPath = destination.outputPath;
  job.fileStem = destination.fileStem;
  job.quality = quality;
  job.durationSeconds = draft.durationMs() / 1000.0;
  job.createdAt = support::isoTimeNow();
  for (int attempt = 0; attempt < 3; ++attempt) {
    job.renderId = newRenderId();
    auto result = requestRender(*client_, job.renderId, sessionId, draftText, quality, control);
    if (result.ok()) {
      auto report = readRenderStatus(result.raw);
      job.backendStatus = report.word;
      job.status = normalizeRenderStatus(report.word) == "completed" ? "rendering" : "pending";
      store_.add(job);
      startPolling(job);
      started.job = job;
      return started;
    }
    if (!refusedAsDuplicate(*result.error)) {
      started.error = result.error;
      if (result.error->code == api::code::kServerError && !result.error->backendMessage.empty()) {
        started.error->message = "NemoVideo could not start the render: " + result.error->backendMessage;
      }
      return started;
    }
    spdlog::info("render id {} already taken; trying a new one", job.renderId);
  }
  started.error = api::makeApiError(api::code::kServerError, 409,
                                    "three render ids in a row were refused as duplicates", client_->errorContext());
  return started;
}

std::optional<RenderJob> Renders::resume(const std::string& renderId, const std::optional<Destination>& moveTo) {
  auto job = store_.find(renderId);
  if (!job) return std::nullopt;
  if (moveTo && !job->finished()) {
    job = store_.change(renderId, [&](RenderJob& j) {
      j.outputDir = moveTo->outputDir;
      j.outputPath = moveTo->outputPath;
    });
  }
  if (!job->finished()) startPolling(*job);
  return job;
}

void Renders::startPolling(const RenderJob& job) {
  const std::string renderId = job.renderId;
  polling_.start(
      renderId, RenderView{job, {}}, [this](RenderPolling& polling) { poll(polling); },
      [renderId](RenderView&, const std::string& why, bool) {
        // The saved job is as it was: the next export with its render_id polls it again.
        spdlog::error("render {}: polling stopped: {}", renderId, why);
      });
}

void Renders::poll(RenderPolling& polling) {
  pollUntilOver(polling);
  auto job = store_.find(polling.id());
  auto ending = support::JobState::Failed;  // given up for now: the saved job says why
  if (job && job->status == "completed") {
    ending = support::JobState::Completed;
  } else if ((job && job->status == "cancelled") || polling.stopRequested()) {
    ending = support::JobState::Cancelled;
  }
  polling.finish(ending, [&](RenderView& view) {
    if (job) view.job = *job;
  });
}

void Renders::pollUntilOver(RenderPolling& polling) {
  const std::string renderId = polling.id();
  auto interval = options_.firstPoll;
  int failures = 0;
  int downloadFailures = 0;
  // A rate-limit wait inside a status request is said as the render's progress.
  api::CallControl control{polling.stopToken(), [&polling](const std::string& note) {
                        polling.report({support::JobProgress::Kind::Note, note, std::nullopt});
                      }};
  polling.report(stepOf(polling.view().job));
  for (;;) {
    auto job = store_.find(renderId);
    if (!job || job->finished() || polling.stopRequested()) return;
    if (job->status != "downloading") {
      auto checked = checkStatus(renderId, control);
      if (polling.stopRequested() || checked == Check::Stop) return;
      if (checked == Check::Failed) {
        if (++failures >= options_.maxPollFailures) {
          change(renderId, [](RenderJob& j) {
            j.error = "NemoVideo did not answer the status checks; call export with this render_id to try again.";
          });
          return;
        }
      } else {
        failures = 0;
      }
      job = store_.find(renderId);
      if (!job || job->finished()) return;
    }
    if (job->status == "downloading") {
      switch (download(polling, *job)) {
        case Download::Done:
        case Download::Failed:
        case Download::LocalProblem:  // nothing to retry until the user frees space: the next export resumes it
          return;
        case Download::Retry:
          if (++downloadFailures >= 3) {
            change(renderId, [](RenderJob& j) {
              j.status = "failed";
              j.error = "The video was rendered but could not be downloaded (" + j.error + ").";
            });
            return;
          }
          break;
      }
      if (polling.stopRequested()) return;
    }
    // Renders take 30-90 s: ask often at first, then back off. A cancel ends the pause at once,
    // and so does a waiting call's own status check that found the render done.
    if (!polling.pause(interval)) return;
    interval = std::min(options_.maxPoll, std::chrono::milliseconds(interval.count() * 3 / 2));
  }
}

std::optional<RenderJob> Renders::change(const std::string& renderId, const std::function<void(RenderJob&)>& apply,
                                         bool statusRead) {
  auto polling = polling_.find(renderId);
  return store_.change(renderId, apply, [&](const RenderJob& before, const RenderJob& after) {
    if (!polling) return;
    polling->update([&](RenderView& view) {
      view.job = after;
      if (statusRead) view.checkedAt = support::Clock::now();
    });
    if (renderProgressText(after) != renderProgressText(before)) polling->report(stepOf(after));
    // The poller waits for nothing once the job is over, and downloads a finished render at once.
    if (after.finished() || (after.status == "downloading" && before.status != "downloading")) polling->wake();
  });
}

Renders::Check Renders::checkStatus(const std::string& renderId, const api::CallControl& control) {
  auto result = requestRenderStatus(*client_, renderId, control);
  if (control.stop.stop_requested()) return Check::Stop;
  if (!result.ok()) {
    spdlog::warn("render {}: status check failed: {}", renderId, result.error->message);
    if (result.error->code == api::code::kPlanBlocksExport || result.error->httpStatus == 404 ||
        result.error->code == api::code::kSessionNotFound) {
      change(renderId, [&](RenderJob& j) {
        j.status = "failed";
        j.error = result.error->message;
      });
      return Check::Stop;
    }
    return Check::Failed;
  }
  auto report = readRenderStatus(result.raw);
  auto status = normalizeRenderStatus(report.word);
  change(
      renderId,
      [&](RenderJob& j) {
        j.backendStatus = report.word;
        if (report.progress) j.progress = std::clamp(*report.progress, 0.0, 100.0);
        if (!report.outputUrl.empty()) j.outputUrl = report.outputUrl;
        if (report.duration) j.durationSeconds = *report.duration;
        if (status == "failed") {
          j.error = report.reason.empty() ? std::string("NemoVideo reported the render as failed, without a reason.")
                                          : "NemoVideo could not render the video: " + report.reason;
        }
        // A download already under way stays one: a late status answer must not undo it.
        if (j.status != "downloading") j.status = status == "completed" ? "downloading" : status;
      },
      true);
  return Check::Updated;
}

Renders::Download Renders::keepForLater(const RenderJob& job, const std::filesystem::path& dir, const std::string& why) {
  spdlog::warn("render {}: cannot store the video in {}: {}", job.renderId, dir.string(), why);
  change(job.renderId, [&](RenderJob& j) {
    j.status = "not_saved";
    j.error = "The video is rendered at NemoVideo, but this computer could not save it in " + dir.string() + " (" +
              why + "). Free some disk space or make the folder writable, then call export with render_id \"" +
              j.renderId + "\" to download it.";
  });
  return Download::LocalProblem;
}

Renders::Download Renders::download(RenderPolling& polling, const RenderJob& job) {
  std::error_code ec;
  std::filesystem::path dir = job.outputPath.empty() ? job.outputDir : std::filesystem::path(job.outputPath).parent_path();
  std::string stem = job.outputPath.empty() ? job.fileStem : safeFileStem(std::filesystem::path(job.outputPath).stem().string());
  if (dir.empty()) dir = ".";
  std::filesystem::create_directories(dir, ec);
  if (ec) return keepForLater(job, dir, ec.message());
  auto temp = dir / ("." + stem + "." + job.renderId + ".part");
  // A stale part (or a link planted in its place) goes; the new one is created exclusively.
  std::filesystem::remove(temp, ec);

  auto fetched = fetchRenderedVideo(*client_, *http_, job, temp, polling.stopToken());
  switch (fetched.kind) {
    case FetchOutcome::Kind::LocalProblem:
      return keepForLater(job, dir, fetched.why);
    case FetchOutcome::Kind::Failed:
      change(job.renderId, [&](RenderJob& j) {
        j.status = "failed";
        j.error = fetched.why;
      });
      return Download::Failed;
    case FetchOutcome::Kind::Retry:
      if (!polling.stopRequested()) change(job.renderId, [&](RenderJob& j) { j.error = fetched.why; });
      return Download::Retry;
    case FetchOutcome::Kind::Fetched:
      break;
  }
  std::string placed;
  if (!placeWithoutOverwrite(temp, dir, stem, placed)) {
    std::string why = std::strerror(errno);
    std::filesystem::remove(temp, ec);
    return keepForLater(job, dir, why);
  }
  auto size = std::filesystem::file_size(placed, ec);
  change(job.renderId, [&](RenderJob& j) {
    j.path = placed;
    j.size = size;
    j.progress = 100;
    j.status = "completed";
    j.error.clear();
  });
  spdlog::info("render {} saved to {}", job.renderId, placed);
  return Download::Done;
}

std::optional<RenderJob> Renders::wait(const std::string& renderId, std::chrono::steady_clock::time_point deadline,
                                       const std::stop_token& stop,
                                       const std::function<void(const support::JobProgress&)>& onProgress,
                                       std::chrono::milliseconds heartbeatEvery) {
  auto polling = polling_.find(renderId);
  if (polling) polling->wait(deadline, stop, onProgress, {heartbeatEvery, true});
  auto job = store_.find(renderId);
  if (!job || job->finished() || job->status == "downloading" || stop.stop_requested()) return job;
  // The answer is read once and acted on: it must say how the render is now, not how it was at
  // the poller's last check (up to maxPoll ago). One more check when that is stale.
  auto checkedAt = polling ? polling->view().checkedAt : support::Clock::time_point{};
  if (support::Clock::now() - checkedAt > kFreshStatus) {
    // One request, briefly: a rate-limit wait would not fit, and the answer goes out anyway.
    checkStatus(renderId, api::CallControl{stop, {}, support::Clock::now() + kFreshStatus * 2});
    job = store_.find(renderId);
  }
  return job;
}

std::optional<api::ApiError> Renders::cancel(const std::string& renderId, const api::CallControl& control) {
  auto job = store_.find(renderId);
  if (!job) return api::makeApiError(api::code::kLocal, 0, "unknown render_id " + renderId, client_->errorContext());
  auto result = requestRenderCancel(*client_, renderId, control);
  if (!result.ok() && !job->finished()) return result.error;
  change(renderId, [](RenderJob& j) { j.status = "cancelled"; });
  if (auto polling = polling_.find(renderId)) polling->requestStop();
  return std::nullopt;
}

}  // namespace nemo::renders
