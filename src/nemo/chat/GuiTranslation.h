// Rewrites backend text that assumes a GUI ("click the Export button", "打开文字面板") into
// what an agent can actually do: call one of this server's tools.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace nemo::chat {

struct GuiTranslation {
  std::string text;                // the rewritten text; the input unchanged when nothing matched
  bool changed = false;
  std::vector<std::string> tools;  // the tools the rewrite names, in order, each once
};

// Only imperative UI forms are rewritten: a UI verb (click, open, drag, preview; 点击, 打开,
// 拖拽) with a UI noun or a known button name beside it. "open-source", "a door opens" and
// "the click-through rate" stay as they are. Everything around a rewritten phrase is kept.
// English and Chinese, matched by character (PCRE2 in UTF mode: a class of CJK punctuation
// excludes only those marks, not every character sharing a byte with them); the tool names
// are the MCP tools: export, upload, state, credits, chat. When a phrase and its translation
// in parentheses are both rewritten, the parenthesised one goes. Invalid UTF-8 is returned
// unchanged. Pure and thread-safe (the rules are built once).
GuiTranslation translateGuiText(std::string_view text);

}  // namespace nemo::chat
