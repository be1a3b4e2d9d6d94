// Fuzzes what the server believes of NemoVideo: one backend answer (its endpoint chosen by the
// first byte, its HTTP status by the second) read by the real client and the tool that asked.
#include <array>
#include <cstdint>
#include <fstream>

#include <nlohmann/json.hpp>

#include "FuzzEnvironment.h"
#include "FuzzInput.h"
#include "ToolStack.h"

using namespace std::chrono_literals;
using namespace nemo;
using fuzz::Endpoint;

namespace {

struct Scenario {
  Endpoint endpoint;  // whose answer the input is
  const char* tool;   // the tool that reads it
  const char* arguments;
  bool anonymous = false;  // no NEMO_TOKEN: the token answer is read first
  int times = 0;           // the scripted answer's uses (0: every call); then the fallback
};

// wait_seconds bounds every call should an answer keep a render or a turn going.
constexpr std::array kScenarios{
    Scenario{Endpoint::Token, "credits", "{}", true},
    Scenario{Endpoint::Credits, "credits", "{}"},
    Scenario{Endpoint::Session, "create_session", R"({"task_name":"Fuzz promo"})"},
    Scenario{Endpoint::Upload, "upload", R"({"session_id":"sess_fuzz","paths":["~/a.png"]})"},
    Scenario{Endpoint::Upload, "upload", R"({"session_id":"sess_fuzz","urls":["https://example.com/b.mp4"]})"},
    Scenario{Endpoint::State, "state", R"({"session_id":"sess_fuzz"})"},
    Scenario{Endpoint::State, "export", R"({"session_id":"sess_fuzz","wait_seconds":5})"},
    Scenario{Endpoint::RenderStart, "export", R"({"session_id":"sess_fuzz","wait_seconds":5})"},
    Scenario{Endpoint::RenderStatus, "export", R"({"session_id":"sess_fuzz","wait_seconds":5})", false, 1},
    Scenario{Endpoint::Chat, "chat", R"({"session_id":"sess_fuzz","message":"add a title","wait_seconds":5})"},
};
// Mostly success, so the readers of good answers get most of the time; the rest as errors.
constexpr std::array<long, 12> kStatuses{200, 200, 200, 200, 200, 400, 401, 402, 404, 429, 500, 502};

void writeTinyPng() {
  static const unsigned char kPng[] = {
      0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00,
      0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4, 0x89, 0x00, 0x00, 0x00,
      0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0x60, 0x00, 0x00, 0x00, 0x02, 0x00, 0x01, 0xe5, 0x27, 0xde,
      0xfc, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82};
  std::ofstream(fuzz::prepareEnvironment() / "a.png", std::ios::binary)
      .write(reinterpret_cast<const char*>(kPng), sizeof kPng);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fuzz::prepareEnvironment();
  writeTinyPng();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return -1;  // not worth keeping in the corpus
  const auto& scenario = kScenarios[data[0] % kScenarios.size()];
  fuzz::Answer answer{kStatuses[data[1] % kStatuses.size()], std::string(fuzz::asText(data + 2, size - 2)),
                      static_cast<std::size_t>(data[1] >> 4)};
  fuzz::resetDisk();
  fuzz::ToolStack stack({.environmentToken = scenario.anonymous ? std::nullopt
                                                                : std::optional<std::string>("fuzz-env-token-0123456789"),
                         .onlyTool = scenario.tool});
  stack.backend().script(scenario.endpoint, answer, scenario.times);
  // A render polled once with the fuzzed answer is then gone: the poller ends, export answers.
  stack.backend().fallback(Endpoint::RenderStatus, {404, R"({"success":false,"error":"not found"})"});

  const auto* tool = stack.registry().find(scenario.tool);
  if (tool == nullptr) fuzz::finding(std::string("no tool ") + scenario.tool);
  mcp::ToolContext context({}, [](double, std::optional<double>, const std::string&) {},
                           [](const std::string&, const std::string&) {});
  auto result = tool->handler(nlohmann::json::parse(scenario.arguments), context);
  mcp::completeStructured(result);  // as the server does before a client sees it
  // Clients reject a result whose structured content breaks the tool's outputSchema, error
  // results included (README, "The tools"): whatever the backend said, the result must fit.
  if (tool->outputSchema) {
    if (auto mismatch = tool->outputSchema->validate(result.structured)) {
      fuzz::finding(std::string(scenario.tool) + " broke its outputSchema: " + *mismatch);
    }
  }
  return 0;
}
