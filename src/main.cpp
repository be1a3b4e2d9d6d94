// nemo-video-mcp's entry point: the MCP server speaks on stdin/stdout; everything else (logs,
// usage errors) goes to stderr. See app/App.cpp for the wiring.
#include <csignal>
#include <iostream>

#include "app/App.h"
#include "app/CommandLine.h"

int main(int argc, char** argv) {
  // A client that closes our stdout must not kill us with SIGPIPE: the write fails instead.
  std::signal(SIGPIPE, SIG_IGN);
  auto options = nemo::app::parseCommandLine(argc, argv);
  if (!options.error.empty()) {
    std::cerr << "nemo-video-mcp: " << options.error << "\nTry 'nemo-video-mcp --help'.\n";
    return 2;
  }
  return nemo::app::run(options);
}
