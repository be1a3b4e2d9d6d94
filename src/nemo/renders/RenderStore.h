// The saved render jobs (renders.json in the state folder), shared by the server processes of
// one HOME: each change is made under a file lock on the file as it is then, one job at a
// time, so another process's jobs stay. Finished jobs are kept 30 days. Thread-safe.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "nemo/renders/RenderJob.h"
#include "support/SharedJsonFile.h"

namespace nemo::renders {

class RenderStore {
 public:
  explicit RenderStore(std::filesystem::path file);

  void add(RenderJob job);
  // The job as saved; the file is read again for a job not known yet (another process may
  // have started it).
  std::optional<RenderJob> find(const std::string& renderId);
  std::vector<RenderJob> forSession(const std::string& sessionId);
  // Applies `change` and saves. A finished job (completed, failed, cancelled) stays as it is:
  // a poll that was under way when the user cancelled must not bring it back to life. Then
  // `changed` (when given) sees the job before and after, still under the store's lock, so that
  // it sees the changes in the order they were made. The job as it is afterwards; nullopt when
  // unknown.
  using Changed = std::function<void(const RenderJob& before, const RenderJob& after)>;
  std::optional<RenderJob> change(const std::string& renderId, const std::function<void(RenderJob&)>& change,
                                  const Changed& changed = {});

 private:
  void load(const std::string& wanted = {});  // caller holds mutex_
  void save(const RenderJob& job);            // caller holds mutex_

  support::SharedJsonFile file_;
  std::mutex mutex_;
  bool loaded_ = false;
  std::map<std::string, RenderJob> jobs_;
};

}  // namespace nemo::renders
