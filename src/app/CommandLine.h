// The command line: flags and environment variables that configure a run, parsed into one
// struct (flags win over the environment).
#pragma once

#include <string>
#include <vector>

namespace nemo::app {

struct Options {
  std::string command = "serve";  // serve | doctor | help | version
  std::string skill;              // --skill / NEMO_SKILL
  std::string baseUrl;            // --base-url / NEMO_BASE_URL
  std::string logLevel = "info";  // --log-level / NEMO_LOG_LEVEL
  std::string logFile;            // --log-file / NEMO_LOG_FILE
  std::vector<std::string> rest;  // arguments of a subcommand
  std::string error;              // non-empty: the command line was wrong
};

Options parseCommandLine(int argc, const char* const* argv);
std::string usageText();

}  // namespace nemo::app
