// Logging set-up: spdlog to stderr (never stdout, which carries the protocol) or to a file,
// with every line passed through secret redaction.
#pragma once

#include <optional>
#include <string>

#include <spdlog/spdlog.h>

namespace nemo::support {

// Parses "trace|debug|info|warn|warning|error|critical|off"; nullopt when unknown.
std::optional<spdlog::level::level_enum> parseLogLevel(std::string_view name);

// Installs the default logger. logFile empty: stderr.
void setupLogging(spdlog::level::level_enum level, const std::string& logFile = {});

}  // namespace nemo::support
