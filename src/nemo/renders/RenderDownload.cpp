#include "nemo/renders/RenderDownload.h"

#include <fstream>
#include <string_view>
#include <system_error>

#include <spdlog/spdlog.h>

namespace nemo::renders {
namespace {

// Output hosts get no credentials: https anywhere, plain http only on this machine.
bool fetchableWithoutToken(const std::string& url) {
  return url.rfind("https://", 0) == 0 || (url.rfind("http://", 0) == 0 && http::isLoopbackUrl(url));
}

}  // namespace

FetchOutcome fetchRenderedVideo(api::NemoClient& client, http::HttpClient& http, const RenderJob& job,
                                const std::filesystem::path& temp, const std::stop_token& stop) {
  std::error_code ec;
  if (!job.outputUrl.empty() && fetchableWithoutToken(job.outputUrl)) {
    http::Request request;
    request.url = job.outputUrl;  // no Authorization header: the CDN is not the API
    request.downloadTo = temp;
    request.totalTimeout = std::chrono::milliseconds(0);
    request.stop = stop;
    auto result = http.send(request);
    if (result.failure == http::Failure::LocalFile) {
      std::filesystem::remove(temp, ec);
      return {FetchOutcome::Kind::LocalProblem, result.message};
    }
    if (result.ok() && result.response.status == 200 && looksLikeMp4(temp)) return {FetchOutcome::Kind::Fetched, {}};
    std::filesystem::remove(temp, ec);
    spdlog::warn("render {}: the output URL failed ({}, HTTP {}); using the authorised download", job.renderId,
                 result.message, result.response.status);
  }
  if (stop.stop_requested()) return {FetchOutcome::Kind::Retry, {}};
  auto result = client.download("/api/render/proxy/" + job.renderId + "/download", temp, api::CallControl{stop, {}});
  if (result.ok() && looksLikeMp4(temp)) return {FetchOutcome::Kind::Fetched, {}};
  std::filesystem::remove(temp, ec);
  if (!result.ok() && result.error->code == api::code::kLocal) {
    return {FetchOutcome::Kind::LocalProblem, result.error->message};
  }
  auto why = result.ok() ? std::string("the downloaded file is not an MP4") : result.error->message;
  spdlog::warn("render {}: download failed: {}", job.renderId, why);
  // Waiting will not change the plan.
  bool planBlocks = !result.ok() && result.error->code == api::code::kPlanBlocksExport;
  return {planBlocks ? FetchOutcome::Kind::Failed : FetchOutcome::Kind::Retry, why};
}

bool looksLikeMp4(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  char head[8] = {};
  in.read(head, sizeof head);
  return in.gcount() == 8 && std::string_view(head + 4, 4) == "ftyp";
}

}  // namespace nemo::renders
