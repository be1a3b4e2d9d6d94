#include "FakeBackend.h"

#include <string_view>

namespace nemo::fuzz {
namespace {

bool contains(std::string_view text, std::string_view part) { return text.find(part) != std::string_view::npos; }
bool endsWith(std::string_view text, std::string_view tail) {
  return text.size() >= tail.size() && text.substr(text.size() - tail.size()) == tail;
}

}  // namespace

Endpoint FakeBackend::endpointOf(const http::Request& request) {
  std::string_view url = request.url;
  if (auto query = url.find('?'); query != std::string_view::npos) url = url.substr(0, query);
  if (contains(url, "/api/auth/anonymous-token")) return Endpoint::Token;
  if (contains(url, "/api/tasks/me/with-session/")) return Endpoint::Session;
  if (endsWith(url, "/run_sse")) return Endpoint::Chat;
  if (contains(url, "/api/upload-video/")) return Endpoint::Upload;
  if (contains(url, "/api/credits/balance")) return Endpoint::Credits;
  if (contains(url, "/api/state/")) return Endpoint::State;
  if (endsWith(url, "/download") || !request.downloadTo.empty()) return Endpoint::Download;
  if (endsWith(url, "/cancel")) return Endpoint::RenderCancel;
  if (endsWith(url, "/api/render/proxy/lambda")) return Endpoint::RenderStart;
  if (contains(url, "/api/render/proxy/lambda/")) return Endpoint::RenderStatus;
  return Endpoint::Unknown;
}

// Valid answers in the documented shapes, so that a script of one endpoint reaches its reader.
Answer FakeBackend::canned(Endpoint endpoint) {
  switch (endpoint) {
    case Endpoint::Token:
      return {200, R"({"code":0,"data":{"token":"fuzz-token-0123456789abcdef","user_id":"user_fuzz",)"
                   R"("expires_at":"2099-01-01T00:00:00Z","credits":100}})"};
    case Endpoint::Session:
      return {200, R"({"code":0,"data":{"session_id":"sess_fuzz","task_id":"task_fuzz"}})"};
    case Endpoint::Chat:
      return {200, "data: {\"type\":\"text\",\"content\":\"Done: \"}\n\n"
                   "data: {\"partial\":false,\"content\":{\"role\":\"model\",\"parts\":[{\"text\":\"a title.\"}]}}\n\n"};
    case Endpoint::Upload:
      return {200, R"({"code":0,"data":{"files":[{"filename":"a.png","file_type":"image",)"
                   R"("cdn_url":"https://cdn.example/a.png","width":1,"height":1}]}})"};
    case Endpoint::Credits:
      return {200, R"({"code":0,"data":{"available":42,"frozen":8,"total":50}})"};
    case Endpoint::State:
      return {200, R"({"code":0,"data":{"state":{"draft":{"t":[{"tt":0,"sg":[{"d":10000,"m":{"name":"clip"}}]},)"
                   R"({"tt":7,"sg":[{"d":3000,"m":{"text":"Urban Dreams"}}]}]},"video_infos":[],)"
                   R"("generated_media":[],"canvas_config":{"width":1920,"height":1080,"aspect_ratio":"16:9"}}}})"};
    case Endpoint::RenderStart:
      return {200, R"({"success":true,"data":{"id":"render_fuzz","status":"pending"}})"};
    case Endpoint::RenderStatus:
      return {200, R"({"success":true,"data":{"status":"processing","progress":50}})"};
    case Endpoint::RenderCancel:
      return {200, R"({"success":true,"data":{}})"};
    case Endpoint::Download:  // never a file: no fuzz input may make the server write a video
    case Endpoint::Unknown:
      break;
  }
  return {404, R"({"code":404,"message":"not found"})"};
}

void FakeBackend::script(Endpoint endpoint, Answer answer, int times) {
  std::lock_guard lock(mutex_);
  auto& slot = slots_[static_cast<std::size_t>(endpoint)];
  slot.scripted = std::move(answer);
  slot.timesLeft = times;
}

void FakeBackend::fallback(Endpoint endpoint, Answer answer) {
  std::lock_guard lock(mutex_);
  slots_[static_cast<std::size_t>(endpoint)].fallback = std::move(answer);
}

Answer FakeBackend::answerFor(Endpoint endpoint) {
  std::lock_guard lock(mutex_);
  auto& slot = slots_[static_cast<std::size_t>(endpoint)];
  if (slot.scripted) {
    Answer answer = *slot.scripted;
    if (slot.timesLeft > 0 && --slot.timesLeft == 0) slot.scripted.reset();
    return answer;
  }
  if (slot.fallback) return *slot.fallback;
  return canned(endpoint);
}

http::Result FakeBackend::send(const http::Request& request) {
  http::Result result;
  if (request.stop.stop_requested()) {
    result.failure = http::Failure::Cancelled;
    result.message = "cancelled";
    return result;
  }
  auto answer = answerFor(endpointOf(request));
  result.response.status = answer.status;
  result.response.headers["content-type"] =
      endpointOf(request) == Endpoint::Chat ? "text/event-stream" : "application/json";
  if (request.onBodyChunk) {  // as curl does: whatever the status, the body goes to the reader
    std::string_view body = answer.body;
    std::size_t step = answer.chunkBytes == 0 ? body.size() : answer.chunkBytes;
    for (std::size_t at = 0; at < body.size(); at += step) {
      if (!request.onBodyChunk(body.substr(at, step))) {
        result.failure = http::Failure::Cancelled;
        result.message = "stopped by the reader";
        return result;
      }
    }
    return result;
  }
  if (answer.body.size() > request.maxBodyBytes) {
    result.failure = http::Failure::Other;
    result.message = "answer larger than the limit";
    return result;
  }
  result.response.body = std::move(answer.body);
  return result;
}

}  // namespace nemo::fuzz
