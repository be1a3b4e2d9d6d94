#include "nemo/Renders.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <thread>
#include <fcntl.h>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include "nemo/Draft.h"
#include "nemo/RawJson.h"
#include "nemo/Sessions.h"
#include "support/Files.h"
#include "support/JsonAccess.h"
#include "support/Random.h"

namespace nemo::api {
namespace {

// Finished jobs are kept this long for `state` and a late `export`, then dropped from the file.
constexpr std::chrono::hours kForgetFinishedAfter{24 * 30};

std::string newRenderId() {
  static constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::string suffix;
  for (int i = 0; i < 8; ++i) suffix += kAlphabet[support::randomNumber() % 36];
  auto now = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch());
  return "render_" + std::to_string(now.count()) + "_" + suffix;
}

const nlohmann::json* member(const nlohmann::json& object, std::initializer_list<const char*> keys) {
  if (!object.is_object()) return nullptr;
  for (const char* key : keys) {
    auto found = object.find(key);
    if (found != object.end() && !found->is_null()) return &*found;
  }
  return nullptr;
}

std::string textOf(const nlohmann::json* value) {
  if (value == nullptr) return {};
  if (value->is_string()) return value->get<std::string>();
  if (value->is_object()) {
    if (auto* message = member(*value, {"message", "reason", "error"})) return textOf(message);
  }
  return value->dump();
}

// The status answer in either documented shape: {"data":{...}} or the fields at the top.
struct StatusReport {
  std::string word;
  std::optional<double> progress;
  std::string outputUrl;
  std::string reason;
  std::optional<double> duration;
};

StatusReport readStatus(const nlohmann::json& answer) {
  StatusReport report;
  const auto& data = answer.contains("data") && answer["data"].is_object() ? answer["data"] : answer;
  for (const auto* scope : {&data, &answer}) {
    if (report.word.empty()) report.word = textOf(member(*scope, {"status", "state"}));
    if (!report.progress) {
      if (auto* progress = member(*scope, {"progress", "percent"}); progress && progress->is_number()) {
        double value = progress->get<double>();
        report.progress = value <= 1.0 && value > 0 ? value * 100 : value;
      }
    }
    if (report.outputUrl.empty()) report.outputUrl = textOf(member(*scope, {"outputUrl", "output_url", "url"}));
    if (report.outputUrl.empty()) {
      if (auto* output = member(*scope, {"output"}); output && output->is_object()) {
        report.outputUrl = textOf(member(*output, {"url", "outputUrl"}));
      }
    }
    if (report.reason.empty()) report.reason = textOf(member(*scope, {"error", "reason", "errorMessage", "message"}));
    if (!report.duration) {
      if (auto* duration = member(*scope, {"duration"}); duration && duration->is_number()) report.duration = duration->get<double>();
    }
  }
  return report;
}

// Output hosts get no credentials: https anywhere, plain http only on this machine.
bool fetchableWithoutToken(const std::string& url) {
  return url.rfind("https://", 0) == 0 || (url.rfind("http://", 0) == 0 && http::isLoopbackUrl(url));
}

// A free name in the folder: "<stem>.mp4", else "<stem> (2).mp4", ... Never replaces a file.
bool placeWithoutOverwrite(const std::filesystem::path& temp, const std::filesystem::path& dir, const std::string& stem,
                           std::string& placed) {
  for (int n = 1; n < 1000; ++n) {
    auto candidate = dir / (stem + (n == 1 ? std::string() : " (" + std::to_string(n) + ")") + ".mp4");
    // link() fails when the name exists, unlike rename(): no check-then-act race.
    if (::link(temp.c_str(), candidate.c_str()) == 0) {
      ::unlink(temp.c_str());
      placed = candidate.string();
      return true;
    }
    if (errno == EEXIST) continue;
    // No hard links here (FAT, some network mounts): claim the name exclusively, then move onto it.
    int claim = ::open(candidate.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (claim < 0) {
      if (errno == EEXIST) continue;
      return false;
    }
    ::close(claim);
    if (::rename(temp.c_str(), candidate.c_str()) != 0) {
      ::unlink(candidate.c_str());
      return false;
    }
    placed = candidate.string();
    return true;
  }
  return false;
}

}  // namespace

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

std::string safeFileStem(const std::string& title) {
  std::string stem;
  for (unsigned char c : title) {
    if (std::isalnum(c) || c == '-' || c == '_' || c >= 0x80) stem += static_cast<char>(c);
    else if ((c == ' ' || c == '.') && !stem.empty() && stem.back() != ' ') stem += ' ';
  }
  while (!stem.empty() && (stem.back() == ' ' || stem.back() == '.')) stem.pop_back();
  if (stem.size() > 80) stem.resize(80);
  return stem.empty() ? std::string("nemo-video") : stem;
}

bool looksLikeMp4(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  char head[8] = {};
  in.read(head, sizeof head);
  return in.gcount() == 8 && std::string_view(head + 4, 4) == "ftyp";
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

Renders::Renders(std::shared_ptr<NemoClient> client, std::shared_ptr<http::HttpClient> http,
                 std::filesystem::path stateFile, RenderOptions options)
    : client_(std::move(client)), http_(std::move(http)), stateFile_(std::move(stateFile)), options_(options) {}

Renders::~Renders() {
  stopAll_.request_stop();
  { std::lock_guard lock(mutex_); }  // a waiter between its check and its wait must not miss this
  changed_.notify_all();
  pollers_.waitAll(std::chrono::seconds(5));
}

void Renders::load(const std::string& wanted) {
  // Read once, and again for a job this process does not know: another server process (another
  // client on the same HOME) may have started it.
  if (loaded_ && (wanted.empty() || jobs_.count(wanted))) return;
  loaded_ = true;
  const auto saved = stateFile_.read();
  for (const auto& entry : support::arrayAt(saved, "renders")) {
    auto job = RenderJob::fromJson(entry);
    if (!job.renderId.empty() && !jobs_.count(job.renderId)) jobs_[job.renderId] = job;
  }
}

void Renders::save(const RenderJob& job) {
  // One job at a time, into the file as it is now: the other processes' jobs stay.
  const std::string forgetBefore = isoTime(std::chrono::system_clock::now() - kForgetFinishedAfter);
  auto error = stateFile_.update([&](nlohmann::json& data) {
    nlohmann::json kept = nlohmann::json::array();
    for (const auto& entry : support::arrayAt(data, "renders")) {
      auto saved = RenderJob::fromJson(entry);
      if (saved.renderId == job.renderId) continue;
      if (saved.finished() && saved.updatedAt < forgetBefore) continue;
      kept.push_back(entry);
    }
    kept.push_back(job.toJson());
    data["renders"] = std::move(kept);
  });
  if (error) spdlog::warn("could not save render {} (it goes on in this process): {}", job.renderId, *error);
}

void Renders::add(const RenderJob& job) {
  {
    std::lock_guard lock(mutex_);
    load();
    auto& added = jobs_[job.renderId];
    added = job;
    added.updatedAt = isoTimeNow();
    save(added);
  }
  changed_.notify_all();
}

std::optional<RenderJob> Renders::mutate(const std::string& renderId, const std::function<void(RenderJob&)>& change) {
  std::optional<RenderJob> result;
  {
    std::lock_guard lock(mutex_);
    load();
    auto found = jobs_.find(renderId);
    if (found == jobs_.end()) return std::nullopt;
    // A finished job (completed, failed, cancelled) stays as it is: a poll that was under way
    // when the user cancelled must not bring the job back to life.
    if (!found->second.finished()) {
      change(found->second);
      found->second.updatedAt = isoTimeNow();
      save(found->second);
    }
    result = found->second;
  }
  changed_.notify_all();
  return result;
}

std::optional<RenderJob> Renders::find(const std::string& renderId) {
  std::lock_guard lock(mutex_);
  load(renderId);
  auto found = jobs_.find(renderId);
  if (found == jobs_.end()) return std::nullopt;
  return found->second;
}

std::vector<RenderJob> Renders::forSession(const std::string& sessionId) {
  std::lock_guard lock(mutex_);
  load();
  std::vector<RenderJob> out;
  for (const auto& [id, job] : jobs_) {
    if (job.sessionId == sessionId) out.push_back(job);
  }
  return out;
}

Renders::Started Renders::start(const std::string& sessionId, const Destination& destination,
                                const std::string& quality, const CallControl& control) {
  Started started;
  auto state = client_->state(sessionId, control);
  if (!state.ok()) {
    started.error = state.error;
    return started;
  }
  auto draft = Draft::fromJson(draftOf(state.data));
  if (!draft.isExportable()) {
    started.notExportable = draft.notExportableReason();
    return started;
  }
  // The draft goes back exactly as the backend gave it: unknown keys and all.
  auto raw = rawJsonMember(state.rawBody, {"data", "state", "draft"});
  if (!raw) raw = rawJsonMember(state.rawBody, {"data", "draft"});
  std::string draftText = raw ? std::string(*raw) : draft.raw().dump();

  RenderJob job;
  job.sessionId = sessionId;
  job.outputDir = destination.outputDir;
  job.outputPath = destination.outputPath;
  job.fileStem = destination.fileStem;
  job.quality = quality;
  job.durationSeconds = draft.durationMs() / 1000.0;
  job.createdAt = isoTimeNow();
  for (int attempt = 0; attempt < 3; ++attempt) {
    job.renderId = newRenderId();
    nlohmann::json output{{"format", "mp4"}, {"quality", quality}};
    std::string body = "{\"id\":" + nlohmann::json(job.renderId).dump() + ",\"sessionId\":" +
                       nlohmann::json(sessionId).dump() + ",\"draft\":" + draftText + ",\"output\":" + output.dump() + "}";
    ApiCall call;
    call.method = "POST";
    call.path = "/api/render/proxy/lambda";
    call.rawBody = body;
    call.envelope = Envelope::Success;
    auto result = client_->call(call, control);
    if (result.ok()) {
      auto report = readStatus(result.raw);
      job.backendStatus = report.word;
      job.status = normalizeRenderStatus(report.word) == "completed" ? "rendering" : "pending";
      add(job);
      std::lock_guard lock(mutex_);
      startPoller(job.renderId);
      started.job = job;
      return started;
    }
    auto said = result.error->backendMessage;
    std::transform(said.begin(), said.end(), said.begin(), [](unsigned char c) { return std::tolower(c); });
    bool duplicate = result.error->httpStatus == 409 || said.find("duplicate") != std::string::npos ||
                     said.find("already exists") != std::string::npos;
    if (!duplicate) {
      started.error = result.error;
      if (result.error->code == code::kServerError && !result.error->backendMessage.empty()) {
        started.error->message = "NemoVideo could not start the render: " + result.error->backendMessage;
      }
      return started;
    }
    spdlog::info("render id {} already taken; trying a new one", job.renderId);
  }
  started.error = makeApiError(code::kServerError, 409, "three render ids in a row were refused as duplicates",
                               client_->errorContext());
  return started;
}

std::optional<RenderJob> Renders::resume(const std::string& renderId, const std::optional<Destination>& moveTo) {
  std::lock_guard lock(mutex_);
  load(renderId);
  auto found = jobs_.find(renderId);
  if (found == jobs_.end()) return std::nullopt;
  if (moveTo && !found->second.finished()) {
    found->second.outputDir = moveTo->outputDir;
    found->second.outputPath = moveTo->outputPath;
    save(found->second);
  }
  if (!found->second.finished()) startPoller(renderId);
  return found->second;
}

void Renders::startPoller(const std::string& renderId) {
  if (polling_[renderId]) return;
  polling_[renderId] = true;
  bool started = pollers_.spawn([this, renderId] {
    try {
      poll(renderId, stopAll_.get_token());
    } catch (const std::exception& e) {
      spdlog::error("render {}: polling stopped: {}", renderId, e.what());
    }
    {
      std::lock_guard lock(mutex_);
      polling_[renderId] = false;
    }
    changed_.notify_all();
  });
  if (!started) polling_[renderId] = false;
}

void Renders::poll(const std::string& renderId, std::stop_token stop) {
  auto interval = options_.firstPoll;
  int failures = 0;
  int downloadFailures = 0;
  CallControl control{stop, {}};
  for (;;) {
    auto job = find(renderId);
    if (!job || job->finished() || stop.stop_requested()) return;
    if (job->status != "downloading") {
      auto checked = checkStatus(renderId, control);
      if (stop.stop_requested()) return;
      if (checked == Check::Stop) return;
      if (checked == Check::Failed) {
        if (++failures >= options_.maxPollFailures) {
          mutate(renderId, [](RenderJob& j) {
            j.error = "NemoVideo did not answer the status checks; call export with this render_id to try again.";
          });
          return;
        }
      } else {
        failures = 0;
      }
      job = find(renderId);
      if (!job || job->finished()) return;
    }
    if (job->status == "downloading") {
      switch (download(*job, stop)) {
        case Download::Done:
          return;
        case Download::Failed:
          return;
        case Download::LocalProblem:
          return;  // nothing to retry until the user frees space: the next export resumes it
        case Download::Retry:
          if (++downloadFailures >= 3) {
            mutate(renderId, [](RenderJob& j) {
              j.status = "failed";
              j.error = "The video was rendered but could not be downloaded (" + j.error + ").";
            });
            return;
          }
          break;
      }
      if (stop.stop_requested()) return;
    }
    // Renders take 30-90 s: ask often at first, then back off. A cancel wakes this at once, and
    // so does a waiting call's own status check that found the render done.
    bool retryingDownload = job->status == "downloading";
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, interval, [&] {
      const auto& now = jobs_[renderId];
      return stop.stop_requested() || now.finished() || (!retryingDownload && now.status == "downloading");
    });
    if (stop.stop_requested()) return;
    interval = std::min(options_.maxPoll, std::chrono::milliseconds(interval.count() * 3 / 2));
  }
}

Renders::Check Renders::checkStatus(const std::string& renderId, const CallControl& control) {
  ApiCall call;
  call.path = "/api/render/proxy/lambda/" + renderId;
  call.envelope = Envelope::Success;
  auto result = client_->call(call, control);
  if (control.stop.stop_requested()) return Check::Stop;
  if (!result.ok()) {
    spdlog::warn("render {}: status check failed: {}", renderId, result.error->message);
    if (result.error->code == code::kPlanBlocksExport || result.error->httpStatus == 404 ||
        result.error->code == code::kSessionNotFound) {
      mutate(renderId, [&](RenderJob& j) {
        j.status = "failed";
        j.error = result.error->message;
      });
      return Check::Stop;
    }
    return Check::Failed;
  }
  auto report = readStatus(result.raw);
  auto status = normalizeRenderStatus(report.word);
  {
    std::lock_guard lock(mutex_);
    checkedAt_[renderId] = std::chrono::steady_clock::now();
  }
  mutate(renderId, [&](RenderJob& j) {
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
  });
  return Check::Updated;
}

Renders::Download Renders::keepForLater(const RenderJob& job, const std::filesystem::path& dir, const std::string& why) {
  spdlog::warn("render {}: cannot store the video in {}: {}", job.renderId, dir.string(), why);
  mutate(job.renderId, [&](RenderJob& j) {
    j.status = "not_saved";
    j.error = "The video is rendered at NemoVideo, but this computer could not save it in " + dir.string() + " (" +
              why + "). Free some disk space or make the folder writable, then call export with render_id \"" +
              j.renderId + "\" to download it.";
  });
  return Download::LocalProblem;
}

Renders::Download Renders::download(RenderJob job, const std::stop_token& stop) {
  std::error_code ec;
  std::filesystem::path dir = job.outputPath.empty() ? job.outputDir : std::filesystem::path(job.outputPath).parent_path();
  std::string stem = job.outputPath.empty() ? job.fileStem : safeFileStem(std::filesystem::path(job.outputPath).stem().string());
  if (dir.empty()) dir = ".";
  std::filesystem::create_directories(dir, ec);
  if (ec) return keepForLater(job, dir, ec.message());
  auto temp = dir / ("." + stem + "." + job.renderId + ".part");
  // A stale part (or a link planted in its place) goes; the new one is created exclusively.
  std::filesystem::remove(temp, ec);
  CallControl control{stop, {}};
  auto onProgress = [this, &job](std::uint64_t done, std::uint64_t total) {
    std::lock_guard lock(mutex_);
    jobs_[job.renderId].size = done;
    (void)total;
  };

  bool fetched = false;
  if (!job.outputUrl.empty() && fetchableWithoutToken(job.outputUrl)) {
    http::Request request;
    request.url = job.outputUrl;  // no Authorization header: the CDN is not the API
    request.downloadTo = temp;
    request.totalTimeout = std::chrono::milliseconds(0);
    request.stop = stop;
    request.onProgress = onProgress;
    auto result = http_->send(request);
    if (result.failure == http::Failure::LocalFile) {
      std::filesystem::remove(temp, ec);
      return keepForLater(job, dir, result.message);
    }
    fetched = result.ok() && result.response.status == 200 && looksLikeMp4(temp);
    if (!fetched) {
      std::filesystem::remove(temp, ec);
      spdlog::warn("render {}: the output URL failed ({}, HTTP {}); using the authorised download", job.renderId,
                   result.message, result.response.status);
    }
  }
  if (!fetched && !stop.stop_requested()) {
    auto result = client_->download("/api/render/proxy/" + job.renderId + "/download", temp, control, onProgress);
    fetched = result.ok() && looksLikeMp4(temp);
    if (!fetched) {
      std::filesystem::remove(temp, ec);
      if (!result.ok() && result.error->code == code::kLocal) return keepForLater(job, dir, result.error->message);
      auto why = result.ok() ? std::string("the downloaded file is not an MP4") : result.error->message;
      spdlog::warn("render {}: download failed: {}", job.renderId, why);
      bool planBlocks = !result.ok() && result.error->code == code::kPlanBlocksExport;
      mutate(job.renderId, [&](RenderJob& j) {
        j.error = why;
        if (planBlocks) j.status = "failed";  // waiting will not change the plan
      });
      return planBlocks ? Download::Failed : Download::Retry;
    }
  }
  if (!fetched) {
    std::filesystem::remove(temp, ec);
    return Download::Retry;
  }
  std::string placed;
  if (!placeWithoutOverwrite(temp, dir, stem, placed)) {
    std::string why = std::strerror(errno);
    std::filesystem::remove(temp, ec);
    return keepForLater(job, dir, why);
  }
  auto size = std::filesystem::file_size(placed, ec);
  mutate(job.renderId, [&](RenderJob& j) {
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
                                       const std::function<void(const std::string&, std::optional<double>)>& onProgress,
                                       std::chrono::milliseconds heartbeatEvery) {
  std::stop_callback wake(stop, [this] {
    { std::lock_guard lock(mutex_); }
    changed_.notify_all();
  });
  std::unique_lock lock(mutex_);
  load(renderId);
  std::string lastSaid;
  bool refreshedAtDeadline = false;
  auto lastSignal = std::chrono::steady_clock::now() - heartbeatEvery;
  for (;;) {
    auto found = jobs_.find(renderId);
    if (found == jobs_.end()) return std::nullopt;
    auto job = found->second;
    if (job.finished() || stop.stop_requested()) return job;
    bool pollerAlive = polling_[renderId];
    auto now = std::chrono::steady_clock::now();
    auto said = renderProgressText(job);
    if (said != lastSaid || now - lastSignal >= heartbeatEvery) {
      lastSaid = said;
      lastSignal = now;
      lock.unlock();
      if (onProgress) onProgress(said, job.status == "rendering" ? std::optional<double>(job.progress) : std::nullopt);
      lock.lock();
      continue;
    }
    if (now >= deadline || !pollerAlive) {
      // The answer is read once and acted on: it must say how the render is now, not how it
      // was at the poller's last check (up to maxPoll ago). One more check when that is stale.
      auto checked = checkedAt_.find(renderId);
      bool stale = checked == checkedAt_.end() || now - checked->second > kFreshStatus;
      if (!stale || job.status == "downloading" || refreshedAtDeadline) return job;
      refreshedAtDeadline = true;
      lock.unlock();
      checkStatus(renderId, CallControl{stop, {}});
      lock.lock();
      continue;
    }
    changed_.wait_until(lock, std::min(deadline, lastSignal + heartbeatEvery));
  }
}

std::string renderProgressText(const RenderJob& job) {
  if (job.status == "downloading") return "Downloading the MP4";
  if (job.status == "pending") return "Waiting for a render slot";
  if (job.status == "completed") return "Rendered";
  return "Rendering " + std::to_string(static_cast<int>(job.progress)) + "%";
}

std::optional<ApiError> Renders::cancel(const std::string& renderId, const CallControl& control) {
  auto job = find(renderId);
  if (!job) return makeApiError(code::kLocal, 0, "unknown render_id " + renderId, client_->errorContext());
  ApiCall call;
  call.method = "POST";
  call.path = "/api/render/proxy/lambda/" + renderId + "/cancel";
  call.envelope = Envelope::Success;
  call.body = nlohmann::json::object();
  auto result = client_->call(call, control);
  if (!result.ok() && !job->finished()) return result.error;
  mutate(renderId, [](RenderJob& j) { j.status = "cancelled"; });
  return std::nullopt;
}

}  // namespace nemo::api
