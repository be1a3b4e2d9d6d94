// The fake NemoVideo cloud: sessions, tokens, renders, configuration and the request log behind
// one mutex, and the routes of the API host and of the CDN host that serves render outputs.
#include "FakeCloud.h"

#include "Fixtures.h"
#include "SseTurn.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>
#include <optional>

namespace nemo::testbackend {

using nlohmann::json;
using httplib::Request;
using httplib::Response;

namespace {

constexpr std::size_t kLoggedBodyMax = 64 * 1024;

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

bool verbose() {
  static const bool on = [] {
    const char* v = std::getenv("NEMO_BACKEND_VERBOSE");
    return v != nullptr && *v != '\0' && std::string(v) != "0";
  }();
  return on;
}

void sendJson(Response& res, int http, const json& body) {
  res.status = http;
  res.set_content(body.dump(-1, ' ', false, json::error_handler_t::replace), "application/json");
}

// The message the real service would give for a code, so an injected failure needs no text.
std::string defaultMessage(int code) {
  switch (code) {
    case 1001: return "token invalid or expired";
    case 1002: return "session not found";
    case 2001: return "insufficient credits";
    case 4001: return "unsupported file type";
    case 4002: return "file too large";
    case 400: return "bad request";
    case 402: return "export requires a paid plan";
    case 404: return "not found";
    case 409: return "conflict";
    case 429: return "too many requests, slow down";
    case 500: return "internal server error";
    default: return "error " + std::to_string(code);
  }
}

std::optional<json> parseJson(const std::string& body) {
  try {
    return json::parse(body);
  } catch (const json::exception&) {
    return std::nullopt;
  }
}

std::string bearer(const Request& req) {
  const std::string auth = req.get_header_value("Authorization");
  const std::string prefix = "Bearer ";
  if (auth.size() <= prefix.size() || auth.compare(0, prefix.size(), prefix) != 0) return {};
  return auth.substr(prefix.size());
}

// At most `bytes` bytes, never ending inside a UTF-8 sequence.
std::string truncateUtf8(const std::string& s, std::size_t bytes) {
  if (s.size() <= bytes) return s;
  while (bytes > 0 && (static_cast<unsigned char>(s[bytes]) & 0xC0) == 0x80) --bytes;
  return s.substr(0, bytes);
}

long long nowMs() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Setup, configuration

FakeCloud::FakeCloud() : rng_(std::random_device{}()) { resetLocked(); }

json FakeCloud::defaultConfig() const {
  return json{{"sse_shape", "adk"},
              {"sse_delay_ms", 0},
              {"sse_edit", "auto"},
              {"sse_default_turn", nullptr},
              {"render_shape", "a"},
              {"render_steps", {"pending", "queued", "processing", "rendering", "completed"}},
              {"render_fail_reason", nullptr},
              {"output_fail", false},
              {"output_size", 65536},
              {"static_token", nullptr},
              {"auth_fail_http", 401},
              {"tokens_per_client", 1},
              {"upload_max_bytes", 0},
              {"upload_shape", "files"},
              {"credits", {{"available", 100}, {"frozen", 0}, {"total", 100}}},
              {"delay_ms", json::object()}};
}

void FakeCloud::resetLocked() {
  log_ = json::array();
  config_ = defaultConfig();
  fail_.clear();
  sseTurns_.clear();
  draftForAll_ = nullptr;
  sessions_.clear();
  renders_.clear();
  tokens_.clear();
  tokensPerClient_.clear();
}

void FakeCloud::applyConfig(const json& patch) {
  // Keys that name state to set in a session; the session comes from "session_id" or is every one.
  const bool forSession = patch.contains("session_id") && patch["session_id"].is_string();
  for (const auto& [key, val] : patch.items()) {
    if (key == "fail") {
      if (!val.is_object()) throw std::runtime_error("fail must be an object");
      for (const auto& [endpoint, rule] : val.items()) {
        if (rule.is_null() || (rule.is_object() && rule.value("times", 1) == 0)) {
          fail_.erase(endpoint);
          continue;
        }
        if (!rule.is_object()) throw std::runtime_error("fail." + endpoint + " must be an object");
        FailRule r;
        r.http = rule.value("http", 200);
        r.code = rule.value("code", r.http == 200 ? 500 : r.http);
        r.message = rule.value("message", defaultMessage(r.code));
        r.remaining = rule.value("times", 1);
        r.rawBody = rule.value("raw_body", std::string());
        fail_[endpoint] = r;
      }
    } else if (key == "sse_script") {
      if (!val.is_array()) throw std::runtime_error("sse_script must be an array");
      if (val.empty()) {
        sseTurns_.clear();
      } else if (val[0].is_array()) {
        for (const auto& turn : val) sseTurns_.push_back(turn);
      } else {
        sseTurns_.push_back(val);
      }
    } else if (key == "draft" || key == "video_infos" || key == "generated_media") {
      if (forSession) {
        auto it = sessions_.find(patch["session_id"].get<std::string>());
        if (it == sessions_.end()) throw std::runtime_error("no such session for " + key);
        Session& s = it->second;
        (key == "draft" ? s.draft : key == "video_infos" ? s.videoInfos : s.generatedMedia) = val;
      } else {
        for (auto& [id, s] : sessions_)
          (key == "draft" ? s.draft : key == "video_infos" ? s.videoInfos : s.generatedMedia) = val;
        if (key == "draft") draftForAll_ = val;
      }
    } else if (key == "session_id") {
      continue;
    } else if (key == "revoke_tokens") {
      if (val == true)
        for (auto& [token, t] : tokens_) t.revoked = true;
    } else if (key == "delay_ms") {
      if (!val.is_object()) throw std::runtime_error("delay_ms must be an object");
      config_["delay_ms"].merge_patch(val);
    } else if (val.is_null()) {
      const json defaults = defaultConfig();
      config_[key] = defaults.contains(key) ? defaults[key] : json();
    } else {
      config_[key] = val;
    }
  }
}

std::string FakeCloud::randomHex(std::size_t chars) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  while (out.size() < chars) {
    std::uint64_t v = rng_();
    for (int i = 0; i < 16 && out.size() < chars; ++i, v >>= 4) out.push_back(digits[v & 15]);
  }
  return out;
}

void FakeCloud::shutdown() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
}

bool FakeCloud::sleepFor(int ms) {
  if (ms <= 0) return true;
  std::unique_lock lock(mu_);
  return !wake_.wait_for(lock, std::chrono::milliseconds(ms), [this] { return stopping_; });
}

void FakeCloud::delay(const std::string& endpoint) {
  int ms = 0;
  {
    std::lock_guard lock(mu_);
    const json& d = config_["delay_ms"];
    if (d.contains(endpoint) && d[endpoint].is_number()) ms = d[endpoint].get<int>();
  }
  sleepFor(ms);
}

// ---------------------------------------------------------------------------------------------
// Request log

std::uint64_t FakeCloud::record(const char* host, const Request& req, std::uint64_t bodySize,
                                const json& files) {
  json headers = json::object();
  for (const auto& [name, value] : req.headers) {
    // httplib files the peer's address under pseudo headers; they never crossed the wire.
    if (name == "REMOTE_ADDR" || name == "REMOTE_PORT" || name == "LOCAL_ADDR" ||
        name == "LOCAL_PORT")
      continue;
    const std::string key = lower(name);
    if (headers.contains(key))
      headers[key] = headers[key].get<std::string>() + ", " + value;
    else
      headers[key] = value;
  }
  json query = json::object();
  for (const auto& [k, v] : req.params) query[k] = v;
  const std::string contentType = req.get_header_value("Content-Type");
  json entry{{"host", host},
             {"method", req.method},
             {"path", req.path},
             {"query", query},
             {"headers", headers},
             {"body_size", bodySize},
             {"content_type", contentType},
             {"files", files},
             {"time_ms", nowMs()}};
  if (!req.body.empty() && req.body.size() < kLoggedBodyMax &&
      lower(contentType).find("json") != std::string::npos) {
    if (auto body = parseJson(req.body)) entry["body"] = std::move(*body);
  }
  if (verbose()) std::cerr << "nemo-test-backend: " << host << ' ' << req.method << ' ' << req.path << '\n';
  std::lock_guard lock(mu_);
  const std::uint64_t id = nextLogId_++;
  entry["id"] = id;
  log_.push_back(std::move(entry));
  return id;
}

void FakeCloud::finish(std::uint64_t id, int status) {
  std::lock_guard lock(mu_);
  // Search from the back: the entry is recent, and a reset may have dropped it meanwhile.
  for (auto it = log_.rbegin(); it != log_.rend(); ++it) {
    if ((*it)["id"] == id) {
      (*it)["status"] = status;
      return;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// The common gate of API endpoints

namespace {
void sendError(Response& res, bool render, int http, int code, const std::string& message) {
  if (render)
    sendJson(res, http, {{"success", false}, {"code", code}, {"error", message}});
  else
    sendJson(res, http, {{"code", code}, {"message", message}, {"data", nullptr}});
}
}  // namespace

FakeCloud::Handler FakeCloud::gated(const std::string& endpoint, Family family, Handler handler) {
  return [this, endpoint, family, handler](const Request& req, Response& res) {
    json files = json::array();
    for (const auto& [field, f] : req.files)
      files.push_back({{"field", field}, {"filename", f.filename}, {"size", f.content.size()}});
    const auto id = record("api", req, req.body.size(), files);
    delay(endpoint);
    if (gate(endpoint, family, req, res)) handler(req, res);
    finish(id, res.status);
  };
}

bool FakeCloud::gate(const std::string& endpoint, Family family, const Request& req,
                     Response& res) {
  const bool render = family == Family::Render;
  // The real service refuses export without attribution (HTTP 402); here every endpoint does,
  // so a test catches a request path that forgot the headers.
  std::string missing;
  for (const char* h : {"X-Skill-Source", "X-Skill-Version", "X-Skill-Platform"})
    if (req.get_header_value(h).empty()) missing += (missing.empty() ? "" : ", ") + std::string(h);
  if (!missing.empty()) {
    sendError(res, render, 402, 402, "skill attribution missing (" + missing + ")");
    return false;
  }
  std::lock_guard lock(mu_);
  if (endpoint != "anonymous_token") {
    const std::string token = bearer(req);
    auto it = tokens_.find(token);
    const bool issued = it != tokens_.end() && !it->second.revoked;
    const json& st = config_["static_token"];
    const bool isStatic = st.is_string() && !token.empty() && token == st.get<std::string>();
    if (!issued && !isStatic) {
      sendError(res, render, config_.value("auth_fail_http", 401), 1001,
                token.empty() ? "missing bearer token" : "token invalid or expired");
      return false;
    }
  }
  auto rule = fail_.find(endpoint);
  if (rule != fail_.end()) {
    FailRule r = rule->second;
    if (r.remaining > 0 && --rule->second.remaining == 0) fail_.erase(rule);
    if (!r.rawBody.empty()) {
      res.status = r.http;
      res.set_content(r.rawBody, "text/html");
    } else {
      sendError(res, render, r.http, r.code, r.message);
    }
    return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Endpoints

void FakeCloud::anonymousToken(const Request& req, Response& res) {
  const std::string clientId = req.get_header_value("X-Client-Id");
  if (clientId.empty()) return sendError(res, false, 400, 400, "missing X-Client-Id header");
  std::lock_guard lock(mu_);
  const int limit = config_.value("tokens_per_client", 1);
  int& issued = tokensPerClient_[clientId];
  if (limit > 0 && issued >= limit)
    return sendError(res, false, 429, 429,
                     "rate limited: one token per client id per 7 days");
  ++issued;
  std::string userId;
  for (const auto& [t, info] : tokens_)
    if (info.clientId == clientId) userId = info.userId;
  if (userId.empty()) userId = "anon_" + randomHex(12);
  const std::string token = "nmv_" + randomHex(40);
  tokens_[token] = Token{clientId, userId, false};
  const json& credits = config_["credits"];
  const json available = credits.is_object() ? json(credits.value("available", 100)) : credits;
  sendJson(res, 200,
           {{"code", 0},
            {"message", "ok"},
            {"data",
             {{"token", token},
              {"user_id", userId},
              {"expires_at", isoTime(7LL * 24 * 3600)},
              {"credits", available}}}});
}

void FakeCloud::createSession(const Request& req, Response& res) {
  auto body = parseJson(req.body);
  if (!body || !body->is_object() || !(*body)["task_name"].is_string() ||
      !(*body)["language"].is_string())
    return sendError(res, false, 400, 400,
                     "body must be {\"task_name\": string, \"language\": string}");
  std::lock_guard lock(mu_);
  Session s;
  s.id = "sess_" + randomHex(16);
  s.taskId = "task_" + randomHex(16);
  auto tok = tokens_.find(bearer(req));
  s.userId = tok != tokens_.end() ? tok->second.userId : "user_static";
  s.language = (*body)["language"];
  if (!draftForAll_.is_null()) s.draft = draftForAll_;
  json data{{"session_id", s.id}, {"task_id", s.taskId}, {"user_id", s.userId}};
  sessions_[s.id] = std::move(s);
  sendJson(res, 200, {{"code", 0}, {"message", "ok"}, {"data", data}});
}

void FakeCloud::applyEditLocked(Session& s, const json& edit, const std::string& message) {
  auto tracks = [&]() -> json& {
    if (!s.draft.is_object()) s.draft = json::object();
    if (!s.draft.contains("t") || !s.draft["t"].is_array()) s.draft["t"] = json::array();
    return s.draft["t"];
  };
  auto generate = [&] {
    s.draft = defaultDraft(cdnPort_);
    s.generatedMedia.push_back(
        {{"type", "video"},
         {"url", "http://127.0.0.1:" + std::to_string(cdnPort_) + "/media/generated_" +
                     std::to_string(s.generatedMedia.size() + 1) + ".mp4"},
         {"duration", 10.0},
         {"prompt", message}});
  };
  if (edit.is_string()) {
    const std::string e = edit;
    if (e == "default") {
      generate();
    } else if (e == "auto") {
      // A first turn generates the seeds' timeline; later turns add what was asked as a title.
      bool empty = true;
      if (s.draft.is_object() && s.draft.contains("t") && s.draft["t"].is_array())
        for (const auto& t : s.draft["t"])
          if (t.contains("sg") && t["sg"].is_array() && !t["sg"].empty()) empty = false;
      if (empty)
        generate();
      else
        tracks().push_back(textTrack(truncateUtf8(message, 60), static_cast<int>(tracks().size()) + 1));
    }
    return;
  }
  if (!edit.is_object()) return;
  if (edit.value("clear", false)) s.draft = json::object();
  if (edit.contains("draft")) s.draft = edit["draft"];
  if (edit.contains("add_text") && edit["add_text"].is_string())
    tracks().push_back(textTrack(edit["add_text"], static_cast<int>(tracks().size()) + 1));
  if (edit.contains("add_bgm") && edit["add_bgm"].is_string()) {
    const std::string n = std::to_string(tracks().size() + 1);
    tracks().push_back({{"id", "trk_bgm_" + n},
                        {"tt", 1},
                        {"m", {{"name", edit["add_bgm"]}}},
                        {"sg", json::array({{{"id", "seg_bgm_" + n},
                                             {"st", 0},
                                             {"d", 10000},
                                             {"m", {{"name", edit["add_bgm"]}, {"volume", 0.5}}}}})}});
  }
}

void FakeCloud::runSse(const Request& req, Response& res) {
  auto body = parseJson(req.body);
  const char* shapeError =
      "body must be {\"app_name\":\"nemo_agent\",\"user_id\":string,\"session_id\":string,"
      "\"new_message\":{\"parts\":[{\"text\":string}]}}";
  if (!body || !body->is_object() || body->value("app_name", "") != "nemo_agent" ||
      !(*body)["user_id"].is_string() || !(*body)["session_id"].is_string())
    return sendError(res, false, 400, 400, shapeError);
  const json& parts = (*body)["new_message"]["parts"];
  if (!parts.is_array() || parts.empty() || !parts[0].is_object() || !parts[0]["text"].is_string())
    return sendError(res, false, 400, 400, shapeError);
  const std::string sessionId = (*body)["session_id"];
  const std::string message = parts[0]["text"];

  SseTurnInput input;
  {
    std::lock_guard lock(mu_);
    auto it = sessions_.find(sessionId);
    if (it == sessions_.end()) return sendError(res, false, 200, 1002, defaultMessage(1002));
    ++it->second.turns;
    if (!sseTurns_.empty()) {
      input.steps = sseTurns_.front();
      sseTurns_.pop_front();
    } else if (config_["sse_default_turn"].is_array()) {
      input.steps = config_["sse_default_turn"];
    } else {
      input.steps = json::array({{{"text", "Sure \u2014 I added a title \"" + message + "\""},
                                  {"chunks", 3}}});
    }
    input.shape = config_.value("sse_shape", "adk");
    input.stepDelayMs = config_.value("sse_delay_ms", 0);
    const json& edit = config_["sse_edit"];
    if (!edit.is_null() && edit != false && edit != "none") input.turnEdit = edit;
    input.invocationId = "e-" + randomHex(32);
  }

  struct Stream {
    std::vector<SseAction> actions;
    std::size_t next = 0;
    std::string sessionId, message;
  };
  auto stream = std::make_shared<Stream>(Stream{buildSseTurn(input), 0, sessionId, message});
  res.status = 200;
  res.set_header("Cache-Control", "no-cache");
  res.set_header("X-Accel-Buffering", "no");
  // The turn ends when the connection closes; the client must not wait for a marker.
  res.set_header("Connection", "close");
  res.set_chunked_content_provider(
      "text/event-stream", [this, stream](std::size_t, httplib::DataSink& sink) {
        while (stream->next < stream->actions.size()) {
          const SseAction& a = stream->actions[stream->next++];
          switch (a.kind) {
            case SseAction::Kind::Write:
              // One write per call, so every event leaves as its own chunk right away.
              return sink.write(a.bytes.data(), a.bytes.size());
            case SseAction::Kind::Sleep:
              if (!sleepFor(a.ms)) return false;
              break;
            case SseAction::Kind::Edit: {
              std::lock_guard lock(mu_);
              auto it = sessions_.find(stream->sessionId);
              if (it != sessions_.end()) applyEditLocked(it->second, a.edit, stream->message);
              break;
            }
            case SseAction::Kind::Cut:
              // Returning false makes httplib drop the connection without the final chunk.
              return false;
          }
        }
        sink.done();
        return true;
      });
}

void FakeCloud::upload(const Request& req, Response& res, const httplib::ContentReader& reader) {
  struct Part {
    std::string field, filename;
    std::uint64_t size = 0;
    std::uint64_t hash = kFnvBasis;
  };
  std::vector<Part> parts;
  std::uint64_t total = 0;
  std::string raw;
  // Stream the body: a 300 MB upload is counted and hashed, never held in memory.
  if (req.is_multipart_form_data()) {
    reader(
        [&](const httplib::MultipartFormData& f) {
          parts.push_back({f.name, f.filename, 0, kFnvBasis});
          return true;
        },
        [&](const char* data, std::size_t n) {
          total += n;
          if (!parts.empty()) {
            parts.back().size += n;
            parts.back().hash = fnv1a(parts.back().hash, data, n);
          }
          return true;
        });
  } else {
    reader([&](const char* data, std::size_t n) {
      total += n;
      if (raw.size() < (1u << 20)) raw.append(data, n);
      return true;
    });
  }
  const std::string length = req.get_header_value("Content-Length");
  const std::uint64_t bodySize = length.empty() ? total : std::stoull(length);

  json files = json::array();
  for (const auto& p : parts)
    files.push_back({{"field", p.field}, {"filename", p.filename}, {"size", p.size}});
  Request logged = req;  // the log parses a JSON body from req.body
  logged.body = raw;
  const auto id = record("api", logged, bodySize, files);
  delay("upload");
  if (!gate("upload", Family::Nemo, req, res)) return finish(id, res.status);

  // What to register: (filename, size, hash) per file or per URL.
  std::vector<UploadItem> items;
  if (req.is_multipart_form_data()) {
    for (const auto& p : parts)
      if (p.field == "files" && !p.filename.empty()) items.push_back({p.filename, p.size, p.hash});
    if (items.empty()) {
      sendError(res, false, 400, 400, "multipart body has no \"files\" field with a filename");
      return finish(id, res.status);
    }
  } else {
    auto body = parseJson(raw);
    bool ok = body && body->is_object() && (*body)["urls"].is_array() && !(*body)["urls"].empty();
    if (ok && body->contains("source_type") && (*body)["source_type"] != "url") ok = false;
    if (ok)
      for (const auto& u : (*body)["urls"]) ok = ok && u.is_string();
    if (!ok) {
      sendError(res, false, 400, 400,
                "body must be multipart with \"files\" fields or {\"urls\":[...],\"source_type\":\"url\"}");
      return finish(id, res.status);
    }
    for (const auto& u : (*body)["urls"]) {
      std::string url = u;
      std::string path = url.substr(0, url.find_first_of("?#"));
      std::string name = path.substr(path.find_last_of('/') + 1);
      if (name.empty()) name = "remote";
      items.push_back({name, 1048576, fnv1a(kFnvBasis, url.data(), url.size())});
    }
  }

  registerUploads(req.matches[1].str(), items, res);
  finish(id, res.status);
}

void FakeCloud::registerUploads(const std::string& sessionId, const std::vector<UploadItem>& items,
                                Response& res) {
  std::lock_guard lock(mu_);
  auto it = sessions_.find(sessionId);
  if (it == sessions_.end()) return sendError(res, false, 200, 1002, defaultMessage(1002));
  const std::uint64_t max = config_.value("upload_max_bytes", 0ULL);
  json ok = json::array(), errors = json::array();
  for (const auto& item : items) {
    const std::string type = mediaType(item.filename);
    if (item.filename.find("unsupported") != std::string::npos || type.empty()) {
      errors.push_back({{"filename", item.filename},
                        {"code", 4001},
                        {"message", "unsupported file type; accepted: mp4 mov avi webm mkv, "
                                    "jpg png gif webp, mp3 wav m4a aac"}});
    } else if (item.filename.find("toolarge") != std::string::npos ||
               (max > 0 && item.size > max)) {
      errors.push_back({{"filename", item.filename},
                        {"code", 4002},
                        {"message", "file too large (limit " +
                                        std::to_string(max > 0 ? max / (1024 * 1024) : 500) +
                                        " MB)"}});
    } else {
      json info = mediaInfo(item.filename, type, item.size, item.hash, cdnPort_);
      it->second.videoInfos.push_back(info);
      ok.push_back(std::move(info));
    }
  }
  json data{{"files", ok}, {"errors", errors}};
  // Only when nothing went through is the whole call an error, carrying the first file's code.
  if (ok.empty())
    sendJson(res, 200,
             {{"code", errors[0]["code"]}, {"message", errors[0]["message"]}, {"data", data}});
  else
    sendJson(res, 200, uploadAnswerShaped(config_.value("upload_shape", std::string("files")), ok, errors));
}

// The success answer in one of the shapes versions of the service use (shared/nemo-api.md:
// "other versions of the service may name the list or its fields differently").
json FakeCloud::uploadAnswerShaped(const std::string& shape, const json& ok, const json& errors) {
  auto renamed = [&] {  // name / type / url instead of filename / file_type / cdn_url
    json out = json::array();
    for (const auto& f : ok) {
      out.push_back({{"name", f["filename"]}, {"type", f["file_type"]}, {"url", f["cdn_url"]},
                     {"duration", f.value("duration", json())}});
    }
    return out;
  };
  json envelope{{"code", 0}, {"message", "ok"}};
  if (shape == "items") envelope["data"] = {{"items", ok}};
  else if (shape == "uploaded") envelope["data"] = {{"uploaded", renamed()}};
  else if (shape == "media") envelope["data"] = {{"media", renamed()}};
  else if (shape == "bare") envelope["data"] = renamed();
  else if (shape == "unlisted") envelope["data"] = {{"task_id", "t"}, {"status", "accepted"}};
  else if (shape == "no_data") envelope.erase("message");
  else envelope["data"] = {{"files", ok}, {"errors", errors}};
  return envelope;
}

void FakeCloud::credits(const Request&, Response& res) {
  std::lock_guard lock(mu_);
  json c = config_["credits"];
  if (c.is_number()) c = {{"available", c}, {"frozen", 0}, {"total", c}};
  sendJson(res, 200, {{"code", 0}, {"message", "ok"}, {"data", c}});
}

void FakeCloud::state(const Request& req, Response& res) {
  std::lock_guard lock(mu_);
  auto it = sessions_.find(req.matches[1].str());
  if (it == sessions_.end()) return sendError(res, false, 200, 1002, defaultMessage(1002));
  const Session& s = it->second;
  json st{{"draft", s.draft},
          {"video_infos", s.videoInfos},
          {"generated_media", s.generatedMedia},
          {"video_analyses", json::array()},
          {"canvas_config", {{"width", 1920}, {"height", 1080}, {"aspect_ratio", "16:9"}}}};
  sendJson(res, 200,
           {{"code", 0}, {"message", "ok"}, {"data", {{"session_id", s.id}, {"state", st}}}});
}

void FakeCloud::renderStart(const Request& req, Response& res) {
  auto body = parseJson(req.body);
  if (!body || !body->is_object() || !(*body)["id"].is_string() ||
      (*body)["id"].get<std::string>().empty() || !(*body)["sessionId"].is_string() ||
      !(*body)["draft"].is_object())
    return sendError(res, true, 400, 400,
                     "body must be {\"id\": string, \"sessionId\": string (camelCase), "
                     "\"draft\": object, \"output\": object}");
  bool exportable = false;
  const json& draft = (*body)["draft"];
  if (draft.contains("t") && draft["t"].is_array())
    for (const auto& t : draft["t"])
      if (t.is_object() && t.contains("sg") && t["sg"].is_array() && !t["sg"].empty())
        exportable = true;
  if (!exportable) return sendError(res, true, 400, 400, "draft has no track with segments");
  const std::string id = (*body)["id"];
  std::lock_guard lock(mu_);
  if (renders_.count(id))
    return sendError(res, true, 409, 409, "duplicate id: render " + id + " already exists");
  Render r;
  r.id = id;
  r.sessionId = (*body)["sessionId"];
  r.steps = config_["render_steps"];
  if (!r.steps.is_array() || r.steps.empty()) r.steps = json::array({"completed"});
  if (config_["render_fail_reason"].is_string()) r.failReason = config_["render_fail_reason"];
  renders_[id] = r;
  sendJson(res, 200, {{"success", true}, {"data", {{"id", id}, {"status", "pending"}}}});
}

json FakeCloud::renderView(Render& r) {
  if (!r.cancelled) {
    const std::size_t n = r.steps.size();
    const std::size_t i = std::min(r.polls, n - 1);
    ++r.polls;
    r.status = r.steps[i].is_string() ? r.steps[i].get<std::string>() : "processing";
    if (i == n - 1 && !r.failReason.empty() && r.status == "completed") r.status = "failed";
    if (r.status == "completed")
      r.progress = 100;
    else if (r.status != "failed")
      r.progress = n > 1 ? std::min<int>(99, static_cast<int>(i * 100 / (n - 1))) : 0;
  }
  const bool shapeB = config_.value("render_shape", "a") == "b";
  json body = {{"id", r.id}, {"status", r.status}, {"progress", r.progress}};
  if (r.status == "completed") {
    const std::string url =
        "http://127.0.0.1:" + std::to_string(cdnPort_) + "/outputs/" + r.id + ".mp4";
    if (shapeB)
      body["output"] = {{"url", url}, {"format", "mp4"}};
    else
      body["outputUrl"] = url;
  }
  if (r.status == "failed") body["error"] = r.failReason;
  if (shapeB) {
    body["success"] = true;
    return body;
  }
  return {{"success", true}, {"data", body}};
}

void FakeCloud::renderStatus(const Request& req, Response& res) {
  std::lock_guard lock(mu_);
  auto it = renders_.find(req.matches[1].str());
  if (it == renders_.end()) return sendError(res, true, 404, 404, "render not found");
  sendJson(res, 200, renderView(it->second));
}

void FakeCloud::renderCancel(const Request& req, Response& res) {
  std::lock_guard lock(mu_);
  auto it = renders_.find(req.matches[1].str());
  if (it == renders_.end()) return sendError(res, true, 404, 404, "render not found");
  Render& r = it->second;
  if (r.status == "completed" || r.status == "failed")
    return sendError(res, true, 409, 409, "render already " + r.status);
  r.cancelled = true;
  r.status = "cancelled";
  sendJson(res, 200, {{"success", true}, {"data", {{"id", r.id}, {"status", "cancelled"}}}});
}

void FakeCloud::download(const Request& req, Response& res) {
  std::size_t size = 0;
  const std::string id = req.matches[1].str();
  {
    std::lock_guard lock(mu_);
    auto it = renders_.find(id);
    if (it == renders_.end()) return sendError(res, true, 404, 404, "render not found");
    if (it->second.status != "completed")
      return sendError(res, true, 409, 409, "render not completed (" + it->second.status + ")");
    size = config_.value("output_size", 65536u);
  }
  res.status = 200;
  res.set_content(fakeMp4(size, id), "video/mp4");
}

void FakeCloud::cdnOutput(const Request& req, Response& res) {
  const auto logId = record("cdn", req, req.body.size(), json::array());
  delay("cdn");
  std::size_t size = 0;
  const std::string id = req.matches[1].str();
  {
    std::lock_guard lock(mu_);
    auto rule = fail_.find("cdn");
    if (rule != fail_.end()) {
      FailRule r = rule->second;
      if (r.remaining > 0 && --rule->second.remaining == 0) fail_.erase(rule);
      sendError(res, false, r.http == 200 ? 500 : r.http, r.code, r.message);
    } else if (config_.value("output_fail", false)) {
      sendJson(res, 404, {{"code", 404}, {"message", "NoSuchKey"}});
    } else if (auto it = renders_.find(id); it == renders_.end() || it->second.status != "completed") {
      sendJson(res, 404, {{"code", 404}, {"message", "NoSuchKey"}});
    } else {
      size = config_.value("output_size", 65536u);
    }
  }
  if (size > 0) {
    res.status = 200;
    res.set_content(fakeMp4(size, id), "video/mp4");
  }
  finish(logId, res.status);
}

// ---------------------------------------------------------------------------------------------
// Routes

void FakeCloud::control(httplib::Server& server) {
  server.Get("/_test/requests", [this](const Request&, Response& res) {
    std::lock_guard lock(mu_);
    sendJson(res, 200, log_);
  });
  server.Post("/_test/reset", [this](const Request& req, Response& res) {
    std::lock_guard lock(mu_);
    if (req.get_param_value("only") == "log")
      log_ = json::array();
    else
      resetLocked();
    sendJson(res, 200, {{"ok", true}});
  });
  server.Post("/_test/config", [this](const Request& req, Response& res) {
    auto body = parseJson(req.body);
    if (!body || !body->is_object())
      return sendJson(res, 400, {{"ok", false}, {"error", "config must be a JSON object"}});
    std::lock_guard lock(mu_);
    try {
      applyConfig(*body);
    } catch (const std::exception& e) {
      return sendJson(res, 400, {{"ok", false}, {"error", e.what()}});
    }
    sendJson(res, 200, {{"ok", true}, {"config", config_}});
  });
  server.Get("/_test/config", [this](const Request&, Response& res) {
    std::lock_guard lock(mu_);
    json fails = json::object();
    for (const auto& [k, r] : fail_)
      fails[k] = {{"code", r.code}, {"http", r.http}, {"message", r.message}, {"times", r.remaining}};
    sendJson(res, 200, {{"config", config_}, {"fail", fails}, {"sse_turns_queued", sseTurns_.size()}});
  });
  server.Get("/_test/state", [this](const Request&, Response& res) {
    std::lock_guard lock(mu_);
    json sessions = json::object(), renders = json::object(), clients = json::object();
    for (const auto& [id, s] : sessions_)
      sessions[id] = {{"task_id", s.taskId},   {"user_id", s.userId},
                      {"language", s.language}, {"turns", s.turns},
                      {"draft", s.draft},       {"video_infos", s.videoInfos},
                      {"generated_media", s.generatedMedia}};
    for (const auto& [id, r] : renders_)
      renders[id] = {{"session_id", r.sessionId}, {"status", r.status},
                     {"progress", r.progress},    {"polls", r.polls},
                     {"cancelled", r.cancelled}};
    for (const auto& [cid, n] : tokensPerClient_) clients[cid] = n;
    sendJson(res, 200,
             {{"sessions", sessions},
              {"renders", renders},
              {"tokens_issued", tokens_.size()},
              {"tokens_by_client", clients}});
  });
}

void FakeCloud::install(httplib::Server& api, httplib::Server& cdn, int cdnPort) {
  {
    std::lock_guard lock(mu_);
    cdnPort_ = cdnPort;
  }
  control(api);
  auto bind = [this](void (FakeCloud::*m)(const Request&, Response&)) {
    return [this, m](const Request& req, Response& res) { (this->*m)(req, res); };
  };
  api.Post("/api/auth/anonymous-token",
           gated("anonymous_token", Family::Nemo, bind(&FakeCloud::anonymousToken)));
  api.Post("/api/tasks/me/with-session/nemo_agent",
           gated("create_session", Family::Nemo, bind(&FakeCloud::createSession)));
  api.Post("/run_sse", gated("run_sse", Family::Nemo, bind(&FakeCloud::runSse)));
  api.Post(R"(/api/upload-video/nemo_agent/me/([^/]+))",
           [this](const Request& req, Response& res, const httplib::ContentReader& reader) {
             upload(req, res, reader);
           });
  api.Get("/api/credits/balance/simple",
          gated("credits", Family::Nemo, bind(&FakeCloud::credits)));
  api.Get(R"(/api/state/nemo_agent/me/([^/]+)/latest)",
          gated("state", Family::Nemo, bind(&FakeCloud::state)));
  api.Post("/api/render/proxy/lambda",
           gated("render_start", Family::Render, bind(&FakeCloud::renderStart)));
  api.Get(R"(/api/render/proxy/lambda/([^/]+))",
          gated("render_status", Family::Render, bind(&FakeCloud::renderStatus)));
  api.Post(R"(/api/render/proxy/lambda/([^/]+)/cancel)",
           gated("render_cancel", Family::Render, bind(&FakeCloud::renderCancel)));
  api.Get(R"(/api/render/proxy/([^/]+)/download)",
          gated("download", Family::Render, bind(&FakeCloud::download)));

  // Anything else is logged too, so a test sees a request the client should not have made.
  api.set_error_handler(httplib::Server::HandlerWithResponse([this](const Request& req, Response& res) {
    if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
    const auto id = record("api", req, req.body.size(), json::array());
    // httplib answers 400 by itself to a POST without Content-Length (send "Content-Length: 0").
    const std::string what = res.status == 404 ? "no such endpoint: " : "request rejected by the HTTP layer: ";
    sendJson(res, res.status,
             {{"code", res.status}, {"message", what + req.method + " " + req.path}, {"data", nullptr}});
    finish(id, res.status);
    return httplib::Server::HandlerResponse::Handled;
  }));

  cdn.Get(R"(/outputs/([^/]+)\.mp4)", [this](const Request& req, Response& res) { cdnOutput(req, res); });
  // Media URLs in drafts and upload answers point here; they serve a small stand-in file.
  cdn.Get(R"(/media/.*)", [this](const Request& req, Response& res) {
    const auto id = record("cdn", req, req.body.size(), json::array());
    res.status = 200;
    res.set_content(fakeMp4(4096, req.path), "video/mp4");
    finish(id, res.status);
  });
  cdn.set_error_handler(httplib::Server::HandlerWithResponse([this](const Request& req, Response& res) {
    if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
    const auto id = record("cdn", req, req.body.size(), json::array());
    sendJson(res, res.status, {{"code", res.status}, {"message", "NoSuchKey"}});
    finish(id, res.status);
    return httplib::Server::HandlerResponse::Handled;
  }));
}

}  // namespace nemo::testbackend
