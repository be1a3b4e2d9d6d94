#include "mcp/Tasks.h"

#include <spdlog/spdlog.h>

#include "mcp/Protocol.h"
#include "support/IsoTime.h"
#include "support/JsonAccess.h"

namespace nemo::mcp {

bool declaresTasks(const json& meta) {
  auto capabilities = meta.find(kMetaClientCapabilities);
  if (capabilities == meta.end() || !capabilities->is_object()) return false;
  auto extensions = capabilities->find("extensions");
  return extensions != capabilities->end() && extensions->is_object() && extensions->contains(kTasksExtension);
}

TaskStore::TaskStore(TaskOptions options) : options_(std::move(options)) {
  if (!options_.file.empty()) file_.emplace(options_.file);
}

json TaskStore::view(const std::string& taskId, const Task& task) const {
  json out{{"taskId", taskId},
           {"status", task.status},
           {"createdAt", task.createdAt},
           {"lastUpdatedAt", task.lastUpdatedAt},
           {"ttlMs", options_.ttl.count()},
           {"pollIntervalMs", options_.pollInterval.count()}};
  if (!task.statusMessage.empty()) out["statusMessage"] = task.statusMessage;
  if (task.status == "completed") out["result"] = task.result;
  return out;
}

void TaskStore::prune() {
  auto now = std::chrono::steady_clock::now();
  std::erase_if(tasks_, [&](const auto& entry) { return entry.second.status != "working" && entry.second.expires < now; });
}

json TaskStore::create(const std::string& taskId, const std::string& tool, std::stop_source stop) {
  std::lock_guard lock(mutex_);
  prune();
  Task task;
  task.tool = tool;
  task.createdAt = task.lastUpdatedAt = support::isoTimeNow();
  task.expires = std::chrono::steady_clock::now() + options_.ttl;
  task.stop = std::move(stop);
  task.statusMessage = "Still working; the result will be here when it is done.";
  auto [slot, inserted] = tasks_.insert_or_assign(taskId, std::move(task));
  return view(taskId, slot->second);
}

void TaskStore::adopt(const std::string& taskId, const Saved& saved, std::stop_source stop) {
  std::lock_guard lock(mutex_);
  Task task;
  task.tool = saved.tool;
  task.createdAt = saved.createdAt.empty() ? support::isoTimeNow() : saved.createdAt;
  task.lastUpdatedAt = support::isoTimeNow();
  task.expires = std::chrono::steady_clock::now() + options_.ttl;
  task.stop = std::move(stop);
  task.statusMessage = "Taken up again after a restart of the server.";
  tasks_.insert_or_assign(taskId, std::move(task));
}

void TaskStore::setResume(const std::string& taskId, const json& arguments) {
  std::string tool, createdAt;
  {
    std::lock_guard lock(mutex_);
    auto found = tasks_.find(taskId);
    if (found == tasks_.end()) return;
    tool = found->second.tool;
    createdAt = found->second.createdAt;
  }
  if (!file_) return;
  auto expiresAt = support::isoTime(std::chrono::system_clock::now() + options_.ttl);
  auto error = file_->update([&](json& data) {
    if (!data["tasks"].is_object()) data["tasks"] = json::object();
    // Expired entries go whenever the file is written.
    const auto now = support::isoTimeNow();
    for (auto it = data["tasks"].begin(); it != data["tasks"].end();) {
      it = support::textAt(*it, "expires_at") < now ? data["tasks"].erase(it) : std::next(it);
    }
    data["tasks"][taskId] = {{"tool", tool}, {"arguments", arguments}, {"created_at", createdAt}, {"expires_at", expiresAt}};
  });
  if (error) spdlog::warn("could not save task {} for after a restart: {}", taskId, *error);
}

void TaskStore::forget(const std::string& taskId) {
  if (!file_ || !file_->read()["tasks"].contains(taskId)) return;
  auto error = file_->update([&](json& data) {
    if (data["tasks"].is_object()) data["tasks"].erase(taskId);
  });
  if (error) spdlog::warn("could not update the saved tasks: {}", *error);
}

std::optional<TaskStore::Saved> TaskStore::saved(const std::string& taskId) {
  if (!file_) return std::nullopt;
  auto data = file_->read();
  if (!data["tasks"].is_object() || !data["tasks"].contains(taskId)) return std::nullopt;
  const auto& entry = data["tasks"][taskId];
  if (support::textAt(entry, "expires_at") < support::isoTimeNow()) return std::nullopt;
  auto tool = support::textAt(entry, "tool");
  if (tool.empty() || !entry.contains("arguments") || !entry["arguments"].is_object()) return std::nullopt;
  return Saved{tool, entry["arguments"], support::textAt(entry, "created_at")};
}

void TaskStore::setStatusMessage(const std::string& taskId, const std::string& message) {
  std::lock_guard lock(mutex_);
  auto found = tasks_.find(taskId);
  if (found == tasks_.end() || found->second.status != "working") return;
  found->second.statusMessage = message;
  found->second.lastUpdatedAt = support::isoTimeNow();
}

void TaskStore::complete(const std::string& taskId, json callToolResult) {
  {
    std::lock_guard lock(mutex_);
    auto found = tasks_.find(taskId);
    if (found == tasks_.end()) return;
    Task& task = found->second;
    task.status = task.cancelRequested ? "cancelled" : "completed";
    task.statusMessage = task.cancelRequested ? "Cancelled." : "Done.";
    task.result = std::move(callToolResult);
    task.lastUpdatedAt = support::isoTimeNow();
    task.expires = std::chrono::steady_clock::now() + options_.ttl;
  }
  forget(taskId);  // finished: nothing to take up again after a restart
}

std::optional<json> TaskStore::detailed(const std::string& taskId) {
  std::lock_guard lock(mutex_);
  prune();
  auto found = tasks_.find(taskId);
  if (found == tasks_.end()) return std::nullopt;
  return view(taskId, found->second);
}

bool TaskStore::cancel(const std::string& taskId) {
  std::stop_source stop;
  {
    std::lock_guard lock(mutex_);
    auto found = tasks_.find(taskId);
    if (found == tasks_.end()) return false;
    if (found->second.status != "working") return true;  // already over: nothing to stop
    found->second.cancelRequested = true;
    stop = found->second.stop;
  }
  stop.request_stop();  // outside the lock: stop callbacks run here
  return true;
}

}  // namespace nemo::mcp
