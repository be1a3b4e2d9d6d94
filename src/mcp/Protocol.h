// The protocol revisions this server speaks, and the reserved _meta keys of the stateless
// 2026-07-28 revision.
#pragma once

#include <array>
#include <string_view>

namespace nemo::mcp {

inline constexpr std::string_view kModernVersion = "2026-07-28";
// Handshake-era revisions, newest first: initialize answers the client's one, else the first.
inline constexpr std::array<std::string_view, 4> kLegacyVersions = {"2025-11-25", "2025-06-18", "2025-03-26",
                                                                   "2024-11-05"};

inline constexpr const char* kMetaProtocolVersion = "io.modelcontextprotocol/protocolVersion";
inline constexpr const char* kMetaClientCapabilities = "io.modelcontextprotocol/clientCapabilities";
inline constexpr const char* kMetaClientInfo = "io.modelcontextprotocol/clientInfo";
inline constexpr const char* kMetaLogLevel = "io.modelcontextprotocol/logLevel";
inline constexpr const char* kMetaServerInfo = "io.modelcontextprotocol/serverInfo";

inline constexpr int kUnsupportedProtocolVersion = -32022;

// RFC 5424 levels as MCP names them, least severe first.
int logLevelRank(std::string_view level);  // -1 when unknown

}  // namespace nemo::mcp
