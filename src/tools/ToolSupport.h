// What every tool file shares: the services a tool call may use, and the translation of a
// NemoVideo error into an MCP tool result (isError, the person's message, the code).
#pragma once

#include <memory>
#include <string>

#include "mcp/Tool.h"
#include "mcp/ToolRegistry.h"
#include "nemo/NemoClient.h"
#include "nemo/Sessions.h"

namespace nemo::tools {

struct Services {
  std::shared_ptr<api::NemoClient> client;
  std::shared_ptr<api::Sessions> sessions;
};

// Progress lines of the NemoVideo layer go to the MCP progress channel.
api::CallControl callControl(mcp::ToolContext& context);

mcp::ToolResult errorResult(const api::ApiError& error);

// Registers each tool of its own file (one function per tool file).
void registerCreditsTool(mcp::ToolRegistry& registry, const Services& services);
void registerCreateSessionTool(mcp::ToolRegistry& registry, const Services& services);

}  // namespace nemo::tools
