// The rewrite rules from GUI talk to tool calls: a pattern per imperative UI form, each with a
// replacement naming the tool, applied in order (specific buttons before generic clicks).
#include "nemo/chat/GuiTranslation.h"

#include <algorithm>
#include <cctype>
#include <functional>
#include <optional>

#include "support/Regex.h"

namespace nemo::chat {

namespace {

struct Rewrite {
  std::string text;
  std::string tool;
};

// One match of a rule, read by its rewrite.
struct Found {
  std::string_view text;
  const support::Regex::Match& match;
  bool matched(std::size_t i) const { return match.matched(i); }
  std::string str(std::size_t i) const { return match.str(text, i); }
  std::size_t begin(std::size_t i) const { return match.groups[i].begin; }
};

struct Rule {
  support::Regex pattern;
  std::function<std::optional<Rewrite>(const Found&)> rewrite;
};

constexpr auto kCaseless = support::LetterCase::Insensitive;

// Fragments shared by the English patterns.
const std::string kQuote = R"((?:"|'|“|”|‘|’)?)";
const std::string kPlace =
    R"((?:\s+(?:in|at|on)\s+the\s+(?:top|bottom|upper|lower)(?:[ -](?:right|left))?(?:[ -]hand)?(?:\s+corner)?)"
    R"((?:\s+of\s+the\s+(?:screen|page|editor|window))?|\s+(?:in|on)\s+the\s+(?:toolbar|sidebar|header|menu bar))?)";
const std::string kUiNoun = R"((button|icon|option|menu item|menu|tab|link|toggle))";
// Chinese: where on the screen, and the brackets a button's name may come in.
const std::string kZhPlace =
    "(?:一下)?(?:页面|屏幕|界面)?(?:右上角|左上角|右下角|左下角|上方|下方|顶部|底部|右侧|左侧)?(?:的)?";
const std::string kZhOpen = "(?:“|\"|「|【)?";
const std::string kZhClose = "(?:”|\"|」|】)?";

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

bool contains(const std::string& text, std::initializer_list<const char*> words) {
  return std::any_of(words.begin(), words.end(),
                     [&](const char* word) { return text.find(word) != std::string::npos; });
}

std::string call(const std::string& tool) { return "call the `" + tool + "` tool"; }

// The tool a named panel or button stands for, when the name says; chat does everything else.
std::optional<std::string> toolForName(const std::string& name) {
  const std::string key = lower(name);
  if (contains(key, {"export", "download", "render", "导出", "下载"})) return "export";
  if (contains(key, {"upload", "import", "上传", "导入"})) return "upload";
  if (contains(key, {"credit", "balance", "billing", "积分", "余额"})) return "credits";
  return std::nullopt;
}

// Whether verb + name is a button press without a UI noun beside it. Click and tap always are;
// press and hit only with a label-like name ("press Export", not "hit download speeds");
// use, select and choose never are ("use export settings").
bool pressesButton(const Found& m, std::size_t verbGroup, std::size_t nameGroup) {
  const std::string verb = lower(m.str(verbGroup));
  if (verb == "click" || verb == "tap") return true;
  if (verb != "press" && verb != "hit") return false;
  const auto name = m.begin(nameGroup);
  const bool capitalized = std::isupper(static_cast<unsigned char>(m.text[name]));
  const char before = m.text[name - 1];  // the match begins with the verb, so this is inside it
  const bool quoted = before == '"' || before == '\'' || before == '\x9C' || before == '\x98';
  return capitalized || quoted;
}

std::vector<Rule> buildRules() {
  std::vector<Rule> rules;

  // "Click the Export button to download" → "Call the `export` tool to render and download".
  rules.push_back({support::Regex(R"(\b(click|tap|press|hit|select|choose|use)(?:\s+on)?\s+(?:the\s+)?)" + kQuote +
                                  R"((export|download|render)\b)" + kQuote + "(?:\\s+" + kUiNoun + ")?" + kPlace +
                                  R"((\s+to\s+(download|save|get))?)",
                              kCaseless),
                   [](const Found& m) -> std::optional<Rewrite> {
                     if (!m.matched(3) && !pressesButton(m, 1, 2)) return std::nullopt;
                     std::string text = call("export");
                     if (m.matched(4)) text += " to render and " + m.str(5);
                     return Rewrite{text, "export"};
                   }});
  // "Click the Upload button" → "Call the `upload` tool".
  rules.push_back({support::Regex(R"(\b(click|tap|press|hit|use)(?:\s+on)?\s+(?:the\s+)?)" + kQuote +
                                  R"((upload|import|add media|add files?)\b)" + kQuote +
                                  R"((?:\s+(button|icon|option|tab|link|area))?)" + kPlace,
                              kCaseless),
                   [](const Found& m) -> std::optional<Rewrite> {
                     if (!m.matched(3) && !pressesButton(m, 1, 2)) return std::nullopt;
                     return Rewrite{call("upload"), "upload"};
                   }});
  // "Click here to download" → "Call the `export` tool to render and download".
  rules.push_back({support::Regex(R"(\b(?:click|tap)\s+(?:here|this link|the link)\s+to\s+(download|export|save|get))", kCaseless),
                   [](const Found& m) -> std::optional<Rewrite> {
                     return Rewrite{call("export") + " to render and " + lower(m.str(1)), "export"};
                   }});
  // "the Export button" anywhere else ("use the Export button", "via the Export button").
  rules.push_back({support::Regex(R"(\b(?:the\s+)?)" + kQuote + "(export|download)\\b" + kQuote + R"(\s+(?:button|icon))" + kPlace,
                              kCaseless),
                   [](const Found&) -> std::optional<Rewrite> {
                     return Rewrite{"the `export` tool", "export"};
                   }});
  // "Click the Apply button" → "Send "Apply" through the `chat` tool": the agent asks for it.
  rules.push_back({support::Regex(R"(\b(?:click|tap|press|hit)(?:\s+on)?\s+(?:the\s+)?)" + kQuote +
                                  R"(([a-z][a-z0-9&'-]*(?:\s+[a-z0-9&'-]+){0,3}?))" + kQuote + R"(\s+)" + kUiNoun + kPlace,
                              kCaseless),
                   [](const Found& m) -> std::optional<Rewrite> {
                     if (auto tool = toolForName(m.str(1))) return Rewrite{call(*tool), *tool};
                     return Rewrite{"send \"" + m.str(1) + "\" through the `chat` tool", "chat"};
                   }});
  // "Click Apply": a capitalized label after click/tap is a button even without the noun.
  rules.push_back({support::Regex(R"(\b([Cc]lick|[Tt]ap)(?: on)? (?:the )?)" + kQuote +
                              R"(([A-Z][A-Za-z0-9-]*(?: [A-Z][A-Za-z0-9-]*){0,2}))" + kQuote),
                   [](const Found& m) -> std::optional<Rewrite> {
                     if (auto tool = toolForName(m.str(2))) return Rewrite{call(*tool), *tool};
                     return Rewrite{"send \"" + m.str(2) + "\" through the `chat` tool", "chat"};
                   }});
  // "Open the Text panel" → "Call the `state` tool": the agent reads the session instead.
  rules.push_back({support::Regex(R"(\b(?:open(?:\s+up)?|go\s+to|switch\s+to|navigate\s+to|head(?:\s+over)?\s+to)\s+(?:the\s+|your\s+)?)" +
                                  kQuote + R"(((?:[a-z0-9&-]+\s+){0,3}?))" + kQuote +
                                  R"(\s*\b(panel|tab|menu|sidebar|editor|inspector|library|window|dialog|settings|page|timeline)\b)",
                              kCaseless),
                   [](const Found& m) -> std::optional<Rewrite> {
                     const std::string tool = toolForName(m.str(1)).value_or("state");
                     return Rewrite{call(tool), tool};
                   }});
  // "Preview it in the timeline" → the track summary.
  rules.push_back({support::Regex(R"(\b(?:preview|play|watch|review|view|see)(?:\s+(?:it|this|that|them|the\s+(?:video|result|changes?|edits?|clips?|project)))?)"
                              R"(\s+(?:in|on)\s+the\s+(?:timeline|preview(?:\s+(?:window|panel|player|area))?|player|editor|canvas)\b)",
                              kCaseless),
                   [](const Found&) -> std::optional<Rewrite> {
                     return Rewrite{"check the track summary with the `state` tool", "state"};
                   }});
  // "Drag and drop your video here" → "Upload your video with the `upload` tool".
  rules.push_back({support::Regex(R"(\b(drag(?:\s*(?:and|&|/)\s*drop|-and-drop)?|drop)\s+((?:your|the|a|an|some|any|these|those|this)\s+)?)"
                              R"(((?:[a-z0-9-]+\s+){0,2}?)(files?|videos?|clips?|images?|photos?|pictures?|footage|media|assets?|music|audio|songs?)\b)"
                              R"((\s+(?:here|(?:in|into|onto|on|to)\s+(?:this|the)\s+(?:[a-z-]+\s+){0,2}?(?:window|area|box|zone|panel|page|editor|chat|uploader|library)\b))?)",
                              kCaseless),
                   [](const Found& m) -> std::optional<Rewrite> {
                     const bool dragAndDrop = lower(m.str(1)).find("drop") != std::string::npos && lower(m.str(1)) != "drop";
                     if (!dragAndDrop && !m.matched(5)) return std::nullopt;
                     return Rewrite{"upload " + m.str(2) + m.str(3) + m.str(4) + " with the `upload` tool", "upload"};
                   }});
  // "Drag the clip to the start of the timeline" → "Use the `chat` tool to move the clip ...".
  rules.push_back({support::Regex(R"(\bdrag(?:ging)?\s+(?=(?:the|this|that|your|each|a|an|it|them)\b[^.!?\n]{0,60}?)"
                              R"(\b(?:timeline|track|clip|segment|slider|handle|edge|playhead|layer|canvas|position|left|right|start|end|beginning)\b))",
                              kCaseless),
                   [](const Found&) -> std::optional<Rewrite> {
                     return Rewrite{"use the `chat` tool to move ", "chat"};
                   }});

  // Chinese, a quoted button name first: 点击“导出视频”按钮 → 调用 `export` 工具 (the whole name
  // decides, not its first word).
  rules.push_back({support::Regex("点击" + kZhPlace + "[“\"「【]([^”\"」】\\n]{1,24})[”\"」】](?:按钮|按键|图标|选项|标签)?"),
                   [](const Found& m) -> std::optional<Rewrite> {
                     if (auto tool = toolForName(m.str(1))) return Rewrite{"调用 `" + *tool + "` 工具", *tool};
                     return Rewrite{"通过 `chat` 工具发送“" + m.str(1) + "”", "chat"};
                   }});
  // Chinese: 点击导出按钮 → 调用 `export` 工具.
  rules.push_back({support::Regex("点击" + kZhPlace + kZhOpen + "(?:导出|下载)" + kZhClose + "(?:按钮|按键|图标|选项)?"),
                   [](const Found&) -> std::optional<Rewrite> {
                     return Rewrite{"调用 `export` 工具", "export"};
                   }});
  rules.push_back({support::Regex("点击" + kZhPlace + kZhOpen + "(?:上传|导入)" + kZhClose + "(?:按钮|按键|图标|选项|区域)?"),
                   [](const Found&) -> std::optional<Rewrite> {
                     return Rewrite{"调用 `upload` 工具", "upload"};
                   }});
  rules.push_back({support::Regex(kZhOpen + "导出" + kZhClose + "(?:按钮|按键|图标)"),
                   [](const Found&) -> std::optional<Rewrite> { return Rewrite{"`export` 工具", "export"}; }});
  // 点击“应用”按钮 → 通过 `chat` 工具发送“应用”.
  rules.push_back({support::Regex("点击" + kZhPlace + kZhOpen + "([^\\s，。！？、,.!?“”\"「」【】]{1,24}?)" + kZhClose +
                              "(?:按钮|按键|图标|选项|标签)"),
                   [](const Found& m) -> std::optional<Rewrite> {
                     if (auto tool = toolForName(m.str(1))) return Rewrite{"调用 `" + *tool + "` 工具", *tool};
                     return Rewrite{"通过 `chat` 工具发送“" + m.str(1) + "”", "chat"};
                   }});
  rules.push_back({support::Regex("点击(?:一下)?(生成|应用|确认|确定|提交|发送|开始)"),
                   [](const Found& m) -> std::optional<Rewrite> {
                     return Rewrite{"通过 `chat` 工具发送“" + m.str(1) + "”", "chat"};
                   }});
  // 打开文字面板 → 调用 `state` 工具.
  rules.push_back({support::Regex("打开" + kZhOpen + "([^\\s，。！？、,.!?]{0,24}?)" + kZhClose +
                              "(面板|标签页|选项卡|菜单|侧边栏|编辑器|时间线|时间轴|设置|窗口|页面)"),
                   [](const Found& m) -> std::optional<Rewrite> {
                     const std::string tool = toolForName(m.str(1)).value_or("state");
                     return Rewrite{"调用 `" + tool + "` 工具", tool};
                   }});
  // 将视频拖拽到此处 → 调用 `upload` 工具上传视频.
  rules.push_back({support::Regex("(?:将|把)?(?:你的|您的)?(视频|文件|图片|照片|素材|音频|音乐)(?:文件)?(?:直接)?拖(?:拽|动|放|入)"
                              "(?:到|至|进)?(?:此处|这里|上传区域|上传区|窗口|页面|编辑器|对话框)?(?:中|里|内)?(?:上传)?"),
                   [](const Found& m) -> std::optional<Rewrite> {
                     return Rewrite{"调用 `upload` 工具上传" + m.str(1), "upload"};
                   }});
  rules.push_back({support::Regex("拖(?:拽|放|入)(?:文件)?上传"),
                   [](const Found&) -> std::optional<Rewrite> {
                     return Rewrite{"调用 `upload` 工具上传", "upload"};
                   }});
  // 拖动片段到开头 → 通过 `chat` 工具移动片段到开头.
  rules.push_back({support::Regex("拖(?:拽|动|放)"),
                   [](const Found&) -> std::optional<Rewrite> {
                     return Rewrite{"通过 `chat` 工具移动", "chat"};
                   }});
  // 在时间线上预览 → 用 `state` 工具查看轨道摘要.
  rules.push_back({support::Regex("(?:在)?(?:时间线|时间轴|预览窗口|预览区|播放器)(?:上|中|里)?预览|预览(?:一下)?(?:时间线|时间轴)"),
                   [](const Found&) -> std::optional<Rewrite> {
                     return Rewrite{"用 `state` 工具查看轨道摘要", "state"};
                   }});
  return rules;
}

const std::vector<Rule>& rules() {
  static const std::vector<Rule> built = [] {
    try {
      return buildRules();
    } catch (const std::exception&) {
      return std::vector<Rule>();  // a bad pattern disables translation, never the server
    }
  }();
  return built;
}

// A sentence that began with "Click" begins with "Call".
std::string matchCase(const std::string& original, std::string replacement) {
  if (!original.empty() && std::isupper(static_cast<unsigned char>(original.front())) && !replacement.empty() &&
      std::islower(static_cast<unsigned char>(replacement.front()))) {
    replacement.front() = static_cast<char>(std::toupper(static_cast<unsigned char>(replacement.front())));
  }
  return replacement;
}

// Applies one rule everywhere in `text`; the tools its rewrites name, in order.
std::vector<std::string> applyRule(const Rule& rule, std::string& text) {
  std::string out;
  std::vector<std::string> tools;
  std::size_t last = 0;
  std::size_t from = 0;
  while (from <= text.size()) {
    auto match = rule.pattern.find(text, from);
    if (!match) break;
    const auto& whole = match->groups[0];
    Found found{text, *match};
    if (auto rewrite = rule.rewrite(found)) {
      out.append(text, last, whole.begin - last);
      out += matchCase(found.str(0), rewrite->text);
      last = whole.end;
      tools.push_back(rewrite->tool);
    }
    from = whole.end > whole.begin ? whole.end : whole.end + 1;
    while (from < text.size() && (static_cast<unsigned char>(text[from]) & 0xC0) == 0x80) ++from;  // next character
  }
  if (tools.empty()) return tools;
  out.append(text, last, std::string::npos);
  text = std::move(out);
  return tools;
}

// Backend texts often give a Chinese phrase its English translation in parentheses, or the
// other way round. Once both are rewritten, "call the `export` tool (调用 `export` 工具)" says
// the same thing twice: the parenthesised one goes.
void dropRepeatedTranslations(std::string& text, const std::vector<std::string>& tools) {
  for (const auto& tool : tools) {
    const std::string name = "`" + tool + "`";
    static const std::string kNotBracket = "[^()（）\\n]{0,60}?";
    support::Regex repeated("(" + name + "[^`()（）\\n]{0,40}?)\\s*[(（]" + kNotBracket + name + kNotBracket + "[)）]");
    Rule rule{std::move(repeated), [](const Found& m) -> std::optional<Rewrite> { return Rewrite{m.str(1), ""}; }};
    applyRule(rule, text);
  }
}

}  // namespace

GuiTranslation translateGuiText(std::string_view input) {
  GuiTranslation result;
  result.text.assign(input);
  // Backend text is untrusted: PCRE2 refuses invalid UTF-8 as a whole, so it stays as it came.
  if (!support::Regex::validUtf8(result.text)) return result;
  for (const Rule& rule : rules()) {
    auto tools = applyRule(rule, result.text);
    if (tools.empty()) continue;
    result.changed = true;
    for (const std::string& tool : tools) {
      if (std::find(result.tools.begin(), result.tools.end(), tool) == result.tools.end()) result.tools.push_back(tool);
    }
  }
  if (result.changed) dropRepeatedTranslations(result.text, result.tools);
  return result;
}

}  // namespace nemo::chat
