#include "jsonrpc/Connection.h"

#include <spdlog/spdlog.h>

#include "jsonrpc/LineReader.h"
#include "support/UntrustedJson.h"

namespace nemo::jsonrpc {
namespace {

std::string idKey(const json& id) { return id.dump(); }

bool isValidId(const json& id) { return id.is_string() || id.is_number_integer() || id.is_number_unsigned(); }

}  // namespace

Reply::Reply(std::shared_ptr<Connection> connection, json id) : connection_(std::move(connection)), id_(std::move(id)) {}

Reply& Reply::operator=(Reply&& other) noexcept {
  if (this != &other) {
    if (connection_ && !done_) error(kInternalError, "internal error: the request ended without a reply");
    connection_ = std::move(other.connection_);
    id_ = std::move(other.id_);
    done_ = other.done_;
    other.connection_.reset();
  }
  return *this;
}

Reply::~Reply() {
  if (connection_ && !done_) {
    spdlog::error("request {} ended without a reply", id_.dump());
    error(kInternalError, "internal error: the request ended without a reply");
  }
}

void Reply::result(json value) {
  finish(json{{"jsonrpc", "2.0"}, {"id", id_}, {"result", std::move(value)}});
}

void Reply::error(int code, std::string message, json data) {
  json error{{"code", code}, {"message", std::move(message)}};
  if (!data.is_null()) error["data"] = std::move(data);
  finish(json{{"jsonrpc", "2.0"}, {"id", id_}, {"error", std::move(error)}});
}

bool Reply::claim() {
  if (!connection_) return false;
  if (done_) {
    spdlog::error("second reply to request {} dropped", id_.dump());
    return false;
  }
  done_ = true;
  return connection_->complete(id_);  // false when the request was cancelled: nothing is sent
}

void Reply::finish(json message) {
  if (claim()) connection_->output_.send(message);
}

void Reply::serializedResult(std::string_view resultJson) {
  if (!claim()) return;
  std::string line = R"({"id":)";
  line += id_.dump();
  line += R"(,"jsonrpc":"2.0","result":)";
  line += resultJson;
  line += '}';
  connection_->output_.sendLine(line);
}

std::shared_ptr<Connection> Connection::create(int inFd, int outFd, ConnectionOptions options) {
  return std::shared_ptr<Connection>(new Connection(inFd, outFd, options));
}

Connection::Connection(int inFd, int outFd, ConnectionOptions options)
    : inFd_(inFd), options_(options), output_(outFd) {}

bool Connection::notify(const std::string& method, json params) {
  json message{{"jsonrpc", "2.0"}, {"method", method}};
  if (!params.is_null()) message["params"] = std::move(params);
  return output_.send(message);
}

bool Connection::cancel(const json& id) {
  std::lock_guard lock(mutex_);
  auto found = inFlight_.find(idKey(id));
  if (found == inFlight_.end()) return false;
  found->second.stop.request_stop();
  return true;
}

bool Connection::complete(const json& id) {
  std::lock_guard lock(mutex_);
  auto found = inFlight_.find(idKey(id));
  if (found == inFlight_.end()) return true;  // replies to rejected requests are not tracked
  bool cancelled = found->second.stop.stop_requested();
  inFlight_.erase(found);
  if (inFlight_.empty()) drained_.notify_all();
  return !cancelled;
}

void Connection::sendError(const json& id, int code, const std::string& message, json data) {
  json error{{"code", code}, {"message", message}};
  if (!data.is_null()) error["data"] = std::move(data);
  output_.send(json{{"jsonrpc", "2.0"}, {"id", id}, {"error", std::move(error)}});
}

void Connection::dispatch(Handler& handler, const std::string& line) {
  auto parsed = support::parseUntrustedJson(line);
  if (parsed.problem == support::JsonProblem::NotJson) {
    sendError(nullptr, kParseError, "Parse error: the line is not valid JSON");
    return;
  }
  json& message = parsed.value;
  if (parsed.problem == support::JsonProblem::TooDeep) {
    // Refused whole; the id is answered when it sits above the cut (it usually does).
    const json* id = message.is_object() && message.contains("id") ? &message["id"] : nullptr;
    sendError(id && isValidId(*id) ? *id : json(), kInvalidRequest,
              "Invalid Request: JSON nested deeper than " + std::to_string(support::kMaxJsonDepth) + " levels");
    return;
  }
  if (!message.is_object()) {
    // Batches were removed from MCP in 2025-06-18; an array is not a request we serve.
    sendError(nullptr, kInvalidRequest, "Invalid Request: expected one JSON-RPC object per line");
    return;
  }
  auto id = message.contains("id") ? message["id"] : json();
  bool hasId = message.contains("id");
  auto version = message.find("jsonrpc");
  if (version == message.end() || *version != "2.0") {
    sendError(hasId && isValidId(id) ? id : json(), kInvalidRequest, "Invalid Request: \"jsonrpc\" must be \"2.0\"");
    return;
  }
  auto method = message.find("method");
  if (method == message.end()) {
    // A response from the client: we send no requests of our own, so there is nothing to match.
    if (message.contains("result") || message.contains("error")) {
      spdlog::debug("ignoring a response to id {}", id.dump());
      return;
    }
    sendError(hasId && isValidId(id) ? id : json(), kInvalidRequest, "Invalid Request: no \"method\"");
    return;
  }
  if (!method->is_string()) {
    sendError(hasId && isValidId(id) ? id : json(), kInvalidRequest, "Invalid Request: \"method\" must be a string");
    return;
  }
  json params = message.contains("params") ? message["params"] : json();
  if (!params.is_null() && !params.is_object() && !params.is_array()) {
    sendError(hasId && isValidId(id) ? id : json(), kInvalidRequest, "Invalid Request: \"params\" must be an object");
    return;
  }
  if (!hasId) {
    handler.onNotification(method->get<std::string>(), params);
    return;
  }
  if (!isValidId(id)) {
    sendError(nullptr, kInvalidRequest, "Invalid Request: \"id\" must be a string or an integer");
    return;
  }
  std::stop_token stop;
  {
    std::lock_guard lock(mutex_);
    auto [slot, inserted] = inFlight_.try_emplace(idKey(id));
    if (!inserted) {
      // Answer without touching the running request's entry.
      sendError(id, kInvalidRequest, "Invalid Request: id " + id.dump() + " is already in use by a running request");
      return;
    }
    stop = slot->second.stop.get_token();
  }
  handler.onRequest(Request{id, method->get<std::string>(), std::move(params), stop},
                    Reply(shared_from_this(), id));
}

bool Connection::run(Handler& handler) {
  LineReader reader(inFd_, options_.maxLineBytes);
  std::string line;
  for (;;) {
    auto status = reader.next(line);
    if (status == LineReader::Status::EndOfInput) break;
    if (status == LineReader::Status::Oversized) {
      spdlog::warn("skipped an input line over {} bytes", options_.maxLineBytes);
      sendError(nullptr, kInvalidRequest,
                "Invalid Request: message larger than " + std::to_string(options_.maxLineBytes) + " bytes, skipped");
      continue;
    }
    try {
      dispatch(handler, line);
    } catch (const std::exception& e) {
      // A handler bug must not take the server down with it.
      spdlog::error("dispatch failed: {}", e.what());
    }
    if (output_.broken()) break;
  }
  std::unique_lock lock(mutex_);
  for (auto& [key, entry] : inFlight_) entry.stop.request_stop();
  return drained_.wait_for(lock, options_.drainTimeout, [this] { return inFlight_.empty(); });
}

}  // namespace nemo::jsonrpc
