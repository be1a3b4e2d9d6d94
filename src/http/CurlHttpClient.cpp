// libcurl behind HttpClient: one share handle keeps the connection cache (and DNS) across
// calls and threads; each transfer runs in its own multi handle so that a stop request wakes
// the poll at once instead of waiting for curl's once-a-second progress tick. libcurl itself is
// loaded on the first transfer (CurlLibrary.h).
#include <array>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <optional>

#include <fcntl.h>
#include <unistd.h>

#include <curl/curl.h>
#include <spdlog/spdlog.h>

#include "http/CurlLibrary.h"
#include "http/HttpClient.h"

namespace nemo::http {
namespace {

struct Transfer {
  const Request* request;
  Response* response;
  std::FILE* file = nullptr;
  bool tooLarge = false;
  bool callbackStopped = false;
  int writeErrno = 0;  // non-zero: writing downloadTo failed with this errno
  // The idle timeout, kept here rather than by curl's low-speed check, which measured it loosely
  // (a 3 s limit gave up after 9 s): the last time a byte moved either way.
  std::chrono::steady_clock::time_point lastActivity = std::chrono::steady_clock::now();
  curl_off_t lastDown = 0;
  curl_off_t lastUp = 0;
  bool idle = false;
};

// Opens downloadTo for writing: a new file only, never through a symlink.
std::FILE* openDownloadFile(const std::filesystem::path& path) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) return nullptr;
  std::FILE* file = ::fdopen(fd, "wb");
  if (file == nullptr) ::close(fd);
  return file;
}

size_t onWrite(char* data, size_t size, size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  auto bytes = size * count;
  std::string_view chunk(data, bytes);
  if (transfer->file != nullptr) {
    if (std::fwrite(data, 1, bytes, transfer->file) != bytes) {
      transfer->writeErrno = errno != 0 ? errno : EIO;
      return 0;
    }
    return bytes;
  }
  if (transfer->request->onBodyChunk) {
    if (!transfer->request->onBodyChunk(chunk)) {
      transfer->callbackStopped = true;
      return 0;
    }
    return bytes;
  }
  if (transfer->response->body.size() + bytes > transfer->request->maxBodyBytes) {
    transfer->tooLarge = true;
    return 0;
  }
  transfer->response->body.append(chunk);
  return bytes;
}

size_t onHeader(char* data, size_t size, size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  std::string_view line(data, size * count);
  auto colon = line.find(':');
  if (colon != std::string_view::npos) {
    std::string name(line.substr(0, colon));
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    auto value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
    while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' ')) {
      value.remove_suffix(1);
    }
    transfer->response->headers[name] = std::string(value);
  }
  return size * count;
}

int onProgress(void* user, curl_off_t downTotal, curl_off_t downNow, curl_off_t upTotal, curl_off_t upNow) {
  auto* transfer = static_cast<Transfer*>(user);
  if (transfer->request->stop.stop_requested()) return 1;
  auto now = std::chrono::steady_clock::now();
  if (downNow != transfer->lastDown || upNow != transfer->lastUp) {
    transfer->lastDown = downNow;
    transfer->lastUp = upNow;
    transfer->lastActivity = now;
  } else if (transfer->request->idleTimeout.count() > 0 && now - transfer->lastActivity >= transfer->request->idleTimeout) {
    transfer->idle = true;
    return 1;
  }
  if (transfer->request->onProgress) {
    if (!transfer->request->files.empty()) {
      transfer->request->onProgress(static_cast<std::uint64_t>(upNow), static_cast<std::uint64_t>(upTotal));
    } else {
      transfer->request->onProgress(static_cast<std::uint64_t>(downNow), static_cast<std::uint64_t>(downTotal));
    }
  }
  return 0;
}

class CurlHttpClient final : public HttpClient {
 public:
  CurlHttpClient() = default;
  ~CurlHttpClient() override {
    if (share_ != nullptr) lib_->share_cleanup(share_);
  }

  Result send(const Request& request) override;

 private:
  static void lock(CURL*, curl_lock_data data, curl_lock_access, void* user) {
    static_cast<CurlHttpClient*>(user)->locks_[static_cast<std::size_t>(data) % kLocks].lock();
  }
  static void unlock(CURL*, curl_lock_data data, void* user) {
    static_cast<CurlHttpClient*>(user)->locks_[static_cast<std::size_t>(data) % kLocks].unlock();
  }
  // Loads libcurl and makes the share handle, once; false with `error` when libcurl is missing.
  bool ready(std::string& error);

  static constexpr std::size_t kLocks = CURL_LOCK_DATA_LAST;
  std::once_flag once_;
  const CurlLibrary* lib_ = nullptr;
  CURLSH* share_ = nullptr;
  std::array<std::mutex, kLocks> locks_;
};

bool CurlHttpClient::ready(std::string& error) {
  std::call_once(once_, [this, &error] {
    lib_ = curlLibrary(error);
    if (lib_ == nullptr) return;
    share_ = lib_->share_init();
    lib_->share_setopt(share_, CURLSHOPT_LOCKFUNC, &CurlHttpClient::lock);
    lib_->share_setopt(share_, CURLSHOPT_UNLOCKFUNC, &CurlHttpClient::unlock);
    lib_->share_setopt(share_, CURLSHOPT_USERDATA, this);
    lib_->share_setopt(share_, CURLSHOPT_SHARE, CURL_LOCK_DATA_CONNECT);
    lib_->share_setopt(share_, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
    lib_->share_setopt(share_, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
  });
  if (lib_ == nullptr && error.empty()) curlLibrary(error);
  return lib_ != nullptr;
}

Result CurlHttpClient::send(const Request& request) {
  Result result;
  if (std::string error; !ready(error)) {
    result.failure = Failure::Other;
    result.message = error;
    return result;
  }
  const auto& curl = *lib_;
  if (request.stop.stop_requested()) {
    result.failure = Failure::Cancelled;
    result.message = "cancelled";
    return result;
  }
  CURL* easy = curl.easy_init();
  CURLM* multi = curl.multi_init();
  curl_slist* headers = nullptr;
  curl_mime* mime = nullptr;
  Transfer transfer{&request, &result.response};

  if (!request.downloadTo.empty()) {
    transfer.file = openDownloadFile(request.downloadTo);
    if (transfer.file == nullptr) {
      result.failure = Failure::LocalFile;
      result.message = "cannot create " + request.downloadTo.string() + ": " + std::strerror(errno);
      curl.multi_cleanup(multi);
      curl.easy_cleanup(easy);
      return result;
    }
  }

  curl.easy_setopt(easy, CURLOPT_SHARE, share_);
  curl.easy_setopt(easy, CURLOPT_URL, request.url.c_str());
  curl.easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
  curl.easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl.easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, 1L);
  curl.easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, 2L);
  curl.easy_setopt(easy, CURLOPT_ACCEPT_ENCODING, "");
  curl.easy_setopt(easy, CURLOPT_USERAGENT, "nemo-video-mcp/" NEMO_VERSION);
  curl.easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(request.connectTimeout.count()));
  if (request.totalTimeout.count() > 0) {
    curl.easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(request.totalTimeout.count()));
  }
  curl.easy_setopt(easy, CURLOPT_WRITEFUNCTION, &onWrite);
  curl.easy_setopt(easy, CURLOPT_WRITEDATA, &transfer);
  curl.easy_setopt(easy, CURLOPT_HEADERFUNCTION, &onHeader);
  curl.easy_setopt(easy, CURLOPT_HEADERDATA, &transfer);
  curl.easy_setopt(easy, CURLOPT_NOPROGRESS, 0L);
  curl.easy_setopt(easy, CURLOPT_XFERINFOFUNCTION, &onProgress);
  curl.easy_setopt(easy, CURLOPT_XFERINFODATA, &transfer);

  for (const auto& [name, value] : request.headers) {
    headers = curl.slist_append(headers, (name + ": " + value).c_str());
  }
  // libcurl would otherwise wait for "100 Continue" before a large body.
  headers = curl.slist_append(headers, "Expect:");
  curl.easy_setopt(easy, CURLOPT_HTTPHEADER, headers);

  if (!request.files.empty()) {
    mime = curl.mime_init(easy);
    for (const auto& file : request.files) {
      auto* part = curl.mime_addpart(mime);
      curl.mime_name(part, file.field.c_str());
      curl.mime_filedata(part, file.path.c_str());  // streamed from disk by libcurl
      curl.mime_filename(part, file.filename.c_str());
      if (!file.contentType.empty()) curl.mime_type(part, file.contentType.c_str());
    }
    curl.easy_setopt(easy, CURLOPT_MIMEPOST, mime);
  } else if (request.method == "POST" || !request.body.empty()) {
    curl.easy_setopt(easy, CURLOPT_POSTFIELDS, request.body.c_str());
    curl.easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
  }
  if (request.method != "POST" && (request.method != "GET" || !request.body.empty())) {
    curl.easy_setopt(easy, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }

  curl.multi_add_handle(multi, easy);
  // A stop request wakes the poll below at once. Reset before the multi handle is freed.
  std::optional<std::stop_callback<std::function<void()>>> wake;
  wake.emplace(request.stop, std::function<void()>([wakeup = curl.multi_wakeup, multi] { wakeup(multi); }));
  int running = 1;
  CURLcode code = CURLE_OK;
  bool cancelled = false;
  while (running > 0) {
    auto status = curl.multi_perform(multi, &running);
    if (status != CURLM_OK) {
      code = CURLE_FAILED_INIT;
      break;
    }
    if (request.stop.stop_requested()) {
      cancelled = true;
      break;
    }
    if (running > 0) curl.multi_poll(multi, nullptr, 0, 200, nullptr);
  }
  if (!cancelled) {
    int left = 0;
    while (auto* message = curl.multi_info_read(multi, &left)) {
      if (message->msg == CURLMSG_DONE) code = message->data.result;
    }
  }
  wake.reset();  // waits for a wake-up running on another thread; none can start after this
  curl.easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &result.response.status);
  curl.multi_remove_handle(multi, easy);

  if (transfer.idle) {
    result.failure = Failure::Timeout;
    result.message = "no data for " + std::to_string(request.idleTimeout.count()) + " s";
  } else if (cancelled || code == CURLE_ABORTED_BY_CALLBACK) {
    result.failure = Failure::Cancelled;
    result.message = "cancelled";
  } else if (transfer.callbackStopped) {
    result.failure = Failure::Cancelled;
    result.message = "stopped by the reader";
  } else if (transfer.tooLarge) {
    result.failure = Failure::Rejected;
    result.message = "the answer is larger than " + std::to_string(request.maxBodyBytes) + " bytes";
  } else if (transfer.writeErrno != 0) {
    result.failure = Failure::LocalFile;
    result.message = "cannot write " + request.downloadTo.string() + ": " + std::strerror(transfer.writeErrno);
  } else if (code == CURLE_OPERATION_TIMEDOUT) {
    result.failure = Failure::Timeout;
    result.message = "timed out";
  } else if (code == CURLE_COULDNT_CONNECT || code == CURLE_COULDNT_RESOLVE_HOST || code == CURLE_COULDNT_RESOLVE_PROXY) {
    result.failure = Failure::Connect;
    result.message = curl.easy_strerror(code);
  } else if (code == CURLE_PARTIAL_FILE || code == CURLE_RECV_ERROR || code == CURLE_GOT_NOTHING ||
             code == CURLE_SEND_ERROR) {
    result.failure = Failure::Interrupted;
    result.message = std::string("the connection was cut: ") + curl.easy_strerror(code);
  } else if (code == CURLE_UNSUPPORTED_PROTOCOL) {
    result.failure = Failure::Rejected;
    result.message = "only http and https URLs are allowed";
  } else if (code != CURLE_OK) {
    result.failure = Failure::Other;
    result.message = curl.easy_strerror(code);
  }

  // A full disk often shows only when the buffered rest is flushed.
  if (transfer.file != nullptr && std::fclose(transfer.file) != 0 && result.ok()) {
    result.failure = Failure::LocalFile;
    result.message = "cannot write " + request.downloadTo.string() + ": " + std::strerror(errno);
  }
  curl.multi_cleanup(multi);
  curl.easy_cleanup(easy);
  curl.mime_free(mime);
  curl.slist_free_all(headers);
  return result;
}

}  // namespace

std::shared_ptr<HttpClient> makeCurlHttpClient() { return std::make_shared<CurlHttpClient>(); }

}  // namespace nemo::http
