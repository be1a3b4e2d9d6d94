// Render jobs (export): started from the session's draft sent back verbatim, polled in the
// background with a growing interval, downloaded to disk when done (the bearer token never
// goes to the output host), and saved in the state folder so that a restart resumes a render
// instead of orphaning it. Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "http/HttpClient.h"
#include "nemo/ApiError.h"
#include "nemo/NemoClient.h"
#include "support/SharedJsonFile.h"
#include "support/TaskGroup.h"

namespace nemo::api {

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

class Renders {
 public:
  Renders(std::shared_ptr<NemoClient> client, std::shared_ptr<http::HttpClient> http, std::filesystem::path stateFile,
          RenderOptions options = {});
  ~Renders();

  struct Started {
    std::optional<RenderJob> job;
    std::optional<ApiError> error;
    std::string notExportable;  // the draft cannot be exported yet: why
  };
  // Reads the latest state, checks the draft, starts the render and its poller.
  Started start(const std::string& sessionId, const Destination& destination, const std::string& quality,
                const CallControl& control);

  // The saved job, with its poller running again if it had not finished (e.g. after a restart, or
  // after the video could not be saved). `moveTo` sends a file not yet saved to another folder.
  std::optional<RenderJob> resume(const std::string& renderId, const std::optional<Destination>& moveTo = {});

  // Waits until the job finishes, the deadline passes or stop is requested; relays progress
  // (at least every heartbeatEvery). Returns the job as it is then.
  std::optional<RenderJob> wait(const std::string& renderId, std::chrono::steady_clock::time_point deadline,
                                const std::stop_token& stop,
                                const std::function<void(const std::string&, std::optional<double>)>& onProgress,
                                std::chrono::milliseconds heartbeatEvery);

  // Asks the backend to cancel and marks the job cancelled.
  std::optional<ApiError> cancel(const std::string& renderId, const CallControl& control);

  std::vector<RenderJob> forSession(const std::string& sessionId);
  // The saved job, as it is (no poller started).
  std::optional<RenderJob> find(const std::string& renderId);

 private:
  void load(const std::string& wanted = {});  // caller holds mutex_; re-reads for a job not known yet
  void save(const RenderJob& job);            // caller holds mutex_
  void add(const RenderJob& job);
  // Applies `change` to the saved job under the lock and saves; the job as it is afterwards.
  std::optional<RenderJob> mutate(const std::string& renderId, const std::function<void(RenderJob&)>& change);
  void startPoller(const std::string& renderId);  // caller holds mutex_
  void poll(const std::string& renderId, std::stop_token stop);
  // One status request, applied to the saved job. Stop: the job is over (or we were stopped).
  enum class Check { Updated, Failed, Stop };
  Check checkStatus(const std::string& renderId, const CallControl& control);
  // LocalProblem: this machine could not store the video (read-only folder, full disk); the job
  // stays unfinished, so the next export with its render_id downloads it again.
  enum class Download { Done, Retry, Failed, LocalProblem };
  Download download(RenderJob job, const std::stop_token& stop);
  Download keepForLater(const RenderJob& job, const std::filesystem::path& dir, const std::string& why);

  std::shared_ptr<NemoClient> client_;
  std::shared_ptr<http::HttpClient> http_;
  support::SharedJsonFile stateFile_;
  RenderOptions options_;
  std::mutex mutex_;
  std::condition_variable changed_;
  bool loaded_ = false;
  std::map<std::string, RenderJob> jobs_;
  std::map<std::string, bool> polling_;
  // When each job's status was last read from the backend: a waiting call's answer is at most
  // kFreshStatus old (it checks once more at its deadline otherwise).
  std::map<std::string, std::chrono::steady_clock::time_point> checkedAt_;
  static constexpr std::chrono::seconds kFreshStatus{5};
  std::stop_source stopAll_;
  support::TaskGroup pollers_;  // last member: joined first, while the rest still lives
};

// "status" words of both documented shapes, in our vocabulary: pending, rendering, completed,
// failed, cancelled (unknown words count as rendering).
std::string normalizeRenderStatus(const std::string& word);

// How far a job is, as a progress line reads: "Waiting for a render slot", "Rendering 44%",
// "Downloading the MP4".
std::string renderProgressText(const RenderJob& job);

// A file name from a title: letters, digits, spaces, dashes and underscores; never a path.
std::string safeFileStem(const std::string& title);

// True when the file begins with an MP4 `ftyp` box.
bool looksLikeMp4(const std::filesystem::path& file);

}  // namespace nemo::api
