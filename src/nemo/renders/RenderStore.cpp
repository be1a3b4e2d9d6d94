#include "nemo/renders/RenderStore.h"

#include <chrono>

#include <spdlog/spdlog.h>

#include "support/IsoTime.h"
#include "support/JsonAccess.h"

namespace nemo::renders {
namespace {

// Finished jobs are kept this long for `state` and a late `export`, then dropped from the file.
constexpr std::chrono::hours kForgetFinishedAfter{24 * 30};

}  // namespace

RenderStore::RenderStore(std::filesystem::path file) : file_(std::move(file)) {}

void RenderStore::load(const std::string& wanted) {
  // Read once, and again for a job this process does not know: another server process (another
  // client on the same HOME) may have started it.
  if (loaded_ && (wanted.empty() || jobs_.count(wanted))) return;
  loaded_ = true;
  const auto saved = file_.read();
  for (const auto& entry : support::arrayAt(saved, "renders")) {
    auto job = RenderJob::fromJson(entry);
    if (!job.renderId.empty() && !jobs_.count(job.renderId)) jobs_[job.renderId] = job;
  }
}

void RenderStore::save(const RenderJob& job) {
  // One job at a time, into the file as it is now: the other processes' jobs stay.
  const std::string forgetBefore = support::isoTime(std::chrono::system_clock::now() - kForgetFinishedAfter);
  auto error = file_.update([&](nlohmann::json& data) {
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

void RenderStore::add(RenderJob job) {
  std::lock_guard lock(mutex_);
  load();
  job.updatedAt = support::isoTimeNow();
  save(job);
  jobs_[job.renderId] = std::move(job);
}

std::optional<RenderJob> RenderStore::find(const std::string& renderId) {
  std::lock_guard lock(mutex_);
  load(renderId);
  auto found = jobs_.find(renderId);
  if (found == jobs_.end()) return std::nullopt;
  return found->second;
}

std::vector<RenderJob> RenderStore::forSession(const std::string& sessionId) {
  std::lock_guard lock(mutex_);
  load();
  std::vector<RenderJob> out;
  for (const auto& [id, job] : jobs_) {
    if (job.sessionId == sessionId) out.push_back(job);
  }
  return out;
}

std::optional<RenderJob> RenderStore::change(const std::string& renderId,
                                             const std::function<void(RenderJob&)>& change, const Changed& changed) {
  std::lock_guard lock(mutex_);
  load(renderId);
  auto found = jobs_.find(renderId);
  if (found == jobs_.end()) return std::nullopt;
  if (!found->second.finished()) {
    const RenderJob before = found->second;
    change(found->second);
    found->second.updatedAt = support::isoTimeNow();
    save(found->second);
    if (changed) changed(before, found->second);
  }
  return found->second;
}

}  // namespace nemo::renders
