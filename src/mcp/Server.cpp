#include "mcp/Server.h"

#include <condition_variable>
#include <mutex>
#include <optional>

#include <spdlog/spdlog.h>

#include "mcp/Protocol.h"
#include "support/JsonAccess.h"
#include "support/Random.h"
#include "support/Secrets.h"

namespace nemo::mcp {
namespace {

using jsonrpc::kInternalError;
using jsonrpc::kInvalidParams;
using jsonrpc::kInvalidRequest;
using jsonrpc::kMethodNotFound;

// Each tool call has its own thread; past this many at once, calls are refused, not queued.
constexpr std::size_t kMaxRunningCalls = 64;

// Lists do not change while the process runs; an hour of client-side caching is safe.
constexpr int kListTtlMs = 3600 * 1000;

json supportedVersions() {
  json versions = json::array({kModernVersion});
  for (auto version : kLegacyVersions) versions.push_back(version);
  return versions;
}

void redactStrings(json& value) {
  if (value.is_string()) {
    auto clean = support::redactSecrets(value.get_ref<const std::string&>());
    if (clean != value.get_ref<const std::string&>()) value = clean;
  } else if (value.is_structured()) {
    for (auto& item : value) redactStrings(item);
  }
}

const json& metaOf(const json& params) {
  static const json kEmpty = json::object();
  if (params.is_object()) {
    auto found = params.find("_meta");
    if (found != params.end() && found->is_object()) return *found;
  }
  return kEmpty;
}

// -32021 for a request that needs the tasks extension and did not declare it (on that request).
void replyTasksNotDeclared(jsonrpc::Reply& reply) {
  reply.error(kMissingRequiredClientCapability, "Missing required client capability",
              json{{"requiredCapabilities", {{"extensions", {{kTasksExtension, json::object()}}}}}});
}

}  // namespace

Server::Server(ServerIdentity identity, ToolRegistry& tools, std::vector<Prompt> prompts, TaskOptions taskOptions)
    : identity_(std::move(identity)), tools_(tools), prompts_(std::move(prompts)), taskStore_(std::move(taskOptions)) {}

Server::~Server() = default;

bool Server::serve(int inFd, int outFd, jsonrpc::ConnectionOptions options) {
  connection_ = jsonrpc::Connection::create(inFd, outFd, options);
  auto started = std::chrono::steady_clock::now();
  // Calls that became tasks are not stopped here: their saved ones are taken up again by the next
  // server process, and the exit below does not wait for them longer than the drain timeout.
  bool drained = connection_->run(*this);
  auto left = options.drainTimeout - std::chrono::duration_cast<std::chrono::milliseconds>(
                                         std::chrono::steady_clock::now() - started);
  // run() already waited for the replies; the threads themselves end right after replying.
  bool joined = tasks_.waitAll(std::max(left, std::chrono::milliseconds(200)));
  return drained && joined;
}

json Server::serverInfo() const {
  return json{{"name", identity_.name}, {"title", identity_.title}, {"version", identity_.version}};
}

json Server::capabilities() const {
  return json{{"tools", {{"listChanged", false}}}, {"prompts", {{"listChanged", false}}}, {"logging", json::object()}};
}

json Server::complete(json result, const Era& era) const {
  if (era.modern) {
    result["resultType"] = "complete";
    result["_meta"][kMetaServerInfo] = serverInfo();
  }
  return result;
}

void Server::onNotification(const std::string& method, const json& params) {
  if (method == "notifications/initialized") {
    initialized_ = true;
  } else if (method == "notifications/cancelled") {
    if (params.is_object() && params.contains("requestId")) {
      bool found = connection_->cancel(params["requestId"]);
      spdlog::debug("cancel request {}: {}", params["requestId"].dump(), found ? "cancelling" : "not running");
    }
  } else {
    spdlog::debug("ignoring notification {}", method);
  }
}

void Server::onRequest(jsonrpc::Request request, jsonrpc::Reply reply) {
  const auto& method = request.method;
  if (!request.params.is_null() && !request.params.is_object()) {
    reply.error(kInvalidParams, "Invalid params: " + method + " takes an object");
    return;
  }
  const auto& meta = metaOf(request.params);
  Era era;
  if (auto version = meta.find(kMetaProtocolVersion); version != meta.end()) {
    if (!version->is_string() || *version != kModernVersion) {
      reply.error(kUnsupportedProtocolVersion, "Unsupported protocol version",
                  json{{"supported", supportedVersions()}, {"requested", *version}});
      return;
    }
    era.modern = true;
    if (auto level = meta.find(kMetaLogLevel); level != meta.end() && level->is_string()) {
      era.logLevel = level->get<std::string>();
    }
    if (auto client = meta.find(kMetaClientInfo); client != meta.end()) {
      era.clientName = support::textAt(*client, "name");
      if (!clientLogged_.exchange(true)) spdlog::info("client: {}", client->dump());
    }
  } else if (method == "server/discover") {
    era.modern = true;  // a probe without _meta still learns what we speak
  }

  if (method == "initialize") {
    handleInitialize(request.params, reply);
    return;
  }
  if (method == "server/discover") {
    auto capabilitiesNow = capabilities();
    capabilitiesNow["extensions"][kTasksExtension] = json::object();  // a 2026-07-28 extension
    reply.result(complete(json{{"supportedVersions", supportedVersions()},
                               {"capabilities", std::move(capabilitiesNow)},
                               {"serverInfo", serverInfo()},
                               {"instructions", identity_.instructions},
                               {"ttlMs", kListTtlMs},
                               {"cacheScope", "public"}},
                          era));
    return;
  }
  if (method == "ping") {
    reply.result(complete(json::object(), era));
    return;
  }
  if (!era.modern && !initialized_) {
    reply.error(kInvalidRequest, "Server not initialized: send initialize first, or give the protocol version in "
                                 "_meta (" + std::string(kMetaProtocolVersion) + ")");
    return;
  }
  if (method == "tools/list") {
    reply.serializedResult(cachedToolsList(era));
  } else if (method == "tools/call") {
    handleToolsCall(request, std::move(reply), era);
  } else if (method == "prompts/list") {
    json result{{"prompts", promptListing()}};
    if (era.modern) {
      result["ttlMs"] = kListTtlMs;
      result["cacheScope"] = "public";
    }
    reply.result(complete(std::move(result), era));
  } else if (method == "prompts/get") {
    handlePromptsGet(request.params, reply, era);
  } else if (method == "tasks/get" || method == "tasks/cancel" || method == "tasks/update") {
    handleTasks(method, request.params, reply, era);
  } else if (method == "subscriptions/listen") {
    // We offer no subscriptions (no list changes, no resources, no notifications/tasks, which the
    // tasks extension leaves optional). The extension's capability rule still comes first: "If a
    // client requests task status notifications but does not declare the
    // io.modelcontextprotocol/tasks extension capability, the server MUST return" -32021.
    json notifications = request.params.is_object() ? request.params.value("notifications", json()) : json();
    if (notifications.is_object() && notifications.contains("taskIds") && !declaresTasks(meta)) {
      replyTasksNotDeclared(reply);
      return;
    }
    reply.error(kMethodNotFound, "Method not found: " + method + " (this server sends no notifications on subscriptions)");
  } else if (method == "logging/setLevel") {
    auto level = support::textAt(request.params, "level");
    if (logLevelRank(level) < 0) {
      reply.error(kInvalidParams, "Invalid params: 'level' must be one of debug, info, notice, warning, error, "
                                  "critical, alert, emergency");
      return;
    }
    {
      std::lock_guard lock(logLevelMutex_);
      legacyLogLevel_ = level;
    }
    reply.result(complete(json::object(), era));
  } else {
    reply.error(kMethodNotFound, "Method not found: " + method);
  }
}

void Server::handleInitialize(const json& params, jsonrpc::Reply& reply) {
  std::string requested = support::textAt(params, "protocolVersion");
  std::string answer(kLegacyVersions.front());
  for (auto version : kLegacyVersions) {
    if (version == requested) answer = requested;
  }
  if (params.is_object() && params.contains("clientInfo")) {
    spdlog::info("client: {}", params["clientInfo"].dump());
    std::lock_guard lock(logLevelMutex_);
    legacyClientName_ = support::textAt(params["clientInfo"], "name");
  }
  reply.result(json{{"protocolVersion", answer},
                    {"capabilities", capabilities()},
                    {"serverInfo", serverInfo()},
                    {"instructions", identity_.instructions}});
}

void Server::handleToolsCall(jsonrpc::Request& request, jsonrpc::Reply reply, const Era& era) {
  const auto& params = request.params;
  if (!params.is_object() || !params.contains("name") || !params["name"].is_string()) {
    reply.error(kInvalidParams, "Invalid params: tools/call needs the tool's 'name'");
    return;
  }
  auto name = params["name"].get<std::string>();
  const auto* tool = tools_.find(name);
  if (tool == nullptr) {
    reply.error(kInvalidParams, "Unknown tool: " + name);
    return;
  }
  json arguments = params.contains("arguments") ? params["arguments"] : json::object();
  if (arguments.is_null()) arguments = json::object();
  if (!arguments.is_object()) {
    reply.error(kInvalidParams, "Invalid params: 'arguments' of " + name + " must be an object");
    return;
  }
  // Arguments that break the schema are the model's to correct: a tool result with isError
  // (MCP 2025-11-25, SEP-1303), not a protocol error that many clients never show the model.
  if (auto invalid = tools_.validate(*tool, arguments)) {
    reply.result(complete(toolResultJson(*tool, invalidArguments(*invalid)), era));
    return;
  }

  json progressToken;
  if (auto token = metaOf(params).find("progressToken"); token != metaOf(params).end()) {
    if (token->is_string() || token->is_number_integer()) progressToken = *token;
  }
  ToolContext::ProgressSink progress;
  if (!progressToken.is_null()) {
    progress = [connection = connection_, progressToken](double value, std::optional<double> total,
                                                         const std::string& message) {
      json notification{{"progressToken", progressToken}, {"progress", value}, {"message", message}};
      if (total) notification["total"] = *total;
      connection->notify("notifications/progress", std::move(notification));
    };
  }
  auto log = [this, era](const std::string& level, const std::string& message) {
    std::string threshold = era.modern ? era.logLevel : std::string();
    if (!era.modern) {
      std::lock_guard lock(logLevelMutex_);
      threshold = legacyLogLevel_;
    }
    if (threshold.empty() || logLevelRank(level) < logLevelRank(threshold)) return;
    connection_->notify("notifications/message",
                        json{{"level", level}, {"logger", identity_.name}, {"data", message}});
  };

  if (tasks_.running() >= kMaxRunningCalls) {
    reply.error(kInternalError, "Server busy: " + std::to_string(kMaxRunningCalls) +
                                    " tool calls are running; try again when some have finished");
    return;
  }
  // Never a task for a request that did not declare the extension on that request.
  const bool taskCapable = era.modern && declaresTasks(metaOf(params));
  runTool(tool, std::move(arguments), request.stop, std::make_shared<jsonrpc::Reply>(std::move(reply)), era,
          std::move(progress), std::move(log), taskCapable);
}

namespace {

std::string newTaskId() { return "task_" + support::randomHex(32); }

// Who answers a tool call: the call itself when it ends within the first window, else the task
// that took it over. Exactly one of the two, decided under the mutex.
struct CallHandoff {
  std::mutex mutex;
  std::condition_variable ended;
  bool answered = false;
  std::string taskId;  // set when a task took the call over
  std::optional<json> resumeArguments;
  std::stop_source stop;
};

}  // namespace

void Server::runTool(const RegisteredTool* tool, json arguments, std::stop_token requestStop,
                     std::shared_ptr<jsonrpc::Reply> reply, const Era& era, ToolContext::ProgressSink progress,
                     ToolContext::LogSink log, bool taskCapable, const std::string& resumedTask) {
  auto handoff = std::make_shared<CallHandoff>();
  if (!resumedTask.empty()) handoff->taskId = resumedTask;
  TaskHooks hooks;
  if (taskCapable) {
    hooks.enabled = true;
    hooks.resumeWith = [this, handoff](const json& resumeArguments) {
      std::lock_guard lock(handoff->mutex);
      handoff->resumeArguments = resumeArguments;
      if (!handoff->taskId.empty()) taskStore_.setResume(handoff->taskId, resumeArguments);
    };
    // Until a task takes the call over, progress goes to the request's token; from then on only to
    // the task's status message: the request was answered, and progress "MUST only reference tokens
    // that were provided in an active request" (notifications/progress and notifications/message
    // "are not supported on tasks in general", says the extension). The handoff mutex is held while
    // sending, so that nothing for the request follows the CreateTaskResult on the wire.
    progress = [this, handoff, relay = std::move(progress)](double value, std::optional<double> total,
                                                             const std::string& message) {
      std::unique_lock lock(handoff->mutex);
      if (handoff->taskId.empty()) {
        if (relay) relay(value, total, message);
        return;
      }
      auto taskId = handoff->taskId;
      lock.unlock();
      taskStore_.setStatusMessage(taskId, message);
    };
    log = [handoff, relay = std::move(log)](const std::string& level, const std::string& message) {
      std::lock_guard lock(handoff->mutex);
      if (handoff->taskId.empty() && relay) relay(level, message);  // to stderr all the same (ToolContext::log)
    };
  }
  std::string clientName = era.clientName;
  if (!era.modern) {
    std::lock_guard lock(logLevelMutex_);
    clientName = legacyClientName_;
  }
  tasks_.spawn([tool, arguments = std::move(arguments), requestStop, reply, era, progress = std::move(progress),
                log = std::move(log), hooks = std::move(hooks), handoff, clientName = std::move(clientName),
                this]() mutable {
    // The client's cancel of the request, or tasks/cancel once a task took it over.
    std::stop_callback relayCancel(requestStop, [handoff] { handoff->stop.request_stop(); });
    ToolContext context(handoff->stop.get_token(), std::move(progress), std::move(log), std::move(hooks), clientName);
    ToolResult result;
    try {
      result = tool->handler(arguments, context);
    } catch (const std::exception& e) {
      spdlog::error("tool {} failed: {}", tool->name, e.what());
      result = ToolResult::failure("Internal error in " + tool->name + ". Please try again; if it keeps failing, "
                                   "run `nemo-video-mcp doctor`.");
    }
    json answer = toolResultJson(*tool, std::move(result));
    std::string taskId;
    {
      std::lock_guard lock(handoff->mutex);
      handoff->answered = true;
      taskId = handoff->taskId;
    }
    handoff->ended.notify_all();
    if (!taskId.empty()) {
      // A tasks/cancel that came when the work was already done (say, the MP4 downloaded): our
      // tools then answer status "completed", and the task keeps that result.
      const bool workDone = !answer.value("isError", false) && answer["structuredContent"].is_object() &&
                            answer["structuredContent"].value("status", std::string()) == "completed";
      // The task's result is the CallToolResult the call would have answered, resultType and all:
      // a 2026-07-28 client parses it as one (ext-tasks rejects it without resultType).
      taskStore_.complete(taskId, complete(std::move(answer), era), workDone);
    } else {
      reply->result(complete(std::move(answer), era));
    }
  });
  if (!taskCapable || !resumedTask.empty()) return;
  // The first window: a call done by then is answered as usual; a longer one becomes a task.
  tasks_.spawn([handoff, reply, era, name = tool->name, this] {
    std::unique_lock lock(handoff->mutex);
    if (handoff->ended.wait_for(lock, taskStore_.options().firstWindow, [&] { return handoff->answered; })) return;
    handoff->taskId = newTaskId();
    // Created before it is announced: a tasks/get for the id resolves from the first answer on.
    json created = taskStore_.create(handoff->taskId, name, handoff->stop);
    if (handoff->resumeArguments) taskStore_.setResume(handoff->taskId, *handoff->resumeArguments);
    lock.unlock();
    created = complete(std::move(created), era);
    created["resultType"] = "task";
    reply->result(std::move(created));
  });
}

void Server::handleTasks(const std::string& method, const json& params, jsonrpc::Reply& reply, const Era& era) {
  if (!era.modern || !declaresTasks(metaOf(params))) {
    replyTasksNotDeclared(reply);
    return;
  }
  auto taskId = support::textAt(params, "taskId");
  if (taskId.empty()) {
    reply.error(kInvalidParams, "Invalid params: " + method + " needs a 'taskId'");
    return;
  }
  if (method == "tasks/update" && !(params.contains("inputResponses") && params["inputResponses"].is_object())) {
    reply.error(kInvalidParams, "Invalid params: tasks/update needs 'inputResponses', an object of responses by key");
    return;
  }
  auto known = taskStore_.detailed(taskId);
  if (!known) {
    // A task of an earlier server process that saved how to take it up again: known to us, for
    // tasks/cancel (which then cancels the work) and tasks/update as much as for tasks/get.
    if (auto saved = taskStore_.saved(taskId); saved && tools_.find(saved->tool)) {
      std::stop_source stop;
      taskStore_.adopt(taskId, *saved, stop);
      runTool(tools_.find(saved->tool), saved->arguments, stop.get_token(), nullptr, era, {}, {}, true, taskId);
      known = taskStore_.detailed(taskId);
    }
  }
  if (!known) {
    reply.error(kInvalidParams, "Failed to retrieve task: task " + taskId + " is not known (or has expired)");
    return;
  }
  if (method == "tasks/get") {
    reply.result(complete(std::move(*known), era));
  } else if (method == "tasks/cancel") {
    // Acknowledged for a finished task too: cancellation is cooperative, and a finished task stays
    // as it ended ("MAY ultimately reach a terminal status other than cancelled").
    taskStore_.cancel(taskId);
    reply.result(complete(json::object(), era));
  } else {
    // No task of ours ever asks for input, so no key is ever outstanding: "A server SHOULD ignore
    // any inputResponses responses mapped to a key that is not currently outstanding for the task",
    // and "On success, the server MUST acknowledge the request with an empty result."
    reply.result(complete(json::object(), era));
  }
}

ToolResult Server::invalidArguments(const ArgumentProblem& problem) {
  json error{{"code", kInvalidParams}, {"message", problem.sentence}};
  if (!problem.field.empty()) error["field"] = problem.field;
  return ToolResult::failure(problem.sentence, json{{"error", std::move(error)}})
      .withNext("Call the tool again with the argument corrected; nothing was done.");
}

json Server::toolResultJson(const RegisteredTool& tool, ToolResult result) {
  completeStructured(result);
  // Clients check structuredContent against the outputSchema, error results included (the
  // 1.x TypeScript SDK rejects the whole result otherwise): a mismatch is our bug, said loudly.
  if (tool.outputSchema) {
    if (auto mismatch = tool.outputSchema->validate(result.structured)) {
      spdlog::error("tool {} returned structured content that does not match its outputSchema: {}", tool.name,
                    *mismatch);
    }
  }
  // Last line of defence for the token: whatever a backend echoed never reaches the client.
  redactStrings(result.structured);
  auto text = result.text.empty() ? result.structured.dump(2) : result.text;
  if (!result.next.empty() && !result.text.empty()) text += "\n\nNext: " + result.next;
  return json{{"content", json::array({json{{"type", "text"}, {"text", support::redactSecrets(text)}}})},
              {"structuredContent", std::move(result.structured)},
              {"isError", result.isError}};
}

const std::string& Server::cachedToolsList(const Era& era) {
  auto& cached = era.modern ? modernToolsList_ : legacyToolsList_;
  if (cached.empty()) {
    json result{{"tools", tools_.listing()}};
    if (era.modern) {
      result["ttlMs"] = kListTtlMs;
      result["cacheScope"] = "public";
    }
    cached = complete(std::move(result), era).dump(-1, ' ', false, json::error_handler_t::replace);
  }
  return cached;
}

json Server::promptListing() const {
  json list = json::array();
  for (const auto& prompt : prompts_) {
    json entry{{"name", prompt.name}, {"title", prompt.title}, {"description", prompt.description}};
    if (!prompt.arguments.empty()) {
      entry["arguments"] = json::array();
      for (const auto& argument : prompt.arguments) {
        entry["arguments"].push_back(
            json{{"name", argument.name}, {"description", argument.description}, {"required", argument.required}});
      }
    }
    list.push_back(std::move(entry));
  }
  return list;
}

void Server::handlePromptsGet(const json& params, jsonrpc::Reply& reply, const Era& era) {
  auto name = support::textAt(params, "name");
  json arguments = params.is_object() && params.contains("arguments") ? params["arguments"] : json::object();
  if (arguments.is_null()) arguments = json::object();
  if (!arguments.is_object()) {
    reply.error(kInvalidParams, "Invalid params: the 'arguments' of prompts/get must be an object of strings");
    return;
  }
  for (const auto& prompt : prompts_) {
    if (prompt.name != name) continue;
    for (const auto& argument : prompt.arguments) {
      bool given = arguments.contains(argument.name) && arguments[argument.name].is_string() &&
                   !arguments[argument.name].get_ref<const std::string&>().empty();
      if (argument.required && !given) {
        reply.error(kInvalidParams, "Missing argument '" + argument.name + "' of prompt " + name + ": " +
                                        argument.description);
        return;
      }
    }
    json message{{"role", "user"}, {"content", {{"type", "text"}, {"text", expandPromptText(prompt.text, arguments)}}}};
    reply.result(complete(json{{"description", prompt.description}, {"messages", json::array({message})}}, era));
    return;
  }
  reply.error(kInvalidParams, "Unknown prompt: " + (name.empty() ? std::string("(no name given)") : name));
}

std::string expandPromptText(const std::string& text, const json& arguments) {
  auto valueOf = [&](const std::string& key) -> std::string {
    if (!arguments.is_object() || !arguments.contains(key) || !arguments[key].is_string()) return {};
    return arguments[key].get<std::string>();
  };
  // Fills {name} in one stretch of the template; `complete` is false when a value is missing.
  auto fill = [&](const std::string& part, bool& complete) {
    std::string out;
    for (std::size_t i = 0; i < part.size(); ++i) {
      auto close = part[i] == '{' ? part.find('}', i) : std::string::npos;
      if (close == std::string::npos) {
        out += part[i];
        continue;
      }
      auto value = valueOf(part.substr(i + 1, close - i - 1));
      complete = complete && !value.empty();
      out += value;
      i = close;
    }
    return out;
  };
  std::string out;
  for (std::size_t i = 0; i < text.size();) {
    auto open = text.find('[', i);
    auto close = open == std::string::npos ? std::string::npos : text.find(']', open);
    bool complete = true;
    if (close == std::string::npos) {
      out += fill(text.substr(i), complete);
      break;
    }
    out += fill(text.substr(i, open - i), complete);
    bool optionalComplete = true;
    auto optional = fill(text.substr(open + 1, close - open - 1), optionalComplete);
    if (optionalComplete) out += optional;
    i = close + 1;
  }
  return out;
}

}  // namespace nemo::mcp
