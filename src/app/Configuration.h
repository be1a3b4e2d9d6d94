// Everything a run is configured by, resolved once from flags, environment and the bundled
// skill manifest: used alike by the MCP server and by `doctor`.
#pragma once

#include <optional>
#include <string>

#include "app/CommandLine.h"
#include "nemo/api/NemoClient.h"
#include "nemo/skill/SkillManifest.h"

namespace nemo::app {

struct Configuration {
  std::optional<skill::SkillManifest> manifest;
  api::ClientConfig client;
  std::string skillChosenBy;  // what picked the skill, for `doctor`: the flag, the install folder, the default
  std::string error;  // non-empty: the run cannot start, and why (for the person)
};

Configuration resolveConfiguration(const Options& options);

// A positive whole number from the environment (the timing knobs tests and power users turn).
std::optional<long> environmentNumber(const char* name);

}  // namespace nemo::app
