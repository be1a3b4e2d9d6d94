// `nemo-video-mcp doctor`: checks the configuration, the skill manifest, the agent clients that
// list this server (and whether their command runs), the folders and their modes, the token
// (never printed), the API's reachability and a credits call; one line per check with a fix for
// each failure. Exit code 0 when all passed, 1 otherwise.
#pragma once

#include <ostream>

#include "app/Configuration.h"

namespace nemo::app {

int runDoctor(const Configuration& configuration, std::ostream& out);

}  // namespace nemo::app
