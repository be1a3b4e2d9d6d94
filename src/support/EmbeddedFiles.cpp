#include "support/EmbeddedFiles.h"

namespace nemo::support {

std::optional<std::string_view> embeddedFile(std::string_view path) {
  for (const auto& file : embeddedFiles()) {
    if (file.path == path) return file.content;
  }
  return std::nullopt;
}

}  // namespace nemo::support
