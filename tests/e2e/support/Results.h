// Reading tool results in end-to-end tests: the `result` of a JSON-RPC response (failing the
// test, with the whole response shown, when there is none), its text content, and files the server wrote.
#pragma once

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

namespace nemo::e2e {

inline nlohmann::json resultOf(const nlohmann::json& response) {
  INFO(response.dump());
  REQUIRE(response.contains("result"));
  return response["result"];
}

inline std::string textOf(const nlohmann::json& result) { return result["content"][0]["text"].get<std::string>(); }

// A file the server wrote, whole (empty when it is missing).
inline std::string readFile(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace nemo::e2e
