// The server's six real tools wired as src/app/App.cpp wires them, but against a FakeBackend and
// with short waits, so that a fuzz input drives the real tool code without a network.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "FakeBackend.h"
#include "mcp/ToolRegistry.h"
#include "tools/ToolSupport.h"

namespace nemo::fuzz {

struct ToolStackOptions {
  std::optional<std::string> environmentToken = "fuzz-env-token-0123456789";  // nullopt: anonymous token
  std::chrono::milliseconds firstRenderPoll{0};
  std::chrono::seconds chatIdle{5};
  // Registers only this tool (empty: all six). Compiling a tool's schemas is most of what an
  // input costs, so a target that calls one tool registers one.
  std::string onlyTool;
};

// Build one per input (a finding must reproduce from its input alone); destroying it stops the
// chat turns and render pollers it started.
class ToolStack {
 public:
  explicit ToolStack(ToolStackOptions options = {});
  ~ToolStack();
  ToolStack(const ToolStack&) = delete;
  ToolStack& operator=(const ToolStack&) = delete;

  FakeBackend& backend() { return *backend_; }
  mcp::ToolRegistry& registry() { return registry_; }

 private:
  std::shared_ptr<FakeBackend> backend_;
  tools::Services services_;
  mcp::ToolRegistry registry_;
};

}  // namespace nemo::fuzz
