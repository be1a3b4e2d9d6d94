// Fuzzes the protocol edge: bytes as a client writes them to stdin, through the real LineReader,
// jsonrpc::Connection and mcp::Server (both eras), with the six real tools on a FakeBackend.
#include <unistd.h>

#include <csignal>
#include <cstdint>
#include <optional>

#include <nlohmann/json.hpp>

#include "FuzzEnvironment.h"
#include "FuzzInput.h"
#include "ToolStack.h"
#include "mcp/Server.h"

using namespace std::chrono_literals;
using namespace nemo;

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fuzz::prepareEnvironment();
  std::signal(SIGPIPE, SIG_IGN);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::resetDisk();
  int in = fuzz::memoryFileWith(fuzz::asText(data, size));
  int out = fuzz::memoryFileWith({});
  {
    // Building the six tools is most of an input's cost, and only a tools/ method reaches them.
    static mcp::ToolRegistry noTools;
    bool namesTools = fuzz::asText(data, size).find("tools/") != std::string_view::npos;
    std::optional<fuzz::ToolStack> stack;
    if (namesTools) stack.emplace(fuzz::ToolStackOptions{.firstRenderPoll = 50ms});  // export waits for the end
    mcp::Server server(mcp::ServerIdentity{"nemo-video-mcp", "Fuzz", "0.0.0", "Fuzz the tools."},
                       stack ? stack->registry() : noTools,
                       {mcp::Prompt{"example-1", "Make a promo", "An example request", "Make a 10-second promo", {}}});
    // 256 KiB lines: the seeds' 100,000-level nesting fits; corpus/dispatcher/huge-line takes the oversize path.
    server.serve(in, out, jsonrpc::ConnectionOptions{256 * 1024, 2000ms});
  }
  // The one writer's promise: every message leaves as one whole line of JSON.
  auto written = fuzz::contentsOf(out);
  ::close(in);
  ::close(out);
  if (!written.empty() && written.back() != '\n') fuzz::finding("the output does not end with a newline");
  std::string_view rest = written;
  while (!rest.empty()) {
    auto line = rest.substr(0, rest.find('\n'));
    rest.remove_prefix(line.size() + 1);
    if (!nlohmann::json::accept(line)) fuzz::finding("an output line is not JSON: " + std::string(line.substr(0, 200)));
  }
  return 0;
}
