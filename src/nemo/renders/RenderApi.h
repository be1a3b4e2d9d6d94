// NemoVideo's render endpoints: start a render of a draft, read its status (in either of the
// two documented answer shapes), cancel it.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "nemo/api/NemoClient.h"

namespace nemo::renders {

// A fresh id for a render: "render_<ms since epoch>_<8 random letters and digits>".
std::string newRenderId();

// Asks NemoVideo to render `draftText` (the draft's JSON exactly as NemoVideo gave it).
api::ApiResult requestRender(api::NemoClient& client, const std::string& renderId, const std::string& sessionId,
                             const std::string& draftText, const std::string& quality, const api::CallControl& control);
// True when NemoVideo refused the render because its id is taken (a new id may be tried).
bool refusedAsDuplicate(const api::ApiError& error);

api::ApiResult requestRenderStatus(api::NemoClient& client, const std::string& renderId,
                                   const api::CallControl& control);
api::ApiResult requestRenderCancel(api::NemoClient& client, const std::string& renderId,
                                   const api::CallControl& control);

// A status answer, read from {"data":{...}} or from the fields at the top.
struct RenderStatusReport {
  std::string word;  // as NemoVideo said it (see normalizeRenderStatus)
  std::optional<double> progress;  // 0-100 (a fraction 0-1 is scaled)
  std::string outputUrl;
  std::string reason;
  std::optional<double> duration;
};
RenderStatusReport readRenderStatus(const nlohmann::json& answer);

}  // namespace nemo::renders
