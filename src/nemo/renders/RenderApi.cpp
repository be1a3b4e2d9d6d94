#include "nemo/renders/RenderApi.h"

#include <algorithm>
#include <cctype>
#include <chrono>

#include "support/Random.h"

namespace nemo::renders {
namespace {

const nlohmann::json* member(const nlohmann::json& object, std::initializer_list<const char*> keys) {
  if (!object.is_object()) return nullptr;
  for (const char* key : keys) {
    auto found = object.find(key);
    if (found != object.end() && !found->is_null()) return &*found;
  }
  return nullptr;
}

std::string textOf(const nlohmann::json* value) {
  if (value == nullptr) return {};
  if (value->is_string()) return value->get<std::string>();
  if (value->is_object()) {
    if (auto* message = member(*value, {"message", "reason", "error"})) return textOf(message);
  }
  return value->dump();
}

}  // namespace

std::string newRenderId() {
  static constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::string suffix;
  for (int i = 0; i < 8; ++i) suffix += kAlphabet[support::randomNumber() % 36];
  auto now = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch());
  return "render_" + std::to_string(now.count()) + "_" + suffix;
}

api::ApiResult requestRender(api::NemoClient& client, const std::string& renderId, const std::string& sessionId,
                             const std::string& draftText, const std::string& quality,
                             const api::CallControl& control) {
  nlohmann::json output{{"format", "mp4"}, {"quality", quality}};
  // Assembled as text: the draft goes back byte for byte, unknown keys and all.
  std::string body = "{\"id\":" + nlohmann::json(renderId).dump() + ",\"sessionId\":" +
                     nlohmann::json(sessionId).dump() + ",\"draft\":" + draftText + ",\"output\":" + output.dump() + "}";
  api::ApiCall call;
  call.method = "POST";
  call.path = "/api/render/proxy/lambda";
  call.rawBody = body;
  call.envelope = api::Envelope::Success;
  return client.call(call, control);
}

bool refusedAsDuplicate(const api::ApiError& error) {
  auto said = error.backendMessage;
  std::transform(said.begin(), said.end(), said.begin(), [](unsigned char c) { return std::tolower(c); });
  return error.httpStatus == 409 || said.find("duplicate") != std::string::npos ||
         said.find("already exists") != std::string::npos;
}

api::ApiResult requestRenderStatus(api::NemoClient& client, const std::string& renderId,
                                   const api::CallControl& control) {
  api::ApiCall call;
  call.path = "/api/render/proxy/lambda/" + renderId;
  call.envelope = api::Envelope::Success;
  return client.call(call, control);
}

api::ApiResult requestRenderCancel(api::NemoClient& client, const std::string& renderId,
                                   const api::CallControl& control) {
  api::ApiCall call;
  call.method = "POST";
  call.path = "/api/render/proxy/lambda/" + renderId + "/cancel";
  call.envelope = api::Envelope::Success;
  call.body = nlohmann::json::object();
  return client.call(call, control);
}

RenderStatusReport readRenderStatus(const nlohmann::json& answer) {
  RenderStatusReport report;
  const auto& data = answer.contains("data") && answer["data"].is_object() ? answer["data"] : answer;
  for (const auto* scope : {&data, &answer}) {
    if (report.word.empty()) report.word = textOf(member(*scope, {"status", "state"}));
    if (!report.progress) {
      if (auto* progress = member(*scope, {"progress", "percent"}); progress && progress->is_number()) {
        double value = progress->get<double>();
        report.progress = value <= 1.0 && value > 0 ? value * 100 : value;
      }
    }
    if (report.outputUrl.empty()) report.outputUrl = textOf(member(*scope, {"outputUrl", "output_url", "url"}));
    if (report.outputUrl.empty()) {
      if (auto* output = member(*scope, {"output"}); output && output->is_object()) {
        report.outputUrl = textOf(member(*output, {"url", "outputUrl"}));
      }
    }
    if (report.reason.empty()) report.reason = textOf(member(*scope, {"error", "reason", "errorMessage", "message"}));
    if (!report.duration) {
      if (auto* duration = member(*scope, {"duration"}); duration && duration->is_number()) report.duration = duration->get<double>();
    }
  }
  return report;
}

}  // namespace nemo::renders
