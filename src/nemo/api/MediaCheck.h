// Local checks of a file before it is uploaded: a regular readable file, an extension the
// skill accepts, content whose signature matches that extension (an MP4 named .png is
// refused), and a size within the skill's limit. Nothing is sent for a file that fails.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace nemo::api {

struct MediaFile {
  std::filesystem::path path;  // resolved (~ expanded, absolute)
  std::string extension;       // lower-case, without the dot
  std::string contentType;     // for the multipart part
  std::string kind;            // video, image or audio
  std::uint64_t size = 0;
};

struct MediaCheck {
  MediaFile file;
  std::string error;  // empty when the file may be sent; else what is wrong and what to do
};

MediaCheck checkMediaFile(const std::string& given, const std::vector<std::string>& acceptedFormats,
                          std::uint64_t maxBytes);

// True when the first bytes of a file look like the format its extension names.
bool signatureMatches(const std::string& extension, std::string_view head);

}  // namespace nemo::api
