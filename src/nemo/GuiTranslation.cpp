// The rewrite rules from GUI talk to tool calls: a pattern per imperative UI form, each with a
// replacement naming the tool, applied in order (specific buttons before generic clicks).
#include "nemo/GuiTranslation.h"

#include <algorithm>
#include <cctype>
#include <functional>
#include <optional>
#include <regex>

namespace nemo::api {

namespace {

struct Rewrite {
  std::string text;
  std::string tool;
};

struct Rule {
  std::regex pattern;
  std::function<std::optional<Rewrite>(const std::smatch&)> rewrite;
};

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
bool pressesButton(const std::smatch& m, int verbGroup, int nameGroup) {
  const std::string verb = lower(m[verbGroup]);
  if (verb == "click" || verb == "tap") return true;
  if (verb != "press" && verb != "hit") return false;
  const auto name = m[nameGroup].first;
  const bool capitalized = std::isupper(static_cast<unsigned char>(*name));
  const char before = *(name - 1);  // the match begins with the verb, so this is inside it
  const bool quoted = before == '"' || before == '\'' || before == '\x9C' || before == '\x98';
  return capitalized || quoted;
}

std::vector<Rule> buildRules() {
  const auto icase = std::regex::ECMAScript | std::regex::icase;
  std::vector<Rule> rules;

  // "Click the Export button to download" → "Call the `export` tool to render and download".
  rules.push_back({std::regex(R"(\b(click|tap|press|hit|select|choose|use)(?:\s+on)?\s+(?:the\s+)?)" + kQuote +
                                  R"((export|download|render)\b)" + kQuote + "(?:\\s+" + kUiNoun + ")?" + kPlace +
                                  R"((\s+to\s+(download|save|get))?)",
                              icase),
                   [](const std::smatch& m) -> std::optional<Rewrite> {
                     if (!m[3].matched && !pressesButton(m, 1, 2)) return std::nullopt;
                     std::string text = call("export");
                     if (m[4].matched) text += " to render and " + m[5].str();
                     return Rewrite{text, "export"};
                   }});
  // "Click the Upload button" → "Call the `upload` tool".
  rules.push_back({std::regex(R"(\b(click|tap|press|hit|use)(?:\s+on)?\s+(?:the\s+)?)" + kQuote +
                                  R"((upload|import|add media|add files?)\b)" + kQuote +
                                  R"((?:\s+(button|icon|option|tab|link|area))?)" + kPlace,
                              icase),
                   [](const std::smatch& m) -> std::optional<Rewrite> {
                     if (!m[3].matched && !pressesButton(m, 1, 2)) return std::nullopt;
                     return Rewrite{call("upload"), "upload"};
                   }});
  // "Click here to download" → "Call the `export` tool to render and download".
  rules.push_back({std::regex(R"(\b(?:click|tap)\s+(?:here|this link|the link)\s+to\s+(download|export|save|get))", icase),
                   [](const std::smatch& m) -> std::optional<Rewrite> {
                     return Rewrite{call("export") + " to render and " + lower(m[1]), "export"};
                   }});
  // "the Export button" anywhere else ("use the Export button", "via the Export button").
  rules.push_back({std::regex(R"(\b(?:the\s+)?)" + kQuote + "(export|download)\\b" + kQuote + R"(\s+(?:button|icon))" + kPlace,
                              icase),
                   [](const std::smatch&) -> std::optional<Rewrite> {
                     return Rewrite{"the `export` tool", "export"};
                   }});
  // "Click the Apply button" → "Send "Apply" through the `chat` tool": the agent asks for it.
  rules.push_back({std::regex(R"(\b(?:click|tap|press|hit)(?:\s+on)?\s+(?:the\s+)?)" + kQuote +
                                  R"(([a-z][a-z0-9&'-]*(?:\s+[a-z0-9&'-]+){0,3}?))" + kQuote + R"(\s+)" + kUiNoun + kPlace,
                              icase),
                   [](const std::smatch& m) -> std::optional<Rewrite> {
                     if (auto tool = toolForName(m[1])) return Rewrite{call(*tool), *tool};
                     return Rewrite{"send \"" + m[1].str() + "\" through the `chat` tool", "chat"};
                   }});
  // "Click Apply": a capitalized label after click/tap is a button even without the noun.
  rules.push_back({std::regex(R"(\b([Cc]lick|[Tt]ap)(?: on)? (?:the )?)" + kQuote +
                              R"(([A-Z][A-Za-z0-9-]*(?: [A-Z][A-Za-z0-9-]*){0,2}))" + kQuote),
                   [](const std::smatch& m) -> std::optional<Rewrite> {
                     if (auto tool = toolForName(m[2])) return Rewrite{call(*tool), *tool};
                     return Rewrite{"send \"" + m[2].str() + "\" through the `chat` tool", "chat"};
                   }});
  // "Open the Text panel" → "Call the `state` tool": the agent reads the session instead.
  rules.push_back({std::regex(R"(\b(?:open(?:\s+up)?|go\s+to|switch\s+to|navigate\s+to|head(?:\s+over)?\s+to)\s+(?:the\s+|your\s+)?)" +
                                  kQuote + R"(((?:[a-z0-9&-]+\s+){0,3}?))" + kQuote +
                                  R"(\s*\b(panel|tab|menu|sidebar|editor|inspector|library|window|dialog|settings|page|timeline)\b)",
                              icase),
                   [](const std::smatch& m) -> std::optional<Rewrite> {
                     const std::string tool = toolForName(m[1]).value_or("state");
                     return Rewrite{call(tool), tool};
                   }});
  // "Preview it in the timeline" → the track summary.
  rules.push_back({std::regex(R"(\b(?:preview|play|watch|review|view|see)(?:\s+(?:it|this|that|them|the\s+(?:video|result|changes?|edits?|clips?|project)))?)"
                              R"(\s+(?:in|on)\s+the\s+(?:timeline|preview(?:\s+(?:window|panel|player|area))?|player|editor|canvas)\b)",
                              icase),
                   [](const std::smatch&) -> std::optional<Rewrite> {
                     return Rewrite{"check the track summary with the `state` tool", "state"};
                   }});
  // "Drag and drop your video here" → "Upload your video with the `upload` tool".
  rules.push_back({std::regex(R"(\b(drag(?:\s*(?:and|&|/)\s*drop|-and-drop)?|drop)\s+((?:your|the|a|an|some|any|these|those|this)\s+)?)"
                              R"(((?:[a-z0-9-]+\s+){0,2}?)(files?|videos?|clips?|images?|photos?|pictures?|footage|media|assets?|music|audio|songs?)\b)"
                              R"((\s+(?:here|(?:in|into|onto|on|to)\s+(?:this|the)\s+(?:[a-z-]+\s+){0,2}?(?:window|area|box|zone|panel|page|editor|chat|uploader|library)\b))?)",
                              icase),
                   [](const std::smatch& m) -> std::optional<Rewrite> {
                     const bool dragAndDrop = lower(m[1]).find("drop") != std::string::npos && lower(m[1]) != "drop";
                     if (!dragAndDrop && !m[5].matched) return std::nullopt;
                     return Rewrite{"upload " + m[2].str() + m[3].str() + m[4].str() + " with the `upload` tool", "upload"};
                   }});
  // "Drag the clip to the start of the timeline" → "Use the `chat` tool to move the clip ...".
  rules.push_back({std::regex(R"(\bdrag(?:ging)?\s+(?=(?:the|this|that|your|each|a|an|it|them)\b[^.!?\n]{0,60}?)"
                              R"(\b(?:timeline|track|clip|segment|slider|handle|edge|playhead|layer|canvas|position|left|right|start|end|beginning)\b))",
                              icase),
                   [](const std::smatch&) -> std::optional<Rewrite> {
                     return Rewrite{"use the `chat` tool to move ", "chat"};
                   }});

  // Chinese: 点击导出按钮 → 调用 `export` 工具.
  rules.push_back({std::regex("点击" + kZhPlace + kZhOpen + "(?:导出|下载)" + kZhClose + "(?:按钮|按键|图标|选项)?"),
                   [](const std::smatch&) -> std::optional<Rewrite> {
                     return Rewrite{"调用 `export` 工具", "export"};
                   }});
  rules.push_back({std::regex("点击" + kZhPlace + kZhOpen + "(?:上传|导入)" + kZhClose + "(?:按钮|按键|图标|选项|区域)?"),
                   [](const std::smatch&) -> std::optional<Rewrite> {
                     return Rewrite{"调用 `upload` 工具", "upload"};
                   }});
  rules.push_back({std::regex(kZhOpen + "导出" + kZhClose + "(?:按钮|按键|图标)"),
                   [](const std::smatch&) -> std::optional<Rewrite> { return Rewrite{"`export` 工具", "export"}; }});
  // 点击“应用”按钮 → 通过 `chat` 工具发送“应用”.
  rules.push_back({std::regex("点击" + kZhPlace + kZhOpen + "([^\\s，。！？、,.!?“”\"「」【】]{1,24}?)" + kZhClose +
                              "(?:按钮|按键|图标|选项|标签)"),
                   [](const std::smatch& m) -> std::optional<Rewrite> {
                     if (auto tool = toolForName(m[1])) return Rewrite{"调用 `" + *tool + "` 工具", *tool};
                     return Rewrite{"通过 `chat` 工具发送“" + m[1].str() + "”", "chat"};
                   }});
  rules.push_back({std::regex("点击(?:一下)?(生成|应用|确认|确定|提交|发送|开始)"),
                   [](const std::smatch& m) -> std::optional<Rewrite> {
                     return Rewrite{"通过 `chat` 工具发送“" + m[1].str() + "”", "chat"};
                   }});
  // 打开文字面板 → 调用 `state` 工具.
  rules.push_back({std::regex("打开" + kZhOpen + "([^\\s，。！？、,.!?]{0,24}?)" + kZhClose +
                              "(面板|标签页|选项卡|菜单|侧边栏|编辑器|时间线|时间轴|设置|窗口|页面)"),
                   [](const std::smatch& m) -> std::optional<Rewrite> {
                     const std::string tool = toolForName(m[1]).value_or("state");
                     return Rewrite{"调用 `" + tool + "` 工具", tool};
                   }});
  // 将视频拖拽到此处 → 调用 `upload` 工具上传视频.
  rules.push_back({std::regex("(?:将|把)?(?:你的|您的)?(视频|文件|图片|照片|素材|音频|音乐)(?:文件)?(?:直接)?拖(?:拽|动|放|入)"
                              "(?:到|至|进)?(?:此处|这里|上传区域|上传区|窗口|页面|编辑器|对话框)?(?:中|里|内)?(?:上传)?"),
                   [](const std::smatch& m) -> std::optional<Rewrite> {
                     return Rewrite{"调用 `upload` 工具上传" + m[1].str(), "upload"};
                   }});
  rules.push_back({std::regex("拖(?:拽|放|入)(?:文件)?上传"),
                   [](const std::smatch&) -> std::optional<Rewrite> {
                     return Rewrite{"调用 `upload` 工具上传", "upload"};
                   }});
  // 拖动片段到开头 → 通过 `chat` 工具移动片段到开头.
  rules.push_back({std::regex("拖(?:拽|动|放)"),
                   [](const std::smatch&) -> std::optional<Rewrite> {
                     return Rewrite{"通过 `chat` 工具移动", "chat"};
                   }});
  // 在时间线上预览 → 用 `state` 工具查看轨道摘要.
  rules.push_back({std::regex("(?:在)?(?:时间线|时间轴|预览窗口|预览区|播放器)(?:上|中|里)?预览|预览(?:一下)?(?:时间线|时间轴)"),
                   [](const std::smatch&) -> std::optional<Rewrite> {
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

}  // namespace

GuiTranslation translateGuiText(std::string_view input) {
  GuiTranslation result;
  result.text.assign(input);
  // std::regex costs about a millisecond per kilobyte and rule; no chat message is this long.
  constexpr std::size_t kMaxTranslatedBytes = 1024 * 1024;
  if (input.size() > kMaxTranslatedBytes) return result;
  for (const Rule& rule : rules()) {
    try {
      std::string out;
      std::vector<std::string> tools;
      auto last = result.text.cbegin();
      for (std::sregex_iterator it(result.text.cbegin(), result.text.cend(), rule.pattern), end; it != end; ++it) {
        const std::smatch& match = *it;
        auto rewrite = rule.rewrite(match);
        if (!rewrite) continue;
        out.append(last, match[0].first);
        out += matchCase(match[0].str(), rewrite->text);
        last = match[0].second;
        tools.push_back(rewrite->tool);
      }
      if (tools.empty()) continue;
      out.append(last, result.text.cend());
      result.text = std::move(out);
      result.changed = true;
      for (const std::string& tool : tools) {
        if (std::find(result.tools.begin(), result.tools.end(), tool) == result.tools.end()) result.tools.push_back(tool);
      }
    } catch (const std::exception&) {
      // std::regex gives up on pathological input; that rule is then skipped, the text kept.
    }
  }
  return result;
}

}  // namespace nemo::api
