// Turns a scripted chat turn (a list of steps from /_test/config) into the exact bytes of a
// Server-Sent Events stream, in either documented shape (Google ADK or NemoVideo's own).
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace nemo::testbackend {

// One thing the stream does, in order. The server executes them one per provider call, so a
// Sleep really holds the stream open and a Cut really breaks the connection mid-event.
struct SseAction {
  enum class Kind { Write, Sleep, Edit, Cut };
  Kind kind = Kind::Write;
  std::string bytes;    // Write: raw bytes for the wire
  int ms = 0;           // Sleep
  nlohmann::json edit;  // Edit: applied to the session's draft when the stream reaches it
};

struct SseTurnInput {
  nlohmann::json steps;       // array of step objects (see main.cpp for the keys)
  std::string shape;          // "adk" or "nemo"
  int stepDelayMs = 0;        // sse_delay_ms: pause between steps
  nlohmann::json turnEdit;    // sse_edit: applied at the end when no step has an explicit edit
  std::string invocationId;   // ADK invocation id shared by the turn's events
  std::string author = "nemo_agent";
};

std::vector<SseAction> buildSseTurn(const SseTurnInput& input);

// Splits text into at most n pieces without cutting a UTF-8 sequence (the JSON writer rejects
// a broken one, and a real service never sends one).
std::vector<std::string> splitUtf8(const std::string& text, int n);

}  // namespace nemo::testbackend
