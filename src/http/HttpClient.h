// A small HTTP interface over libcurl: JSON calls, bodies streamed as they arrive (SSE),
// multipart uploads read from disk, downloads written to disk; every transfer has timeouts and
// stops within a fraction of a second when its stop token is requested. Knows nothing of NemoVideo.
// Thread-safe: one client is shared by all tool calls, and reuses connections across them.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <stop_token>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace nemo::http {

struct FilePart {
  std::string field;              // e.g. "files"
  std::filesystem::path path;     // read from disk while sending, never loaded whole
  std::string filename;           // as the server should see it
  std::string contentType;
};

struct Request {
  std::string method = "GET";
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;                // sent as is when non-empty (or when method is POST)
  std::vector<FilePart> files;     // non-empty: a multipart/form-data body
  std::chrono::milliseconds connectTimeout{10'000};
  std::chrono::milliseconds totalTimeout{60'000};  // zero: no total limit (streams, big files)
  std::chrono::seconds idleTimeout{60};            // abort when no byte moves for this long
  // Streaming: when set, body bytes go here as they arrive instead of into Response::body.
  // Returning false stops the transfer.
  std::function<bool(std::string_view)> onBodyChunk;
  // Called as bytes go out (uploads) or come in (downloads): done and total (0 when unknown).
  std::function<void(std::uint64_t done, std::uint64_t total)> onProgress;
  // When set, the body is written to this new file. It must not exist: it is created exclusively
  // and never through a symlink, so a planted link cannot redirect the write.
  std::filesystem::path downloadTo;
  std::uint64_t maxBodyBytes = 64 * 1024 * 1024;  // for bodies kept in memory
  std::stop_token stop;
};

struct Response {
  long status = 0;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
};

// LocalFile: the body could not be written to downloadTo (a read-only folder, a full disk): a
// problem of this machine, not of the network.
enum class Failure { None, Cancelled, Timeout, Connect, Interrupted, Rejected, LocalFile, Other };

struct Result {
  Failure failure = Failure::None;
  std::string message;  // for a failure: what went wrong, without secrets
  Response response;
  bool ok() const { return failure == Failure::None; }
};

class HttpClient {
 public:
  virtual ~HttpClient() = default;
  virtual Result send(const Request& request) = 0;
};

std::shared_ptr<HttpClient> makeCurlHttpClient();

// True when the URL's host is a loopback address or "localhost" (plain http is allowed only there).
bool isLoopbackUrl(std::string_view url);
// The scheme and host[:port] of a URL, lower-cased ("https://api.example.com:443").
std::string originOf(std::string_view url);

}  // namespace nemo::http
