#include "tools/ToolSupport.h"

namespace nemo::tools {

api::CallControl callControl(mcp::ToolContext& context) {
  return api::CallControl{context.stop(), [&context](const std::string& line) { context.progress(line); }};
}

mcp::ToolResult errorResult(const api::ApiError& error) {
  return mcp::ToolResult::failure(error.message, nlohmann::json{{"error", error.toJson()}});
}

}  // namespace nemo::tools
