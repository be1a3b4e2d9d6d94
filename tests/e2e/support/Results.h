// Reading tool results in end-to-end tests: the `result` of a JSON-RPC response (failing the
// test, with the whole response shown, when there is none) and its text content.
#pragma once

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

}  // namespace nemo::e2e
