#include "support/Logging.h"

#include <cstdio>
#include <mutex>

#include <spdlog/sinks/base_sink.h>

#include "support/Secrets.h"

namespace nemo::support {
namespace {

// Formats, redacts, then writes whole lines to a FILE* (stderr or a log file).
class RedactingSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  RedactingSink(std::FILE* file, bool owned) : file_(file), owned_(owned) {}
  ~RedactingSink() override {
    if (owned_) std::fclose(file_);
  }

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    spdlog::memory_buf_t formatted;
    formatter_->format(msg, formatted);
    auto line = redactSecrets(std::string_view(formatted.data(), formatted.size()));
    std::fwrite(line.data(), 1, line.size(), file_);
    std::fflush(file_);
  }
  void flush_() override { std::fflush(file_); }

 private:
  std::FILE* file_;
  bool owned_;
};

}  // namespace

std::optional<spdlog::level::level_enum> parseLogLevel(std::string_view name) {
  if (name == "trace") return spdlog::level::trace;
  if (name == "debug") return spdlog::level::debug;
  if (name == "info") return spdlog::level::info;
  if (name == "warn" || name == "warning") return spdlog::level::warn;
  if (name == "error") return spdlog::level::err;
  if (name == "critical") return spdlog::level::critical;
  if (name == "off") return spdlog::level::off;
  return std::nullopt;
}

void setupLogging(spdlog::level::level_enum level, const std::string& logFile) {
  std::FILE* file = stderr;
  bool owned = false;
  if (!logFile.empty()) {
    if (auto* opened = std::fopen(logFile.c_str(), "a")) {
      file = opened;
      owned = true;
    }
  }
  auto logger = std::make_shared<spdlog::logger>("nemo", std::make_shared<RedactingSink>(file, owned));
  logger->set_level(level);
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ [%t] %v");
  spdlog::set_default_logger(std::move(logger));
  if (!logFile.empty() && !owned) spdlog::warn("could not open the log file; logging to stderr instead");
}

}  // namespace nemo::support
