#include "mcp/Tasks.h"

#include <spdlog/spdlog.h>

#include "mcp/Protocol.h"
#include "support/IsoTime.h"
#include "support/JsonAccess.h"

namespace nemo::mcp {
namespace {

using std::chrono::milliseconds;
using std::chrono::system_clock;

// The saved createdAt of a task taken up after a restart ("2026-11-29T23:06:03Z"); now if unreadable.
system_clock::time_point createdAtOf(const std::string& text) {
  auto when = support::parseIsoTime(text);
  return when ? system_clock::from_time_t(*when) : system_clock::now();
}

// Saved entries whose time is over; true when there were some.
bool eraseExpired(json& tasks) {
  if (!tasks.is_object()) return false;
  const auto now = support::isoTimeNow();
  bool erased = false;
  for (auto it = tasks.begin(); it != tasks.end();) {
    if (support::textAt(*it, "expires_at") < now) {
      it = tasks.erase(it);
      erased = true;
    } else {
      ++it;
    }
  }
  return erased;
}

}  // namespace

bool declaresTasks(const json& meta) {
  auto capabilities = meta.find(kMetaClientCapabilities);
  if (capabilities == meta.end() || !capabilities->is_object()) return false;
  auto extensions = capabilities->find("extensions");
  return extensions != capabilities->end() && extensions->is_object() && extensions->contains(kTasksExtension);
}

TaskStore::TaskStore(TaskOptions options) : options_(std::move(options)) {
  if (!options_.file.empty()) file_.emplace(options_.file);
  pruneSaved();  // tasks of earlier processes that nobody asked for again
}

json TaskStore::view(const std::string& taskId, const Task& task) const {
  // ttlMs is "from creation" (the extension): createdAt + ttlMs is when the task may go. It is kept
  // ttl after its call ended, and a running call's end is now at the earliest.
  auto lived = std::chrono::duration_cast<milliseconds>(task.ended.value_or(system_clock::now()) - task.created);
  json out{{"taskId", taskId},
           {"status", task.status},
           {"createdAt", task.createdAt},
           {"lastUpdatedAt", task.lastUpdatedAt},
           {"ttlMs", (std::max(lived, milliseconds(0)) + options_.ttl).count()},
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
  task.created = system_clock::now();
  task.createdAt = task.lastUpdatedAt = support::isoTime(task.created);
  task.stop = std::move(stop);
  task.statusMessage = "Still working; the result will be here when it is done.";
  auto [slot, inserted] = tasks_.insert_or_assign(taskId, std::move(task));
  return view(taskId, slot->second);
}

void TaskStore::adopt(const std::string& taskId, const Saved& saved, std::stop_source stop) {
  std::lock_guard lock(mutex_);
  Task task;
  task.tool = saved.tool;
  task.created = createdAtOf(saved.createdAt);
  task.createdAt = support::isoTime(task.created);
  task.lastUpdatedAt = support::isoTimeNow();
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
    found->second.resumeArguments = arguments;
    found->second.savedAt = std::chrono::steady_clock::now();
  }
  if (!file_) return;
  auto expiresAt = support::isoTime(std::chrono::system_clock::now() + options_.ttl);
  auto error = file_->update([&](json& data) {
    if (!data["tasks"].is_object()) data["tasks"] = json::object();
    eraseExpired(data["tasks"]);  // whenever the file is written anyway
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

void TaskStore::pruneSaved() {
  if (!file_) return;
  auto tasks = file_->read().value("tasks", json::object());
  if (!eraseExpired(tasks)) return;  // nothing to write: most starts
  auto error = file_->update([](json& data) {
    if (data.contains("tasks")) eraseExpired(data["tasks"]);
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
  std::optional<json> saveAgain;
  {
    std::lock_guard lock(mutex_);
    auto found = tasks_.find(taskId);
    if (found == tasks_.end() || found->second.status != "working") return;
    found->second.statusMessage = message;
    found->second.lastUpdatedAt = support::isoTimeNow();
    // Half its time gone: the saved entry is renewed while the work still shows signs of life.
    if (found->second.resumeArguments && std::chrono::steady_clock::now() - found->second.savedAt > options_.ttl / 2) {
      saveAgain = found->second.resumeArguments;
    }
  }
  if (saveAgain) setResume(taskId, *saveAgain);
}

void TaskStore::complete(const std::string& taskId, json callToolResult, bool workDone) {
  {
    std::lock_guard lock(mutex_);
    auto found = tasks_.find(taskId);
    if (found == tasks_.end() || found->second.status != "working") return;
    Task& task = found->second;
    // "cancelled: the request was cancelled before completion"; a cancel that came too late MAY
    // end in another terminal status, and then the finished work's result is not thrown away.
    bool cancelled = task.cancelRequested && !workDone;
    task.status = cancelled ? "cancelled" : "completed";
    task.statusMessage = cancelled               ? "Cancelled."
                         : task.cancelRequested ? "Done before the cancel took effect."
                                                : "Done.";
    if (!cancelled) task.result = std::move(callToolResult);
    task.ended = system_clock::now();
    task.lastUpdatedAt = support::isoTime(*task.ended);
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
