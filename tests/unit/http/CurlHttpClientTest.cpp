// Tests of the libcurl client against a tiny POSIX-socket HTTP server on 127.0.0.1 (port 0):
// bodies and headers, streaming, downloads, size limits, and every failure kind it reports.
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <functional>
#include <future>
#include <mutex>
#include <thread>

#include "../support/TestUtil.h"
#include "http/HttpClient.h"
#include "support/Files.h"

using namespace std::chrono_literals;
namespace http = nemo::http;

namespace {

// A listening socket on 127.0.0.1 with a kernel-chosen port.
int listenOnLoopback(int& port, bool listen = true) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  REQUIRE(fd >= 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  if (listen) REQUIRE(::listen(fd, 8) == 0);
  socklen_t length = sizeof address;
  REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0);
  port = ntohs(address.sin_port);
  return fd;
}

void sendAll(int fd, std::string_view data) {
  while (!data.empty()) {
    auto sent = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (sent <= 0) return;  // the client went away; the test's checks will say so
    data.remove_prefix(static_cast<std::size_t>(sent));
  }
}

// Serves connections one after the other on its own thread. Each request (headers and a
// Content-Length body) is recorded, then handed with its socket to the test's handler.
class TinyServer {
 public:
  using Handler = std::function<void(int fd, const std::string& request)>;

  explicit TinyServer(Handler handler) : handler_(std::move(handler)) {
    listenFd_ = listenOnLoopback(port_);
    thread_ = std::thread([this] { loop(); });
  }
  ~TinyServer() {
    stop_ = true;
    thread_.join();
    ::close(listenFd_);
  }

  std::string url(const std::string& path = "/") const { return "http://127.0.0.1:" + std::to_string(port_) + path; }
  std::vector<std::string> requests() {
    std::lock_guard lock(mutex_);
    return requests_;
  }
  bool stopping() const { return stop_; }

  // Waits until the client closes the connection (or the server stops); sends nothing.
  void stayQuiet(int fd) {
    while (!stop_) {
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, 20) > 0) {
        char byte;
        if (::recv(fd, &byte, 1, 0) <= 0) return;
      }
    }
  }

 private:
  void loop() {
    while (!stop_) {
      pollfd p{listenFd_, POLLIN, 0};
      if (::poll(&p, 1, 20) <= 0) continue;
      int client = ::accept4(listenFd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (client < 0) continue;
      std::string request;
      if (readRequest(client, request)) {
        {
          std::lock_guard lock(mutex_);
          requests_.push_back(request);
        }
        handler_(client, request);
      }
      ::close(client);
    }
  }

  bool readRequest(int fd, std::string& request) {
    std::size_t headerEnd = std::string::npos;
    std::size_t wanted = 0;
    char chunk[4096];
    while (!stop_) {
      if (headerEnd == std::string::npos) {
        headerEnd = request.find("\r\n\r\n");
        if (headerEnd != std::string::npos) {
          auto lower = request.substr(0, headerEnd);
          for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
          auto at = lower.find("content-length:");
          wanted = headerEnd + 4 + (at == std::string::npos ? 0 : std::stoul(lower.substr(at + 15)));
        }
      }
      if (headerEnd != std::string::npos && request.size() >= wanted) return true;
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, 20) <= 0) continue;
      auto got = ::recv(fd, chunk, sizeof chunk, 0);
      if (got <= 0) return false;
      request.append(chunk, static_cast<std::size_t>(got));
    }
    return false;
  }

  Handler handler_;
  int listenFd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  std::mutex mutex_;
  std::vector<std::string> requests_;
};

std::string response(const std::string& status, const std::string& headers, const std::string& body) {
  return "HTTP/1.1 " + status + "\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\nConnection: close\r\n" + headers + "\r\n" + body;
}

// One chunk of a chunked body: hex size, CRLF, data, CRLF.
std::string chunkOf(const std::string& data) {
  char size[32];
  std::snprintf(size, sizeof size, "%zx\r\n", data.size());
  return size + data + "\r\n";
}

double millisSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

TEST_CASE("a GET returns status, JSON body and lower-cased headers", "[http][curl]") {
  TinyServer server([](int fd, const std::string&) {
    sendAll(fd, response("200 OK", "Content-Type: application/json\r\nX-Request-ID: Abc-123\r\n",
                         "{\"code\":0,\"data\":{\"available\":100}}"));
  });
  auto client = http::makeCurlHttpClient();
  http::Request request;
  request.url = server.url("/api/credits/balance/simple");
  request.headers = {{"X-Skill-Source", "unit-test"}, {"Accept", "application/json"}};
  auto result = client->send(request);
  REQUIRE(result.ok());
  CHECK(result.response.status == 200);
  CHECK(result.response.body == "{\"code\":0,\"data\":{\"available\":100}}");
  CHECK(result.response.headers["content-type"] == "application/json");
  CHECK(result.response.headers["x-request-id"] == "Abc-123");  // values keep their case
  CHECK(result.response.headers.count("X-Request-ID") == 0);

  auto requests = server.requests();
  REQUIRE(requests.size() == 1);
  CHECK(requests[0].rfind("GET /api/credits/balance/simple HTTP/1.1\r\n", 0) == 0);
  CHECK(requests[0].find("X-Skill-Source: unit-test\r\n") != std::string::npos);
  CHECK(requests[0].find("Expect:") == std::string::npos);
}

TEST_CASE("a POST sends its body; an error status is an answer, not a failure", "[http][curl]") {
  TinyServer server([](int fd, const std::string&) {
    sendAll(fd, response("429 Too Many Requests", "", "{\"code\":429}"));
  });
  auto client = http::makeCurlHttpClient();
  http::Request request;
  request.method = "POST";
  request.url = server.url("/api/auth/anonymous-token");
  request.body = "{\"task_name\":\"p\"}";
  request.headers = {{"Content-Type", "application/json"}};
  auto result = client->send(request);
  REQUIRE(result.ok());
  CHECK(result.response.status == 429);
  CHECK(result.response.body == "{\"code\":429}");
  auto requests = server.requests();
  REQUIRE(requests.size() == 1);
  CHECK(requests[0].rfind("POST /api/auth/anonymous-token ", 0) == 0);
  CHECK(requests[0].substr(requests[0].size() - 17) == "{\"task_name\":\"p\"}");
}

TEST_CASE("an empty POST is still a POST", "[http][curl]") {
  TinyServer server([](int fd, const std::string&) { sendAll(fd, response("200 OK", "", "{}")); });
  auto client = http::makeCurlHttpClient();
  http::Request request;
  request.method = "POST";
  request.url = server.url("/api/auth/anonymous-token");
  REQUIRE(client->send(request).ok());
  auto requests = server.requests();
  REQUIRE(requests.size() == 1);
  CHECK(requests[0].rfind("POST ", 0) == 0);
}

TEST_CASE("other methods are sent as given", "[http][curl]") {
  TinyServer server([](int fd, const std::string&) { sendAll(fd, response("200 OK", "", "{}")); });
  auto client = http::makeCurlHttpClient();
  http::Request request;
  request.method = "DELETE";
  request.url = server.url("/api/render/1");
  request.body = "{\"why\":\"test\"}";
  REQUIRE(client->send(request).ok());
  auto requests = server.requests();
  REQUIRE(requests.size() == 1);
  CHECK(requests[0].rfind("DELETE /api/render/1 ", 0) == 0);
}

// HttpClient.h: "body: sent as is when non-empty"; the method stays the one asked for. A GET
// with a body is sent as a POST (CurlHttpClient.cpp sets POSTFIELDS, and CUSTOMREQUEST only
// for methods other than GET and POST).
TEST_CASE("a GET with a body is still sent as GET", "[http][curl]") {
  TinyServer server([](int fd, const std::string&) { sendAll(fd, response("200 OK", "", "{}")); });
  auto client = http::makeCurlHttpClient();
  http::Request request;
  request.method = "GET";
  request.url = server.url("/api/search");
  request.body = "{\"q\":1}";
  REQUIRE(client->send(request).ok());
  auto requests = server.requests();
  REQUIRE(requests.size() == 1);
  CHECK(requests[0].rfind("GET /api/search ", 0) == 0);
}

TEST_CASE("a stop request cancels a transfer the server never answers, at once", "[http][curl]") {
  TinyServer server([&](int fd, const std::string&) { server.stayQuiet(fd); });
  auto client = http::makeCurlHttpClient();
  std::stop_source stop;
  http::Request request;
  request.url = server.url("/run_sse");
  request.stop = stop.get_token();
  request.totalTimeout = 0ms;

  std::atomic<std::int64_t> stoppedAt{0};
  std::thread canceller([&] {
    std::this_thread::sleep_for(100ms);
    stoppedAt = std::chrono::steady_clock::now().time_since_epoch().count();
    stop.request_stop();
  });
  auto started = std::chrono::steady_clock::now();
  auto result = client->send(request);
  auto returnedAt = std::chrono::steady_clock::now();
  canceller.join();

  CHECK(result.failure == http::Failure::Cancelled);
  auto afterStop = std::chrono::duration<double, std::milli>(
                       returnedAt - std::chrono::steady_clock::time_point(
                                        std::chrono::steady_clock::duration(stoppedAt.load())))
                       .count();
  INFO("send() returned " << afterStop << " ms after the stop request");
  CHECK(afterStop >= 0);
  CHECK(afterStop < 200);
  CHECK(millisSince(started) >= 100);
}

TEST_CASE("a stop requested before sending sends nothing", "[http][curl]") {
  TinyServer server([](int fd, const std::string&) { sendAll(fd, response("200 OK", "", "{}")); });
  auto client = http::makeCurlHttpClient();
  std::stop_source stop;
  stop.request_stop();
  http::Request request;
  request.url = server.url();
  request.stop = stop.get_token();
  CHECK(client->send(request).failure == http::Failure::Cancelled);
  std::this_thread::sleep_for(50ms);
  CHECK(server.requests().empty());
}

TEST_CASE("a closed port is a connect failure", "[http][curl]") {
  int port = 0;
  // Bound but not listening: the port stays ours, and connections to it are refused.
  int fd = listenOnLoopback(port, false);
  auto client = http::makeCurlHttpClient();
  http::Request request;
  request.url = "http://127.0.0.1:" + std::to_string(port) + "/";
  auto started = std::chrono::steady_clock::now();
  auto result = client->send(request);
  ::close(fd);
  CHECK(result.failure == http::Failure::Connect);
  CHECK_FALSE(result.message.empty());
  CHECK(millisSince(started) < 1000);
}

TEST_CASE("a chunked body cut in the middle is an interrupted transfer", "[http][curl]") {
  TinyServer server([](int fd, const std::string&) {
    sendAll(fd, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n");
    std::this_thread::sleep_for(20ms);
    // Closing here leaves the chunked body without its last chunk.
  });
  auto client = http::makeCurlHttpClient();
  http::Request request;
  request.url = server.url("/run_sse");
  auto result = client->send(request);
  INFO(result.message);
  CHECK(result.failure == http::Failure::Interrupted);
}

TEST_CASE("a body with fewer bytes than its Content-Length is an interrupted transfer", "[http][curl]") {
  TinyServer server([](int fd, const std::string&) {
    sendAll(fd, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly a few bytes");
  });
  auto client = http::makeCurlHttpClient();
  http::Request request;
  request.url = server.url();
  auto result = client->send(request);
  INFO(result.message);
  CHECK(result.failure == http::Failure::Interrupted);
}

TEST_CASE("streamed chunks reach onBodyChunk before the transfer ends", "[http][curl]") {
  std::mutex mutex;
  std::condition_variable changed;
  bool firstSeen = false;
  bool serverSawFirstBeforeEnd = false;
  TinyServer server([&](int fd, const std::string&) {
    sendAll(fd, "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n");
    sendAll(fd, chunkOf("data: {\"n\":1}\n\n"));
    {
      // The rest waits until the client has handed the first event over.
      std::unique_lock lock(mutex);
      serverSawFirstBeforeEnd = changed.wait_for(lock, 1s, [&] { return firstSeen; });
    }
    sendAll(fd, chunkOf("data: {\"n\":2}\n\n") + "0\r\n\r\n");
  });
  auto client = http::makeCurlHttpClient();
  std::string received;
  int calls = 0;
  http::Request request;
  request.method = "POST";
  request.url = server.url("/run_sse");
  request.body = "{}";
  request.maxBodyBytes = 4;  // streaming bodies are not held in memory, so the limit does not apply
  request.onBodyChunk = [&](std::string_view chunk) {
    ++calls;
    received.append(chunk);
    std::lock_guard lock(mutex);
    firstSeen = true;
    changed.notify_all();
    return true;
  };
  auto result = client->send(request);
  REQUIRE(result.ok());
  CHECK(serverSawFirstBeforeEnd);
  CHECK(calls >= 2);
  CHECK(received == "data: {\"n\":1}\n\ndata: {\"n\":2}\n\n");
  CHECK(result.response.body.empty());
  CHECK(result.response.headers["content-type"] == "text/event-stream");
}

TEST_CASE("onBodyChunk returning false stops the transfer", "[http][curl]") {
  TinyServer server([&](int fd, const std::string&) {
    sendAll(fd, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nfirst\r\n");
    server.stayQuiet(fd);
  });
  auto client = http::makeCurlHttpClient();
  http::Request request;
  request.url = server.url();
  request.onBodyChunk = [](std::string_view) { return false; };
  auto started = std::chrono::steady_clock::now();
  auto result = client->send(request);
  CHECK(result.failure == http::Failure::Cancelled);
  CHECK(millisSince(started) < 1000);
}

TEST_CASE("downloadTo writes the body to the file", "[http][curl]") {
  std::string payload;
  for (int i = 0; i < 50000; ++i) payload += static_cast<char>('a' + i % 26);
  TinyServer server([&](int fd, const std::string&) {
    sendAll(fd, response("200 OK", "Content-Type: video/mp4\r\n", payload));
  });
  nemo::test::TempDir dir;
  auto target = dir / "video.mp4";
  std::uint64_t lastDone = 0;
  auto client = http::makeCurlHttpClient();
  http::Request request;
  request.url = server.url("/download/1.mp4");
  request.downloadTo = target;
  request.maxBodyBytes = 10;  // the limit is for bodies kept in memory, not files
  request.onProgress = [&](std::uint64_t done, std::uint64_t) { lastDone = done; };
  auto result = client->send(request);
  REQUIRE(result.ok());
  CHECK(result.response.status == 200);
  CHECK(result.response.body.empty());
  CHECK(nemo::support::readWholeFile(target) == std::optional<std::string>(payload));
  CHECK(lastDone == payload.size());
}

TEST_CASE("downloadTo never writes through a planted symlink, nor over an existing file", "[http][curl]") {
  TinyServer server([&](int fd, const std::string&) { sendAll(fd, response("200 OK", "", "overwritten")); });
  nemo::test::TempDir dir;
  auto victim = dir / "victim.txt";
  REQUIRE_FALSE(nemo::support::writeFileAtomically(victim, "precious").has_value());
  auto link = dir / ".video.part";
  std::filesystem::create_symlink(victim, link);
  auto client = http::makeCurlHttpClient();
  http::Request request;
  request.url = server.url();
  request.downloadTo = link;
  auto result = client->send(request);
  CHECK(result.failure == http::Failure::LocalFile);
  CHECK(nemo::support::readWholeFile(victim) == std::optional<std::string>("precious"));
  request.downloadTo = victim;  // an existing file is not replaced either
  CHECK(client->send(request).failure == http::Failure::LocalFile);
  CHECK(nemo::support::readWholeFile(victim) == std::optional<std::string>("precious"));
}

TEST_CASE("a folder that cannot take the file is a local failure, not a network one", "[http][curl]") {
  TinyServer server([&](int fd, const std::string&) { sendAll(fd, response("200 OK", "", "body")); });
  nemo::test::TempDir dir;
  REQUIRE_FALSE(nemo::support::writeFileAtomically(dir / "file", "x").has_value());
  auto client = http::makeCurlHttpClient();
  http::Request request;
  request.url = server.url();
  request.downloadTo = dir / "file" / "video.mp4";  // a file where the folder should be
  auto result = client->send(request);
  CHECK(result.failure == http::Failure::LocalFile);
  CHECK(result.message.find("Not a directory") != std::string::npos);
}

TEST_CASE("the idle timeout is kept to about a second", "[http][curl]") {
  TinyServer server([&](int fd, const std::string&) {
    sendAll(fd, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nfirst bytes");
    server.stayQuiet(fd);
  });
  auto client = http::makeCurlHttpClient();
  http::Request request;
  request.url = server.url();
  request.totalTimeout = 0ms;
  request.idleTimeout = 2s;
  auto started = std::chrono::steady_clock::now();
  auto result = client->send(request);
  auto took = millisSince(started);
  CHECK(result.failure == http::Failure::Timeout);
  CHECK(took >= 1900);
  CHECK(took < 4000);  // curl's own low-speed check gave up only after about three times the limit
}

TEST_CASE("a body over maxBodyBytes is rejected", "[http][curl]") {
  TinyServer server([](int fd, const std::string&) { sendAll(fd, response("200 OK", "", std::string(5000, 'b'))); });
  auto client = http::makeCurlHttpClient();
  http::Request request;
  request.url = server.url();
  request.maxBodyBytes = 1000;
  auto result = client->send(request);
  CHECK(result.failure == http::Failure::Rejected);
  CHECK(result.message.find("1000") != std::string::npos);

  request.maxBodyBytes = 5000;  // exactly the size: accepted
  auto exact = client->send(request);
  REQUIRE(exact.ok());
  CHECK(exact.response.body.size() == 5000);
}

TEST_CASE("a silent server hits the total timeout", "[http][curl]") {
  TinyServer server([&](int fd, const std::string&) { server.stayQuiet(fd); });
  auto client = http::makeCurlHttpClient();
  http::Request request;
  request.url = server.url();
  request.totalTimeout = 300ms;
  auto started = std::chrono::steady_clock::now();
  auto result = client->send(request);
  auto took = millisSince(started);
  CHECK(result.failure == http::Failure::Timeout);
  CHECK(took >= 250);
  CHECK(took < 1000);
}

TEST_CASE("only http and https URLs are fetched", "[http][curl]") {
  auto client = http::makeCurlHttpClient();
  http::Request request;
  request.url = "file:///etc/passwd";
  auto result = client->send(request);
  CHECK(result.failure == http::Failure::Rejected);
  CHECK(result.response.body.empty());
}

TEST_CASE("one client serves several threads at once", "[http][curl]") {
  TinyServer server([](int fd, const std::string&) { sendAll(fd, response("200 OK", "", "pong")); });
  auto client = http::makeCurlHttpClient();
  std::atomic<int> good{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 3; ++i) {
        http::Request request;
        request.url = server.url("/ping");
        auto result = client->send(request);
        if (result.ok() && result.response.body == "pong") ++good;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  CHECK(good == 12);
}
