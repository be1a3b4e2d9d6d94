// The `upload` tool: local files (checked here first, then streamed from disk in one multipart
// request) and/or http(s) URLs into the session, with progress by bytes sent.
#include <chrono>
#include <mutex>

#include "nemo/api/MediaCheck.h"
#include "nemo/api/UploadAnswer.h"
#include "support/JsonAccess.h"
#include "tools/ToolSupport.h"

namespace nemo::tools {
namespace {

std::string sizeText(std::uint64_t bytes) {
  if (bytes >= 1024 * 1024) return std::to_string(bytes / (1024 * 1024)) + " MB";
  return std::to_string((bytes + 1023) / 1024) + " KB";
}

}  // namespace

void registerUploadTool(mcp::ToolRegistry& registry, const Services& services, const UploadLimits& limits) {
  auto error = registry.add("upload", [services, limits](const nlohmann::json& arguments, mcp::ToolContext& context) {
    auto paths = arguments.value("paths", nlohmann::json::array());
    auto urls = arguments.value("urls", nlohmann::json::array());
    if (paths.empty() && urls.empty()) {
      return localFailure("Give the files to upload: `paths` (local files) and/or `urls` (http or https).");
    }
    // Every file is checked before anything is sent, so a bad one never leaves half an upload.
    std::vector<api::MediaFile> files;
    std::vector<std::string> problems;
    std::uint64_t totalBytes = 0;
    for (const auto& entry : paths) {
      auto check = api::checkMediaFile(entry.get<std::string>(), limits.formats, limits.maxBytes);
      if (!check.error.empty()) {
        problems.push_back(check.error);
      } else {
        totalBytes += check.file.size;
        files.push_back(check.file);
      }
    }
    for (const auto& entry : urls) {
      auto url = entry.get<std::string>();
      if (url.rfind("https://", 0) != 0 && url.rfind("http://", 0) != 0) {
        problems.push_back(url + ": only http and https URLs can be uploaded.");
      }
    }
    if (!problems.empty()) {
      std::string text = "Nothing was uploaded:";
      for (const auto& problem : problems) text += "\n- " + problem;
      return localFailure(text, {{"problems", problems}});
    }

    auto sessionId = resolveSessionId(arguments, services);
    if (sessionId.empty()) return noSessionFailure(services);
    if (auto busy = waitForRunningTurn(sessionId, services, context,
                                       std::chrono::steady_clock::now() + services.defaultWait)) {
      return *busy;
    }
    std::string preface;

    nlohmann::json uploaded = nlohmann::json::array();
    nlohmann::json rejected = nlohmann::json::array();
    std::vector<std::string> unlisted;  // accepted (code 0) but not named in the answer
    // An accepted answer is a success whatever its shape; what it does not list was still sent.
    auto collect = [&](const nlohmann::json& data, const std::vector<std::string>& sent) {
      auto answer = api::readUploadAnswer(data);
      for (auto& item : answer.uploaded) uploaded.push_back(std::move(item));
      for (auto& item : answer.rejected) rejected.push_back(std::move(item));
      if (!answer.listed) unlisted.insert(unlisted.end(), sent.begin(), sent.end());
    };
    // Not cut to a deadline: a large file takes what it takes, with byte progress all along.
    auto control = callControl(context, std::chrono::steady_clock::time_point::max());
    auto path = "/api/upload-video/nemo_agent/me/" + sessionId;

    if (!files.empty()) {
      api::ApiCall call;
      call.method = "POST";
      call.path = path;
      call.totalTimeout = std::chrono::milliseconds(0);  // big files take their time
      // After the last byte the backend may process a big file for minutes before it answers.
      call.idleTimeout = std::chrono::seconds(300);
      for (const auto& file : files) {
        call.files.push_back({"files", file.path, file.path.filename().string(), file.contentType});
      }
      // Progress by bytes, at most every half second, so a fast upload does not flood the client.
      auto lastReport = std::make_shared<std::chrono::steady_clock::time_point>();
      auto reportMutex = std::make_shared<std::mutex>();
      call.onProgress = [&context, totalBytes, lastReport, reportMutex](std::uint64_t sent, std::uint64_t total) {
        if (total == 0) total = totalBytes;
        std::lock_guard lock(*reportMutex);
        auto now = std::chrono::steady_clock::now();
        if (now - *lastReport < std::chrono::milliseconds(500) || sent == 0) return;
        *lastReport = now;
        context.progress("Uploading: " + sizeText(sent) + " of " + sizeText(total),
                         total > 0 ? std::optional<double>(100.0 * static_cast<double>(sent) / static_cast<double>(total))
                                   : std::nullopt);
      };
      context.progress("Uploading " + std::to_string(files.size()) + " file(s), " + sizeText(totalBytes) + "...");
      auto result = services.client->call(call, control);
      if (!result.ok()) {
        // A rejection of every file comes as an error envelope that still lists them.
        if (result.raw.is_object() && result.raw.contains("data") && result.raw["data"].is_object()) {
          collect(result.raw["data"], {});  // a refusal reports nothing as sent
        }
        if (uploaded.empty() && rejected.empty()) return sessionErrorResult(*result.error, arguments, services);
        if (uploaded.empty()) {
          auto structured = nlohmann::json{{"session_id", sessionId}, {"uploaded", uploaded}, {"rejected", rejected},
                                           {"error", result.error->toJson()}};
          return mcp::ToolResult::failure(preface + result.error->message, structured);
        }
      } else {
        std::vector<std::string> sent;
        for (const auto& file : files) sent.push_back(file.path.filename().string());
        collect(result.data, sent);
      }
    }
    if (!urls.empty()) {
      api::ApiCall call;
      call.method = "POST";
      call.path = path;
      call.body = {{"urls", urls}, {"source_type", "url"}};
      context.progress("Sending " + std::to_string(urls.size()) + " URL(s)...");
      auto result = services.client->call(call, control);
      if (!result.ok()) {
        for (const auto& url : urls) {
          rejected.push_back({{"filename", url}, {"code", result.error->code}, {"message", result.error->message}});
        }
      } else {
        collect(result.data, urls.get<std::vector<std::string>>());
      }
    }

    auto errorContext = services.client->errorContext();
    for (const auto& name : unlisted) uploaded.push_back({{"name", name}});
    std::string text = preface + "Uploaded " + std::to_string(uploaded.size()) + " item(s) to session " + sessionId + ".";
    for (const auto& item : uploaded) {
      text += "\n- " + support::textAt(item, "name", "(unnamed)");
      if (auto type = support::textAt(item, "type"); !type.empty()) text += " (" + type + ")";
    }
    for (auto& item : rejected) {
      auto explained = api::makeApiError(support::intAt(item, "code"), 0, support::textAt(item, "message"), errorContext);
      item["message"] = explained.message;
      text += "\n- Not accepted: " + support::textAt(item, "filename", "(unnamed)") + ": " + explained.message;
    }
    nlohmann::json structured{{"session_id", sessionId}, {"uploaded", uploaded}, {"rejected", rejected}};
    if (!unlisted.empty()) {
      structured["note"] = "NemoVideo accepted the upload but did not list the files it made of it; they are "
                           "reported as sent. Call state to see them in the session's media.";
      text += "\n(" + structured["note"].get<std::string>() + ")";
    }
    if (!uploaded.empty()) confirmSession(sessionId, services);
    if (uploaded.empty()) {
      structured["error"] = {{"code", rejected.empty() ? api::code::kServerError : support::intAt(rejected[0], "code")},
                             {"message", text}};
      return mcp::ToolResult::failure(text, structured);
    }
    return mcp::ToolResult::success(text, structured)
        .withNext("Call chat with what the user wants made of the media (it uses session " + sessionId + ").");
  });
  if (error) throw std::logic_error(*error);
}

}  // namespace nemo::tools
