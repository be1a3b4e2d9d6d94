// Where a finished MP4 goes: a file name made from a title, and a free name in the folder that
// never replaces a file already there (nor follows a link planted in its place).
#pragma once

#include <filesystem>
#include <string>

namespace nemo::renders {

// A file name from a title: letters, digits, spaces, dashes and underscores; never a path.
std::string safeFileStem(const std::string& title);

// Moves `temp` to "<dir>/<stem>.mp4", else "<stem> (2).mp4", ...; `placed` is the name used.
// False (errno says why) when no name could be taken.
bool placeWithoutOverwrite(const std::filesystem::path& temp, const std::filesystem::path& dir,
                           const std::string& stem, std::string& placed);

}  // namespace nemo::renders
