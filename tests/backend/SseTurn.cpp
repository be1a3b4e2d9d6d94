// Turns a scripted chat turn (a list of steps from /_test/config) into the exact bytes of a
// Server-Sent Events stream, in either documented shape (Google ADK or NemoVideo's own).
#include "SseTurn.h"

#include <chrono>
#include <random>

namespace nemo::testbackend {

using nlohmann::json;

std::vector<std::string> splitUtf8(const std::string& text, int n) {
  // Code point starts: a byte that is not a continuation byte (10xxxxxx).
  std::vector<std::size_t> starts;
  for (std::size_t i = 0; i < text.size(); ++i)
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) starts.push_back(i);
  const std::size_t points = starts.size();
  if (n <= 1 || points <= 1) return {text};
  const std::size_t pieces = std::min<std::size_t>(static_cast<std::size_t>(n), points);
  std::vector<std::string> out;
  for (std::size_t k = 0; k < pieces; ++k) {
    std::size_t from = starts[k * points / pieces];
    std::size_t to = (k + 1 == pieces) ? text.size() : starts[(k + 1) * points / pieces];
    out.push_back(text.substr(from, to - from));
  }
  return out;
}

namespace {

std::string event(const json& j) {
  // Compact and ASCII-safe: one `data:` line per event, as both documented services send.
  return "data: " + j.dump(-1, ' ', false, json::error_handler_t::replace) + "\n\n";
}

double nowSeconds() {
  using namespace std::chrono;
  return duration<double>(system_clock::now().time_since_epoch()).count();
}

std::string randomId(const char* prefix) {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(rng()));
  return std::string(prefix) + buf;
}

class Builder {
public:
  explicit Builder(const SseTurnInput& in) : in_(in) {}

  std::vector<SseAction> build() {
    bool explicitEdit = false;
    bool cut = false;
    const json& steps = in_.steps;
    for (std::size_t i = 0; i < steps.size() && !cut; ++i) {
      const json& s = steps[i];
      if (!s.is_object()) continue;
      if (i > 0 && in_.stepDelayMs > 0) sleep(in_.stepDelayMs);
      if (int ms = s.value("delay_ms", 0); ms > 0) sleep(ms);
      if (s.value("heartbeat", false)) heartbeat();
      if (s.value("comment", false)) write(": keep-alive\n\n");
      if (s.value("empty_data", false)) write("data:\n\n");
      if (s.contains("tool") && s["tool"].is_string()) tool(s);
      if (s.contains("edit") && !s["edit"].is_null()) {
        explicitEdit = true;
        edit(s["edit"]);
      }
      if (s.contains("text") && s["text"].is_string()) text(s);
      if (s.contains("error") && s["error"].is_string()) write(event({{"error", s["error"]}}));
      // Bytes sent as given (a whole event with its "data: " and blank line, or less): for
      // shapes and faults the other steps cannot make.
      if (s.contains("raw") && s["raw"].is_string()) write(s["raw"].get<std::string>());
      if (s.contains("raw_bytes") && s["raw_bytes"].is_array()) {  // bytes a JSON string cannot hold
        std::string bytes;
        for (const auto& b : s["raw_bytes"]) bytes += static_cast<char>(b.get<int>());
        write(bytes);
      }
      if (s.value("cut", false)) {
        // Half an event and no terminating chunk: the client must see an incomplete transfer.
        write(in_.shape == "nemo" ? "data: {\"type\":\"text\",\"content\":\"and th"
                                  : "data: {\"id\":\"" + randomId("ev_") + "\",\"partial\":tr");
        actions_.push_back({SseAction::Kind::Cut, {}, 0, nullptr});
        cut = true;
      }
    }
    if (!cut && !explicitEdit && !in_.turnEdit.is_null()) edit(in_.turnEdit);
    return std::move(actions_);
  }

private:
  void write(std::string bytes) { actions_.push_back({SseAction::Kind::Write, std::move(bytes), 0, nullptr}); }
  void sleep(int ms) { actions_.push_back({SseAction::Kind::Sleep, {}, ms, nullptr}); }
  void edit(const json& e) { actions_.push_back({SseAction::Kind::Edit, {}, 0, e}); }

  json adk(bool partial, const json& role, const json& parts) {
    json e{{"id", randomId("ev_")},
           {"invocationId", in_.invocationId},
           {"author", in_.author},
           {"timestamp", nowSeconds()},
           {"content", {{"role", role}, {"parts", parts}}}};
    if (partial) {
      e["partial"] = true;
    } else {
      e["partial"] = false;
      e["actions"] = {{"stateDelta", json::object()},
                      {"artifactDelta", json::object()},
                      {"requestedAuthConfigs", json::object()}};
    }
    return e;
  }

  void heartbeat() {
    // NemoVideo's shape has a heartbeat event; ADK has none, so its streams use a comment line.
    if (in_.shape == "nemo")
      write(event({{"type", "heartbeat"}}));
    else
      write(": heartbeat\n\n");
  }

  void tool(const json& s) {
    const std::string name = s["tool"];
    const json args = s.value("args", json::object());
    const json result = s.value("result", json{{"status", "ok"}});
    if (in_.shape == "nemo") {
      write(event({{"type", "tool_call"}, {"name", name}, {"args", args}}));
      write(event({{"type", "tool_result"}, {"name", name}, {"result", result}}));
      return;
    }
    const std::string callId = randomId("call_");
    write(event(adk(false, "model",
                    json::array({{{"functionCall", {{"id", callId}, {"name", name}, {"args", args}}}}}))));
    write(event(adk(false, "user",
                    json::array({{{"functionResponse",
                                   {{"id", callId}, {"name", name}, {"response", result}}}}}))));
  }

  void text(const json& s) {
    const std::string whole = s["text"];
    const int chunks = s.value("chunks", 1);
    const auto pieces = splitUtf8(whole, chunks);
    const int chunkDelay = s.value("chunk_delay_ms", 0);
    if (in_.shape == "nemo") {
      for (std::size_t i = 0; i < pieces.size(); ++i) {
        if (i > 0 && chunkDelay > 0) sleep(chunkDelay);
        write(event({{"type", "text"}, {"content", pieces[i]}}));
      }
      return;
    }
    // ADK streaming: partial chunks, then one final event repeating the whole text.
    if (chunks > 1) {
      for (std::size_t i = 0; i < pieces.size(); ++i) {
        if (i > 0 && chunkDelay > 0) sleep(chunkDelay);
        write(event(adk(true, "model", json::array({{{"text", pieces[i]}}}))));
      }
    }
    if (chunks <= 1 || s.value("final", true)) {
      if (chunks > 1 && chunkDelay > 0) sleep(chunkDelay);
      write(event(adk(false, "model", json::array({{{"text", whole}}}))));
    }
  }

  const SseTurnInput& in_;
  std::vector<SseAction> actions_;
};

}  // namespace

std::vector<SseAction> buildSseTurn(const SseTurnInput& input) { return Builder(input).build(); }

}  // namespace nemo::testbackend
