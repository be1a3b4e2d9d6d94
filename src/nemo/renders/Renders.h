// Render jobs (export): started from the session's draft sent back verbatim, polled as a
// background job with a growing interval, downloaded to disk when done, and saved in the state
// folder so that a restart resumes a render instead of orphaning it. Thread-safe.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "http/HttpClient.h"
#include "nemo/api/ApiError.h"
#include "nemo/api/NemoClient.h"
#include "nemo/renders/RenderJob.h"
#include "nemo/renders/RenderStore.h"
#include "support/BackgroundJobs.h"

namespace nemo::renders {

struct RenderOptions {
  std::chrono::milliseconds firstPoll{3000};
  std::chrono::milliseconds maxPoll{30000};
  int maxPollFailures = 20;  // consecutive failed polls before the job waits for an explicit resume
};

struct Destination {
  std::filesystem::path outputDir;
  std::string outputPath;
  std::string fileStem;
};

// The view of a render's polling (the background job that follows it until its MP4 is on
// disk): the saved job as this process last changed it, and when its status was last read from
// NemoVideo. Its progress steps read "Rendering 44%".
struct RenderView {
  RenderJob job;
  support::Clock::time_point checkedAt{};
};
using RenderPolling = support::BackgroundJob<RenderView>;

class Renders {
 public:
  Renders(std::shared_ptr<api::NemoClient> client, std::shared_ptr<http::HttpClient> http,
          std::filesystem::path stateFile, RenderOptions options = {});

  struct Started {
    std::optional<RenderJob> job;
    std::optional<api::ApiError> error;
    std::string notExportable;  // the draft cannot be exported yet: why
  };
  // Reads the latest state, checks the draft, starts the render and its background job.
  Started start(const std::string& sessionId, const Destination& destination, const std::string& quality,
                const api::CallControl& control);

  // The saved job, polled again if it had not finished (e.g. after a restart, or after the
  // video could not be saved). `moveTo` sends a file not yet saved to another folder.
  std::optional<RenderJob> resume(const std::string& renderId, const std::optional<Destination>& moveTo = {});

  // Waits until the job finishes, the deadline passes or stop is requested, relaying its
  // progress (at least every heartbeatEvery). Returns the job as it is then, never older than
  // a few seconds.
  std::optional<RenderJob> wait(const std::string& renderId, std::chrono::steady_clock::time_point deadline,
                                const std::stop_token& stop,
                                const std::function<void(const support::JobProgress&)>& onProgress,
                                std::chrono::milliseconds heartbeatEvery);

  // Asks the backend to cancel, marks the job cancelled and stops its polling.
  std::optional<api::ApiError> cancel(const std::string& renderId, const api::CallControl& control);

  std::vector<RenderJob> forSession(const std::string& sessionId) { return store_.forSession(sessionId); }
  // The saved job, as it is (no polling started).
  std::optional<RenderJob> find(const std::string& renderId) { return store_.find(renderId); }

 private:
  void startPolling(const RenderJob& job);
  void poll(RenderPolling& polling);
  void pollUntilOver(RenderPolling& polling);
  // One status request, applied to the saved job. Stop: the job is over (or we were stopped).
  enum class Check { Updated, Failed, Stop };
  Check checkStatus(const std::string& renderId, const api::CallControl& control);
  // LocalProblem: this machine could not store the video (read-only folder, full disk); the job
  // stays unfinished, so the next export with its render_id downloads it again.
  enum class Download { Done, Retry, Failed, LocalProblem };
  Download download(RenderPolling& polling, const RenderJob& job);
  Download keepForLater(const RenderJob& job, const std::filesystem::path& dir, const std::string& why);
  // Changes the saved job and shows the change to its background job: a new progress step,
  // and a wake-up when the job is over or its video is ready to download.
  std::optional<RenderJob> change(const std::string& renderId, const std::function<void(RenderJob&)>& apply,
                                  bool statusRead = false);

  std::shared_ptr<api::NemoClient> client_;
  std::shared_ptr<http::HttpClient> http_;
  RenderStore store_;
  RenderOptions options_;
  // A waiting call's answer is at most this old (it checks once more at its deadline otherwise).
  static constexpr std::chrono::seconds kFreshStatus{5};
  support::BackgroundJobs<RenderView> polling_;  // last member: stopped and joined first
};

}  // namespace nemo::renders
