// Wiring: builds the layers from the options (manifest, HTTP client, NemoVideo client, tools,
// MCP server) and runs the chosen command. Start-up does no network work and writes no file.
#pragma once

#include "app/CommandLine.h"

namespace nemo::app {

int run(const Options& options);

}  // namespace nemo::app
