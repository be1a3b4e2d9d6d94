// Tests of the JSON-RPC dispatcher over two real pipes with a scripted handler: raw bytes in,
// exact lines out (errors, replies sent exactly once, cancellation, draining at end of input).
#include "jsonrpc/Connection.h"

#include <catch2/catch.hpp>

#include <atomic>
#include <condition_variable>
#include <future>
#include <set>
#include <thread>
#include <vector>

#include "../support/TestUtil.h"

using namespace std::chrono_literals;
using nemo::jsonrpc::Connection;
using nemo::jsonrpc::ConnectionOptions;
using nemo::jsonrpc::Handler;
using nemo::jsonrpc::json;
using nemo::jsonrpc::Reply;
using nemo::jsonrpc::Request;

namespace {

// The handler's behaviour is chosen by the method name:
//   echo: answers with the params;  hold: keeps the Reply (and the Request) for the test;
//   drop: lets the Reply go unanswered;  twice: answers two times.
class ScriptedHandler final : public Handler {
 public:
  void onRequest(Request request, Reply reply) override {
    std::unique_lock lock(mutex_);
    requests_.push_back(request);
    if (request.method == "echo") {
      lock.unlock();
      reply.result(request.params);
    } else if (request.method == "hold") {
      held_.push_back(Held{std::move(request), std::move(reply)});
      changed_.notify_all();
    } else if (request.method == "twice") {
      lock.unlock();
      reply.result("first");
      reply.result("second");
    }
    // "drop" and anything else: the Reply is destroyed unanswered here.
  }
  void onNotification(const std::string& method, const json& params) override {
    std::lock_guard lock(mutex_);
    notifications_.emplace_back(method, params);
  }

  struct Held {
    Request request;
    Reply reply;
  };
  // Waits until `count` requests are held; the held entries stay valid until takeHeld().
  bool waitHeld(std::size_t count) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, 2s, [&] { return held_.size() >= count; });
  }
  std::vector<Held> takeHeld() {
    std::lock_guard lock(mutex_);
    return std::move(held_);
  }
  std::vector<Request> requests() {
    std::lock_guard lock(mutex_);
    return requests_;
  }
  std::vector<std::pair<std::string, json>> notifications() {
    std::lock_guard lock(mutex_);
    return notifications_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<Request> requests_;
  std::vector<Held> held_;
  std::vector<std::pair<std::string, json>> notifications_;
};

// A connection running on its own thread between two pipes.
struct Harness {
  nemo::test::Pipe in;   // test writes, connection reads
  nemo::test::Pipe out;  // connection writes, test reads
  nemo::test::LineCollector lines{out.readFd()};
  ScriptedHandler handler;
  std::shared_ptr<Connection> connection;
  std::future<bool> finished;

  explicit Harness(ConnectionOptions options = {}) {
    connection = Connection::create(in.readFd(), out.writeFd(), options);
    finished = std::async(std::launch::async, [this] { return connection->run(handler); });
  }
  ~Harness() {
    in.closeWrite();
    if (finished.valid()) finished.wait();
  }
  void send(const std::string& raw) { in.write(raw); }
  std::string nextLine() {
    auto line = lines.next();
    REQUIRE(line.has_value());
    return *line;
  }
  json nextJson() {
    auto line = nextLine();
    auto parsed = json::parse(line, nullptr, false);
    REQUIRE_FALSE(parsed.is_discarded());
    return parsed;
  }
  // Ends the input and returns run()'s answer.
  bool endInput() {
    in.closeWrite();
    REQUIRE(finished.wait_for(3s) == std::future_status::ready);
    return finished.get();
  }
};

json errorReply(const json& id, int code) {
  return json{{"jsonrpc", "2.0"}, {"id", id}, {"error", {{"code", code}}}};
}

// The reply without its error message (which is prose, not contract).
json withoutMessage(json reply) {
  if (reply.contains("error")) reply["error"].erase("message");
  return reply;
}

}  // namespace

TEST_CASE("invalid JSON gives a parse error with a null id", "[jsonrpc][connection]") {
  Harness h;
  h.send("{\"jsonrpc\":\"2.0\",\"id\":1,\n");
  auto reply = h.nextJson();
  CHECK(withoutMessage(reply) == errorReply(nullptr, -32700));
  CHECK(reply["error"]["message"].is_string());
  CHECK(h.handler.requests().empty());
}

TEST_CASE("a JSON value that is not an object is an invalid request", "[jsonrpc][connection]") {
  Harness h;
  h.send("[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"echo\"}]\n");
  CHECK(withoutMessage(h.nextJson()) == errorReply(nullptr, -32600));
  h.send("42\n");
  CHECK(withoutMessage(h.nextJson()) == errorReply(nullptr, -32600));
  CHECK(h.handler.requests().empty());
}

TEST_CASE("a message without jsonrpc 2.0 or with a bad method is an invalid request with its id",
          "[jsonrpc][connection]") {
  Harness h;
  h.send("{\"id\":3,\"method\":\"echo\"}\n");
  CHECK(withoutMessage(h.nextJson()) == errorReply(3, -32600));
  h.send("{\"jsonrpc\":\"2.0\",\"id\":\"x\",\"method\":17}\n");
  CHECK(withoutMessage(h.nextJson()) == errorReply("x", -32600));
  h.send("{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"echo\",\"params\":\"str\"}\n");
  CHECK(withoutMessage(h.nextJson()) == errorReply(4, -32600));
  CHECK(h.handler.requests().empty());
}

TEST_CASE("a request reaches the handler and its reply goes out as one exact line", "[jsonrpc][connection]") {
  Harness h;
  h.send("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"echo\",\"params\":{\"x\":[1,\"two\"]}}\n");
  CHECK(h.nextLine() == R"({"id":7,"jsonrpc":"2.0","result":{"x":[1,"two"]}})");
  auto requests = h.handler.requests();
  REQUIRE(requests.size() == 1);
  CHECK(requests[0].id == 7);
  CHECK(requests[0].method == "echo");
  CHECK(requests[0].params == json{{"x", {1, "two"}}});
  CHECK_FALSE(requests[0].stop.stop_requested());

  // A string id comes back as the same string.
  h.send("{\"jsonrpc\":\"2.0\",\"id\":\"abc\",\"method\":\"echo\"}\n");
  CHECK(h.nextLine() == R"({"id":"abc","jsonrpc":"2.0","result":null})");
}

TEST_CASE("a notification reaches onNotification and nothing is sent back", "[jsonrpc][connection]") {
  Harness h;
  h.send("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\",\"params\":{\"k\":1}}\n");
  h.send("{\"jsonrpc\":\"2.0\",\"method\":\"bare\"}\n");
  // The next line out is the answer to the next request: the notifications produced none.
  h.send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"echo\"}\n");
  CHECK(h.nextJson()["id"] == 1);
  auto notes = h.handler.notifications();
  REQUIRE(notes.size() == 2);
  CHECK(notes[0].first == "notifications/initialized");
  CHECK(notes[0].second == json{{"k", 1}});
  CHECK(notes[1].first == "bare");
  CHECK(notes[1].second.is_null());
  CHECK(h.handler.requests().size() == 1);
}

TEST_CASE("a response from the client is ignored", "[jsonrpc][connection]") {
  Harness h;
  h.send("{\"jsonrpc\":\"2.0\",\"id\":99,\"result\":{}}\n");
  h.send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"echo\"}\n");
  CHECK(h.nextJson()["id"] == 1);
}

TEST_CASE("a Reply dropped without an answer sends an internal error", "[jsonrpc][connection]") {
  Harness h;
  h.send("{\"jsonrpc\":\"2.0\",\"id\":11,\"method\":\"drop\"}\n");
  CHECK(withoutMessage(h.nextJson()) == errorReply(11, -32603));
}

TEST_CASE("a second reply to the same request is dropped", "[jsonrpc][connection]") {
  Harness h;
  h.send("{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"twice\"}\n");
  h.send("{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"echo\"}\n");
  CHECK(h.nextLine() == R"({"id":5,"jsonrpc":"2.0","result":"first"})");
  CHECK(h.nextJson()["id"] == 6);
  CHECK(h.endInput());
  CHECK(h.lines.drain(100ms).empty());
}

TEST_CASE("an id already in use by a held request is refused; the first still answers once",
          "[jsonrpc][connection]") {
  Harness h;
  h.send("{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"hold\"}\n");
  REQUIRE(h.handler.waitHeld(1));
  h.send("{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"echo\"}\n");
  CHECK(withoutMessage(h.nextJson()) == errorReply(5, -32600));
  // 5 and "5" are different ids.
  h.send("{\"jsonrpc\":\"2.0\",\"id\":\"5\",\"method\":\"echo\"}\n");
  CHECK(h.nextJson()["id"] == "5");

  auto held = h.handler.takeHeld();
  REQUIRE(held.size() == 1);
  held[0].reply.result("done");
  CHECK(h.nextLine() == R"({"id":5,"jsonrpc":"2.0","result":"done"})");
  // Once answered, the id may be used again.
  h.send("{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"echo\"}\n");
  CHECK(h.nextLine() == R"({"id":5,"jsonrpc":"2.0","result":null})");
}

TEST_CASE("cancel() stops a running request and its later reply is not sent", "[jsonrpc][connection]") {
  Harness h;
  h.send("{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"hold\"}\n");
  REQUIRE(h.handler.waitHeld(1));
  CHECK_FALSE(h.connection->cancel(json(10)));
  CHECK_FALSE(h.connection->cancel(json("9")));
  CHECK(h.connection->cancel(json(9)));

  auto held = h.handler.takeHeld();
  REQUIRE(held.size() == 1);
  CHECK(held[0].request.stop.stop_requested());
  held[0].reply.result("too late");

  h.send("{\"jsonrpc\":\"2.0\",\"id\":10,\"method\":\"echo\"}\n");
  CHECK(h.nextJson()["id"] == 10);  // not the cancelled 9
  CHECK(h.endInput());
  CHECK(h.lines.drain(100ms).empty());
}

TEST_CASE("a cancelled request dropped unanswered sends nothing either", "[jsonrpc][connection]") {
  Harness h;
  h.send("{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"hold\"}\n");
  REQUIRE(h.handler.waitHeld(1));
  CHECK(h.connection->cancel(json(9)));
  h.handler.takeHeld();  // destroyed here, unanswered
  h.send("{\"jsonrpc\":\"2.0\",\"id\":10,\"method\":\"echo\"}\n");
  CHECK(h.nextJson()["id"] == 10);
}

// Reply's defaulted move assignment overwrites an unanswered Reply without answering it: the
// request then never gets a reply and blocks its id and the drain (Connection.h, class Reply).
TEST_CASE("a Reply overwritten by move assignment still answers its request",
          "[jsonrpc][connection]") {
  Harness h(ConnectionOptions{1024 * 1024, 100ms});
  h.send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"hold\"}\n");
  h.send("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"hold\"}\n");
  REQUIRE(h.handler.waitHeld(2));
  auto held = h.handler.takeHeld();
  held[0].reply = std::move(held[1].reply);  // the Reply for id 1 is overwritten unanswered
  auto line = h.lines.next(300ms);
  REQUIRE(line.has_value());
  CHECK(withoutMessage(json::parse(*line)) == errorReply(1, -32603));
}

TEST_CASE("at end of input running requests are stopped; run() is false when one outlives the drain",
          "[jsonrpc][connection]") {
  Harness h(ConnectionOptions{1024 * 1024, 100ms});
  h.send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"hold\"}\n");
  REQUIRE(h.handler.waitHeld(1));
  auto started = std::chrono::steady_clock::now();
  CHECK_FALSE(h.endInput());
  auto waited = std::chrono::steady_clock::now() - started;
  CHECK(waited >= 100ms);
  CHECK(waited < 1s);
  auto held = h.handler.takeHeld();
  REQUIRE(held.size() == 1);
  CHECK(held[0].request.stop.stop_requested());
  held[0].reply.result("late");  // cancelled by the end of input: not sent
  CHECK(h.lines.drain(100ms).empty());
}

TEST_CASE("at end of input run() is true when running requests answer within the drain",
          "[jsonrpc][connection]") {
  Harness h(ConnectionOptions{1024 * 1024, 2000ms});
  h.send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"hold\"}\n");
  REQUIRE(h.handler.waitHeld(1));
  auto held = h.handler.takeHeld();
  REQUIRE(held.size() == 1);
  // A worker that answers as soon as it is told to stop, as tool calls do.
  std::promise<void> stopped;
  std::stop_callback onStop(held[0].request.stop, [&] { stopped.set_value(); });
  std::thread worker([&, reply = std::move(held[0].reply)]() mutable {
    stopped.get_future().wait();
    reply.result("stopped");
  });
  CHECK(h.endInput());
  worker.join();
}

TEST_CASE("at end of input with nothing running run() is true at once", "[jsonrpc][connection]") {
  Harness h(ConnectionOptions{1024 * 1024, 2000ms});
  h.send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"echo\"}\n");
  CHECK(h.nextJson()["id"] == 1);
  auto started = std::chrono::steady_clock::now();
  CHECK(h.endInput());
  CHECK(std::chrono::steady_clock::now() - started < 500ms);
}

TEST_CASE("an oversized message is refused and the next one is served", "[jsonrpc][connection]") {
  Harness h(ConnectionOptions{64, 1000ms});
  h.send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"echo\",\"params\":{\"pad\":\"" + std::string(200, 'p') +
         "\"}}\n");
  h.send("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"echo\"}\n");
  CHECK(withoutMessage(h.nextJson()) == errorReply(nullptr, -32600));
  CHECK(h.nextJson()["id"] == 2);
  CHECK(h.handler.requests().size() == 1);
}

TEST_CASE("notifications from 8 threads never interleave", "[jsonrpc][connection]") {
  Harness h;
  constexpr int kThreads = 8;
  constexpr int kEach = 100;
  const std::string pad(3000, 'q');  // lines near the pipe's atomic write size
  std::atomic<int> failedSends{0};  // Catch assertions are not thread-safe: count, check later
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        if (!h.connection->notify("notifications/message", json{{"thread", t}, {"seq", i}, {"pad", pad}})) {
          ++failedSends;
        }
      }
    });
  }
  std::vector<int> nextSeq(kThreads, 0);
  int parsed = 0;
  for (int n = 0; n < kThreads * kEach; ++n) {
    auto line = h.lines.next();
    REQUIRE(line.has_value());
    auto message = json::parse(*line, nullptr, false);
    REQUIRE_FALSE(message.is_discarded());
    REQUIRE(message["method"] == "notifications/message");
    auto t = message["params"]["thread"].get<int>();
    CHECK(message["params"]["seq"].get<int>() == nextSeq[t]++);  // each thread's order is kept
    CHECK(message["params"]["pad"] == pad);
    ++parsed;
  }
  for (auto& thread : threads) thread.join();
  CHECK(parsed == kThreads * kEach);
  CHECK(failedSends == 0);
  CHECK(h.lines.pending().empty());
}
