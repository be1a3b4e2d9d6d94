// Decides whether a user's message is a direct command (export, credits, state, upload) that
// the server handles itself, or a request for the backend's chat agent.
#pragma once

#include <string>
#include <string_view>

namespace nemo::chat {

enum class Intent { Chat, Export, Credits, State, Upload };

struct IntentMatch {
  Intent intent = Intent::Chat;
  std::string keyword;  // the word that decided it ("export", "积分"); empty for Chat
};

// A message is routed away from chat only when it is short (at most 8 words and 40 characters;
// a path or URL counts as one word of one character) AND consists of nothing but one intent's
// keywords and its harmless companions ("please", "my", "the video", "1080p", "how many",
// 帮我, 一下, ...). Any other word, such as "add", "make", "roll" or "speed", keeps it a chat
// message, as do keywords of two intents at once. English matches whole words only; Chinese
// matches by substring, and what remains after removing the known words must be empty.
// A wrong "chat" costs a chat turn; a wrong command would ignore what the user asked for.
IntentMatch matchIntent(std::string_view message);
Intent routeIntent(std::string_view message);

std::string_view intentName(Intent intent);  // "chat", "export", "credits", "state", "upload"

}  // namespace nemo::chat
