// Where the server keeps things on disk (XDG folders): config (client id, cached token),
// state (sessions, render jobs) and the default output folder for finished videos.
#pragma once

#include <filesystem>

namespace nemo::support {

std::filesystem::path homeDirectory();
std::filesystem::path configDirectory();  // $XDG_CONFIG_HOME/nemo-video-mcp or ~/.config/nemo-video-mcp
std::filesystem::path stateDirectory();   // $XDG_STATE_HOME/nemo-video-mcp or ~/.local/state/nemo-video-mcp
std::filesystem::path outputDirectory();  // $NEMO_OUTPUT_DIR or ~/Videos/NemoVideo

// A path as a person writes it: "~/x" means x in the home folder. Made absolute.
std::filesystem::path expandUserPath(const std::string& given);

}  // namespace nemo::support
