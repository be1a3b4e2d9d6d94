// The `chat` tool: one message to NemoVideo's video-editing agent, streamed, bounded in time
// (a turn still running comes back with a turn_id to wait on), never silent (progress while
// waiting; a turn without words is answered with what changed on the timeline). Short
// commands (export, credits, status, upload) are answered by those tools without a turn.
#include <algorithm>

#include <spdlog/spdlog.h>

#include "nemo/api/Draft.h"
#include "nemo/chat/GuiTranslation.h"
#include "nemo/chat/IntentRouter.h"
#include "support/DocumentText.h"
#include "support/Paths.h"
#include "tools/SentenceProgress.h"
#include "tools/ToolSupport.h"

namespace nemo::tools {
namespace {

constexpr std::size_t kMaxDocumentBytes = 100 * 1024;   // per attachment
constexpr std::size_t kMaxAttachmentBytes = 200 * 1024;  // all attachments of one message

// Paths (/..., ~/..., ./...) and http(s) URLs named in a short "upload ..." message.
nlohmann::json uploadTargets(const std::string& message) {
  nlohmann::json paths = nlohmann::json::array(), urls = nlohmann::json::array();
  std::size_t i = 0;
  while (i < message.size()) {
    auto start = message.find_first_not_of(" \t\n", i);
    if (start == std::string::npos) break;
    auto end = message.find_first_of(" \t\n", start);
    auto word = message.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (word.rfind("http://", 0) == 0 || word.rfind("https://", 0) == 0) urls.push_back(word);
    else if (word.front() == '/' || word.rfind("~/", 0) == 0 || word.rfind("./", 0) == 0) paths.push_back(word);
    i = end == std::string::npos ? message.size() : end;
  }
  nlohmann::json args = nlohmann::json::object();
  if (!paths.empty()) args["paths"] = paths;
  if (!urls.empty()) args["urls"] = urls;
  return args;
}

// A routed command runs the tool that answers it; the result says which one ran.
std::optional<mcp::ToolResult> answerByIntent(const mcp::ToolRegistry& registry, const chat::IntentMatch& match,
                                              const std::string& message, const nlohmann::json& arguments,
                                              mcp::ToolContext& context) {
  std::string toolName(chat::intentName(match.intent));
  nlohmann::json toolArguments = nlohmann::json::object();
  if (match.intent == chat::Intent::Upload) {
    toolArguments = uploadTargets(message);
    if (toolArguments.empty()) {
      return mcp::ToolResult::success(
          "To upload, call the `upload` tool with the file paths (or http(s) URLs) to send; nothing was sent.",
          {{"status", "completed"}, {"routed_to", "upload"}, {"reply", ""}});
    }
  }
  if (arguments.contains("session_id") && match.intent != chat::Intent::Credits) {
    toolArguments["session_id"] = arguments["session_id"];
  }
  const auto* tool = registry.find(toolName);
  if (tool == nullptr) return std::nullopt;  // not available: the chat agent handles it
  context.progress("\"" + message + "\" is a " + toolName + " request: running " + toolName + " directly.");
  auto result = tool->handler(toolArguments, context);
  nlohmann::json structured{{"status", result.isError ? "failed" : "completed"},
                            {"routed_to", toolName},
                            {"reply", result.text},
                            {"result", result.structured}};
  if (result.isError && result.structured.contains("error")) structured["error"] = result.structured["error"];
  result.text = "(Ran `" + toolName + "` directly for \"" + message + "\"; no chat turn was needed.)\n" + result.text;
  result.structured = structured;
  return result;
}

struct Attachments {
  std::string text;  // what is appended to the message
  nlohmann::json report = nlohmann::json::array();
  std::string error;
};

Attachments readAttachments(const nlohmann::json& paths) {
  Attachments out;
  if (!paths.is_array()) return out;
  std::size_t used = 0;
  for (const auto& entry : paths) {
    // Absolute, so that "-x.pdf" can never reach pdftotext as an option.
    auto path = support::expandUserPath(entry.get<std::string>()).string();
    auto budget = std::min(kMaxDocumentBytes, kMaxAttachmentBytes - std::min(used, kMaxAttachmentBytes));
    auto doc = support::extractDocumentText(path, budget);
    if (!doc.error.empty()) {
      out.error = "Could not read the attachment " + path + ": " + doc.error + ". Nothing was sent.";
      return out;
    }
    used += doc.text.size();
    auto name = std::filesystem::path(path).filename().string();
    out.text += "\n\n--- Attached document \"" + name + "\" (text extracted) ---\n" + doc.text;
    if (doc.truncated) {
      out.text += "\n[... the document was cut here: only the first " + std::to_string(budget / 1024) +
                  " KB of its text are included ...]";
    }
    out.report.push_back({{"path", path}, {"characters", doc.text.size()}, {"truncated", doc.truncated}});
  }
  return out;
}

// The one way to continue a running turn. Re-sending the message would start a second turn,
// and during a generation the user pays for both.
std::string continueTurn(const std::string& turnId) {
  return "Call chat with {\"turn_id\": \"" + turnId + "\"} and no message to wait for the rest. Never send the "
         "message again: that would start, and charge, a second turn.";
}

// What usually follows a finished turn; the editor's own suggestions (rewritten GUI talk) first.
std::string afterTurn(const std::vector<std::string>& suggested) {
  if (std::find(suggested.begin(), suggested.end(), "export") != suggested.end()) {
    return "Tell the user the reply. To get the MP4, call export (it waits for the render).";
  }
  return "Tell the user the reply. For changes, call chat again; when the user is happy, call export for the MP4.";
}

std::string capitalised(std::string line) {
  if (!line.empty() && line.front() >= 'a' && line.front() <= 'z') line.front() = static_cast<char>(line.front() - 'a' + 'A');
  return line;
}

std::string joinLines(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& line : lines) out += "\n- " + line;
  return out;
}

// A task's turn after a restart of the server: its stream and words died with the old process,
// but the timeline tells what it did. Only a task taken up again passes `timeline_before`.
mcp::ToolResult answerLostTurn(const std::string& turnId, const nlohmann::json& arguments, const Services& services,
                               mcp::ToolContext& context) {
  nlohmann::json structured{{"turn_id", turnId}};
  auto sessionId = arguments.value("session_id", std::string());
  auto state = services.client->state(sessionId, callControl(context, services));
  if (!state.ok()) {
    structured["status"] = "failed";
    return localFailure("The server was restarted while the video editor worked on turn " + turnId +
                            ", and the timeline cannot be read now (" + state.error->message +
                            "). Call state in a minute to see what the turn changed before sending anything again.",
                        structured);
  }
  structured["session_id"] = sessionId;
  confirmSession(sessionId, services);  // the restarted process works in it from now on
  auto before = api::Draft::fromJson(arguments["timeline_before"]);
  auto changes = api::diffDrafts(before, api::Draft::fromJson(api::draftOf(state.data)));
  structured["changes"] = changes;
  if (changes.empty()) {
    structured["status"] = "failed";
    return localFailure("The server was restarted while the video editor worked on turn " + turnId +
                            ", and the timeline has not changed since the turn began. The editor may still be at "
                            "work: call state in a minute. If nothing changed by then, ask the user whether to send "
                            "the message again (a repeated generation is charged again).",
                        structured);
  }
  structured["status"] = "completed";
  structured["reply"] = "";
  return mcp::ToolResult::success("The server was restarted while the video editor worked on this turn, so its "
                                  "words were lost; the timeline shows what it did:" + joinLines(changes),
                                  structured)
      .withNext("Tell the user what changed. The editor may still be finishing the turn: call state with "
                "{\"session_id\": \"" + sessionId + "\"} to see the whole timeline before calling export.");
}

}  // namespace

void registerChatTool(mcp::ToolRegistry& registry, const Services& services) {
  const auto* registryPointer = &registry;
  auto error = registry.add("chat", [services, registryPointer](const nlohmann::json& arguments,
                                                                 mcp::ToolContext& context) {
    auto message = arguments.value("message", std::string());
    auto turnId = arguments.value("turn_id", std::string());
    nlohmann::json structured = nlohmann::json::object();
    std::shared_ptr<chat::ChatTurn> turn;
    bool startedHere = false;
    std::string preface;

    if (!turnId.empty()) {
      turn = services.turns->find(turnId);
      if (!turn && arguments.contains("timeline_before")) return answerLostTurn(turnId, arguments, services, context);
      if (!turn) {
        return localFailure("Unknown turn_id " + turnId + " (turns are kept for an hour after they end, and not across "
                            "restarts of the server). The editor may have finished it: call state to see the "
                            "timeline, and do not send the message again unless the change is missing.",
                            {{"status", "failed"}, {"turn_id", turnId}});
      }
      if (!message.empty()) preface = "(The message was not sent: a turn_id means wait for that turn.)\n";
    } else {
      if (message.empty()) {
        return localFailure("Give a message for the video editor, or the turn_id of a running turn to keep waiting "
                            "for it.", {{"status", "failed"}});
      }
      auto hasAttachments = arguments.contains("attachments") && !arguments["attachments"].empty();
      if (!hasAttachments) {
        auto match = chat::matchIntent(message);
        if (match.intent != chat::Intent::Chat) {
          if (auto answered = answerByIntent(*registryPointer, match, message, arguments, context)) return *answered;
        }
      }
      Attachments attachments = readAttachments(arguments.value("attachments", nlohmann::json::array()));
      if (!attachments.error.empty()) {
        return localFailure(attachments.error, {{"status", "failed"}});
      }
      if (!attachments.report.empty()) structured["attachments"] = attachments.report;

      // Never a session of its own making: the user's project is chosen by create_session or an id.
      auto sessionId = resolveSessionId(arguments, services);
      if (sessionId.empty()) return noSessionFailure(services, {{"status", "failed"}});
      // One turn at a time per session: a second would edit a half-made timeline (and be charged).
      if (auto busy = waitForRunningTurn(sessionId, services, context,
                                         std::chrono::steady_clock::now() + callWait(arguments, services, context))) {
        busy->structured["status"] = "failed";
        return *busy;
      }
      context.progress("Sending the message to the video editor...");
      auto started = services.turns->start(sessionId, message + attachments.text);
      if (started.alreadyRunning) {
        // Another call started a turn in this session since the wait above: nothing was sent.
        auto busy = runningTurnFailure(*started.turn);
        busy.structured["status"] = "failed";
        return busy;
      }
      turn = started.turn;
      startedHere = true;
    }

    auto deadline = std::chrono::steady_clock::now() + callWait(arguments, services, context);
    // What a task needs to answer after a restart of the server, when the turn itself is gone:
    // saved again once the turn has read the timeline it starts from.
    const auto sessionId = turn->read([](auto, const chat::ChatTurnView& view) { return view.sessionId; });
    nlohmann::json resume{{"turn_id", turn->id()}, {"session_id", sessionId}};
    context.resumeWith(resume);
    bool timelineSaved = false;
    auto saveResume = [&] {  // at most once more: each save rewrites the tasks file
      if (timelineSaved) return;
      auto before = turn->read([](auto, const chat::ChatTurnView& view) { return view.timelineBefore; });
      if (!before) return;
      timelineSaved = true;
      resume["timeline_before"] = *before;
      context.resumeWith(resume);
    };
    saveResume();
    SentenceProgress sentences;
    turn->wait(
        deadline, context.stop(),
        [&context, &sentences, &saveResume](const support::JobProgress& progress) {
          saveResume();
          // What a person sees while waiting: the editor's words sentence by sentence (GUI talk
          // rewritten as in the reply), what it is doing, and a sign of life when it is quiet.
          std::string line;
          switch (progress.kind) {
            case support::JobProgress::Kind::Text:
              line = sentences.add(progress.text);
              break;
            case support::JobProgress::Kind::Heartbeat:
              line = sentences.flush();
              if (line.empty()) line = "⏳ Still working...";
              break;
            case support::JobProgress::Kind::Step:
            case support::JobProgress::Kind::Note:
              line = capitalised(progress.text);
              break;
          }
          if (!line.empty()) context.progress(chat::translateGuiText(line).text);
        },
        // The call that sent the message relays the turn from its first word.
        {services.progressInterval, false, startedHere});
    const auto turnNow = turn->snapshot();
    const auto& snapshot = turnNow.view;
    const bool done = turnNow.state != support::JobState::Running;
    if (done) {
      if (auto last = sentences.finish(); !last.empty()) context.progress(chat::translateGuiText(last).text);
    }
    if (context.cancelled()) {
      turn->requestStop();  // the client gave up on it: close the stream now
      return mcp::ToolResult::failure(
          "Cancelled: the connection to the video editor was closed. The editor may still finish the turn on its "
          "side; call state to see the timeline before sending anything again.",
          {{"status", "cancelled"}, {"turn_id", turn->id()}});
    }

    structured["turn_id"] = turn->id();
    structured["session_id"] = snapshot.sessionId;
    // A turn that runs or ran (no error) was accepted by NemoVideo for that session.
    if (!snapshot.error) confirmSession(snapshot.sessionId, services);
    structured["tools_used"] = snapshot.tools;
    auto translated = chat::translateGuiText(snapshot.text);
    if (translated.changed) structured["suggested_tools"] = translated.tools;

    if (!done) {
      // Not the answer yet: the words so far are marked as partial, so that no model reads a
      // half-finished turn as the editor's reply.
      structured["status"] = "running";
      if (!translated.text.empty()) structured["partial_reply"] = translated.text;
      auto stillWorking = "The video editor is still working on this turn (turn_id " + turn->id() + ").";
      auto text = preface + (translated.text.empty() ? std::string() : "So far: " + translated.text + "\n\n") +
                  "⏳ " + stillWorking;
      return mcp::ToolResult::success(text, structured).withMessage(stillWorking).withNext(continueTurn(turn->id()));
    }

    structured["reply"] = translated.text;
    if (snapshot.error) {
      structured["status"] = "failed";
      structured["error"] = snapshot.error->toJson();
      std::string text = preface;
      if (!translated.text.empty()) text += translated.text + "\n\n";
      if (snapshot.error->code == api::code::kSessionNotFound) {
        // No new session behind the user's back: an unknown id changes nothing; a vanished one is said.
        structured.erase("error");
        auto failure = sessionErrorResult(*snapshot.error, arguments, services, structured);
        failure.text = text + failure.text + " The message was not sent again.";
        return failure;
      }
      text += snapshot.cut ? "The connection to the video editor broke before the turn ended (" +
                                 snapshot.error->message + "). The text above is what arrived. The turn was not "
                                 "re-sent."
                           : snapshot.error->message;
      auto result = mcp::ToolResult::failure(text, structured);
      if (snapshot.cut) {
        return std::move(result).withNext("Call state to see what the turn changed. Do not send the message again "
                                          "unless the user asks: a repeated turn is charged twice.");
      }
      return result;
    }

    structured["status"] = "completed";
    if (!snapshot.text.empty()) {
      return mcp::ToolResult::success(preface + translated.text, structured)
          .withMessage("The video editor finished the turn; its words are in `reply`.")
          .withNext(afterTurn(translated.tools));
    }
    structured["changes"] = snapshot.changes;
    if (!snapshot.changes.empty()) {
      return mcp::ToolResult::success(preface + "Done. The editor changed the timeline:" + joinLines(snapshot.changes),
                                      structured)
          .withNext(afterTurn(translated.tools));
    }
    return mcp::ToolResult::success(
        preface + "The editor finished without a reply and the timeline did not change.", structured)
        .withNext("Call state to check the timeline, or call chat with the request rephrased.");
  });
  if (error) throw std::logic_error(*error);
}

}  // namespace nemo::tools
