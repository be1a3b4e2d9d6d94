// What every fuzz target sets up before its first input: a private home (nothing a fuzzer does
// may touch the user's files), silent logging that still formats every line, a clean disk per input.
#pragma once

#include <filesystem>

namespace nemo::fuzz {

// Once per process (later calls return the same folder): a fresh temporary HOME, removed at
// exit, with XDG_CONFIG_HOME, XDG_STATE_HOME and NEMO_OUTPUT_DIR inside it; LANG=en_US.UTF-8;
// spdlog at trace level into a null sink, so that building log lines is exercised too.
const std::filesystem::path& prepareEnvironment();

// Empties the config and state folders, so every input starts from the same disk and a
// finding reproduces from its one input.
void resetDisk();

}  // namespace nemo::fuzz
