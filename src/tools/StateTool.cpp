// The `state` tool: the session's timeline as the seeds summarise it, its tracks as data,
// the media uploaded and generated, the canvas, and whether the draft can be exported.
#include "nemo/api/Draft.h"
#include "tools/ToolSupport.h"

namespace nemo::tools {
namespace {

std::string stringOf(const nlohmann::json& object, std::initializer_list<const char*> keys) {
  for (const char* key : keys) {
    if (object.contains(key) && object[key].is_string()) return object[key].get<std::string>();
  }
  return {};
}

// One uploaded or generated item, in the few fields an agent needs.
nlohmann::json mediaItem(const nlohmann::json& item) {
  if (!item.is_object()) return {{"name", item.is_string() ? item.get<std::string>() : item.dump()}};
  nlohmann::json out = nlohmann::json::object();
  if (auto name = stringOf(item, {"filename", "name", "title", "file_name"}); !name.empty()) out["name"] = name;
  if (auto type = stringOf(item, {"file_type", "type", "media_type"}); !type.empty()) out["type"] = type;
  if (auto url = stringOf(item, {"cdn_url", "url", "output_url"}); !url.empty()) out["url"] = url;
  for (const char* key : {"duration", "width", "height", "size"}) {
    if (item.contains(key) && item[key].is_number()) out[key] = item[key];
  }
  return out;
}

nlohmann::json mediaList(const nlohmann::json& list) {
  nlohmann::json out = nlohmann::json::array();
  if (list.is_array()) {
    for (const auto& item : list) out.push_back(mediaItem(item));
  }
  return out;
}

}  // namespace

void registerStateTool(mcp::ToolRegistry& registry, const Services& services) {
  auto error = registry.add("state", [services](const nlohmann::json& arguments, mcp::ToolContext& context) {
    auto sessionId = resolveSessionId(arguments, services);
    if (sessionId.empty()) return noSessionFailure(services);
    context.progress("Reading the timeline...");
    auto result = services.client->state(sessionId, callControl(context, services));
    if (!result.ok()) return sessionErrorResult(*result.error, arguments, services);
    confirmSession(sessionId, services);
    const auto& state = api::stateObjectOf(result.data);
    auto draft = api::Draft::fromJson(api::draftOf(result.data));

    nlohmann::json out{{"session_id", sessionId},
                       {"summary", draft.summary()},
                       {"timeline", draft.toJson()},
                       {"exportable", draft.isExportable()},
                       {"media", {{"uploaded", mediaList(state.value("video_infos", nlohmann::json()))},
                                  {"generated", mediaList(state.value("generated_media", nlohmann::json()))}}}};
    std::string text = draft.summary();
    if (state.contains("canvas_config") && state["canvas_config"].is_object()) {
      const auto& canvas = state["canvas_config"];
      nlohmann::json described = nlohmann::json::object();
      for (const char* key : {"width", "height"}) {
        if (canvas.contains(key) && canvas[key].is_number()) described[key] = canvas[key];
      }
      if (auto ratio = stringOf(canvas, {"aspect_ratio", "ratio"}); !ratio.empty()) described["aspect_ratio"] = ratio;
      out["canvas"] = described;
      if (described.contains("width") && described.contains("height")) {
        text += "\nCanvas: " + described["width"].dump() + "x" + described["height"].dump() +
                (described.contains("aspect_ratio") ? " (" + described["aspect_ratio"].get<std::string>() + ")" : "");
      }
    }
    auto uploaded = out["media"]["uploaded"].size();
    auto generated = out["media"]["generated"].size();
    if (uploaded + generated > 0) {
      text += "\nMedia: " + std::to_string(uploaded) + " uploaded, " + std::to_string(generated) + " generated.";
    }
    text += draft.isExportable() ? "\nReady to export." : "\nNot exportable yet: " + draft.notExportableReason();
    if (!draft.isExportable()) out["not_exportable_reason"] = draft.notExportableReason();
    nlohmann::json renders = nlohmann::json::array();
    for (const auto& job : services.renders->forSession(sessionId)) {
      nlohmann::json entry{{"render_id", job.renderId}, {"status", job.status}, {"progress", job.progress}};
      if (!job.path.empty()) entry["path"] = job.path;
      renders.push_back(entry);
      text += "\nExport " + job.renderId + ": " + job.status + (job.path.empty() ? std::string() : " -> " + job.path);
    }
    out["renders"] = renders;
    if (auto turn = services.turns->runningIn(sessionId)) {
      out["running_turn_id"] = turn->id();
      text += "\nThe video editor is still working on this session (turn_id " + turn->id() +
              "): the timeline may change when it ends.";
      return mcp::ToolResult::success(text, out)
          .withNext("Call chat with {\"turn_id\": \"" + turn->id() + "\"} to wait for the editor; never send its "
                    "message again.");
    }
    return mcp::ToolResult::success(text, out)
        .withNext(draft.isExportable() ? "Show the user the summary. To get the MP4, call export."
                                       : "Call chat to generate or edit the video; export works once the timeline "
                                         "has content.");
  });
  if (error) throw std::logic_error(*error);
}

}  // namespace nemo::tools
