// A JSON-RPC 2.0 peer over newline-delimited streams: framing, classification of messages,
// the in-flight table (one stop source per request id) and replies that are sent exactly once.
// Knows nothing of MCP. Threads: run() is the reader thread; Reply, notify() and cancel() may be
// used from any thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <stop_token>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "jsonrpc/OutputChannel.h"

namespace nemo::jsonrpc {

using nlohmann::json;

enum ErrorCode : int {
  kParseError = -32700,
  kInvalidRequest = -32600,
  kMethodNotFound = -32601,
  kInvalidParams = -32602,
  kInternalError = -32603,
};

class Connection;

// The right to answer one request. Movable, answers at most once; dropped unanswered it sends
// an internal error (a handler that forgot to reply must not leave the client waiting). A reply
// to a request that was cancelled is not sent, as the MCP cancellation rules ask.
class Reply {
 public:
  Reply(std::shared_ptr<Connection> connection, json id);
  Reply(Reply&&) noexcept = default;
  Reply& operator=(Reply&& other) noexcept;  // an overwritten, unanswered Reply answers first
  Reply(const Reply&) = delete;
  Reply& operator=(const Reply&) = delete;
  ~Reply();

  void result(json value);
  // A result already serialized (a cached answer, e.g. a large tools/list): spliced in as is.
  void serializedResult(std::string_view resultJson);
  void error(int code, std::string message, json data = nullptr);
  const json& id() const { return id_; }

 private:
  void finish(json message);
  bool claim();  // marks the reply done; false (and logged) if it already was
  std::shared_ptr<Connection> connection_;
  json id_;
  bool done_ = false;
};

struct Request {
  json id;
  std::string method;
  json params;  // object, array or null
  std::stop_token stop;  // requested when the client cancels or the input ends
};

class Handler {
 public:
  virtual ~Handler() = default;
  // Called on the reader thread: answer quickly or hand the Reply to another thread.
  virtual void onRequest(Request request, Reply reply) = 0;
  virtual void onNotification(const std::string& method, const json& params) = 0;
};

struct ConnectionOptions {
  std::size_t maxLineBytes = 16 * 1024 * 1024;
  std::chrono::milliseconds drainTimeout{3000};
};

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  static std::shared_ptr<Connection> create(int inFd, int outFd, ConnectionOptions options = {});

  // Reads until end of input, dispatching to the handler; then cancels every running request
  // and waits for them to reply, at most drainTimeout. Returns true if all drained in time.
  bool run(Handler& handler);

  // Thread-safe. False when the output is broken.
  bool notify(const std::string& method, json params);

  // Requests cancellation of a running request. False if no such request is running.
  bool cancel(const json& id);

 private:
  friend class Reply;
  Connection(int inFd, int outFd, ConnectionOptions options);
  void dispatch(Handler& handler, const std::string& line);
  void sendError(const json& id, int code, const std::string& message, json data = nullptr);
  // Removes the request from the in-flight table; returns false if it had been cancelled.
  bool complete(const json& id);

  int inFd_;
  ConnectionOptions options_;
  OutputChannel output_;
  std::mutex mutex_;
  std::condition_variable drained_;
  struct InFlight {
    std::stop_source stop;
  };
  std::map<std::string, InFlight> inFlight_;  // key: the id serialized, so 1 and "1" differ
};

}  // namespace nemo::jsonrpc
