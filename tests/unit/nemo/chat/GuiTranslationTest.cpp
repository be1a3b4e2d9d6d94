// Tests of the GUI-to-tool rewriting: the backend's button and panel talk becomes tool calls,
// the rest of the text survives, and ordinary words that look alike are left alone.
#include <catch2/catch.hpp>

#include "nemo/chat/GuiTranslation.h"

#include <string>
#include <vector>

namespace {

using nemo::chat::translateGuiText;

std::string rewrite(const std::string& text) { return translateGuiText(text).text; }

}  // namespace

TEST_CASE("translateGuiText turns the Export button into the export tool") {
  auto result = translateGuiText("Click the Export button to download");
  CHECK(result.text == "Call the `export` tool to render and download");
  CHECK(result.changed);
  CHECK(result.tools == std::vector<std::string>{"export"});

  CHECK(rewrite("Your video is ready! Click the \"Export\" button in the top right corner to download it.") ==
        "Your video is ready! Call the `export` tool to render and download it.");
  CHECK(rewrite("When you're happy, press Export.") == "When you're happy, call the `export` tool.");
  CHECK(rewrite("You can use the Export button on the toolbar.") == "You can call the `export` tool.");
  CHECK(rewrite("Click here to download your MP4.") == "Call the `export` tool to render and download your MP4.");
  CHECK(rewrite("Then hit the Download button.") == "Then call the `export` tool.");
}

TEST_CASE("translateGuiText maps other buttons to the tool they stand for") {
  CHECK(rewrite("Click the Upload button to add your photos.") == "Call the `upload` tool to add your photos.");
  CHECK(rewrite("Click the Apply button to keep the change.") ==
        "Send \"Apply\" through the `chat` tool to keep the change.");
  CHECK(rewrite("Click Generate when ready.") == "Send \"Generate\" through the `chat` tool when ready.");
}

TEST_CASE("translateGuiText turns panels into reading the state") {
  auto result = translateGuiText("Open the Text panel to see your titles.");
  CHECK(result.text == "Call the `state` tool to see your titles.");
  CHECK(result.tools == std::vector<std::string>{"state"});
  CHECK(rewrite("Go to the Export tab when you're done.") == "Call the `export` tool when you're done.");
  CHECK(rewrite("Open the timeline and check the order.") == "Call the `state` tool and check the order.");
}

TEST_CASE("translateGuiText turns previews into the track summary") {
  CHECK(rewrite("Preview it in the timeline to check the timing.") ==
        "Check the track summary with the `state` tool to check the timing.");
  CHECK(rewrite("You can see the changes in the preview window.") ==
        "You can check the track summary with the `state` tool.");
}

TEST_CASE("translateGuiText turns drag and drop into uploads and chat edits") {
  auto upload = translateGuiText("Drag and drop your video here to get started.");
  CHECK(upload.text == "Upload your video with the `upload` tool to get started.");
  CHECK(upload.tools == std::vector<std::string>{"upload"});
  CHECK(rewrite("Drop your files into the upload area.") == "Upload your files with the `upload` tool.");

  auto edit = translateGuiText("Drag the clip to the start of the timeline.");
  CHECK(edit.text == "Use the `chat` tool to move the clip to the start of the timeline.");
  CHECK(edit.tools == std::vector<std::string>{"chat"});
}

TEST_CASE("translateGuiText rewrites Chinese GUI talk") {
  CHECK(rewrite("视频已生成，点击右上角的导出按钮即可下载。") == "视频已生成，调用 `export` 工具即可下载。");
  CHECK(rewrite("点击“上传”按钮添加素材") == "调用 `upload` 工具添加素材");
  CHECK(rewrite("点击“应用”按钮保存修改") == "通过 `chat` 工具发送“应用”保存修改");
  CHECK(rewrite("打开文字面板修改标题") == "调用 `state` 工具修改标题");
  CHECK(rewrite("将视频拖拽到此处即可开始编辑") == "调用 `upload` 工具上传视频即可开始编辑");
  CHECK(rewrite("拖动片段到时间线开头") == "通过 `chat` 工具移动片段到时间线开头");
  CHECK(rewrite("你可以在时间线上预览效果") == "你可以用 `state` 工具查看轨道摘要效果");
  CHECK(rewrite("完成后使用导出按钮") == "完成后使用`export` 工具");
}

TEST_CASE("translateGuiText keeps the rest of a long message") {
  auto result = translateGuiText(
      "I added the title \"Urban Dreams\" at 0-3s and lowered the music to 35%.\n"
      "Click the Export button to download, or open the Audio panel to adjust the volume.");
  CHECK(result.text ==
        "I added the title \"Urban Dreams\" at 0-3s and lowered the music to 35%.\n"
        "Call the `export` tool to render and download, or call the `state` tool to adjust the volume.");
  CHECK(result.tools == std::vector<std::string>{"export", "state"});
}

TEST_CASE("translateGuiText leaves look-alikes alone") {
  for (const char* text : {
           "This uses an open-source model.",
           "The scene shows a door that opens slowly.",
           "I'll open with a wide shot of the city.",
           "Exported videos are 1080p by default.",
           "Your click-through rate will improve with a strong hook.",
           "Add a drop shadow to the title?",
           "The music has a big drop at 0:10.",
           "It feels like a drag race.",
           "Fans hit download records last week.",
           "Use export settings that match the platform.",
           "Let's export-proof the idea first: what is the video about?",
           "The panel discussion was recorded in 4K.",
           "点击率会更高。",
           "门慢慢打开了。",
           "",
       }) {
    INFO(text);
    auto result = translateGuiText(text);
    CHECK_FALSE(result.changed);
    CHECK(result.text == text);
    CHECK(result.tools.empty());
  }
}

TEST_CASE("translateGuiText reads Chinese by character, not by byte") {
  // With a byte regex, the class excluding CJK punctuation also excluded every character that
  // shares a UTF-8 byte with it (生, 成, 视, 频, ...): these were left as they were.
  auto button = translateGuiText("点击“生成视频”按钮");
  CHECK(button.text == "通过 `chat` 工具发送“生成视频”");
  CHECK(button.tools == std::vector<std::string>{"chat"});
  auto panel = translateGuiText("打开生成面板");
  CHECK(panel.text == "调用 `state` 工具");
  CHECK(panel.tools == std::vector<std::string>{"state"});
  CHECK(rewrite("好了！点击“导出视频”按钮下载。") == "好了！调用 `export` 工具下载。");
}

TEST_CASE("translateGuiText says a phrase once when its translation follows in parentheses") {
  CHECK(rewrite("Click the Export button (点击导出按钮) to get the MP4.") == "Call the `export` tool to get the MP4.");
  CHECK(rewrite("点击导出按钮（Click the Export button）即可下载。") == "调用 `export` 工具即可下载。");
  // A parenthesis that names another tool, or none, stays.
  CHECK(rewrite("Click the Export button (or open the Text panel first).") ==
        "Call the `export` tool (or call the `state` tool first).");
  CHECK(rewrite("Click the Export button (it takes a minute).") == "Call the `export` tool (it takes a minute).");
}

TEST_CASE("translateGuiText takes long and broken text without giving up") {
  // No size guard any more: PCRE2 with JIT and match limits stays linear on a long reply.
  std::string longText;
  for (int i = 0; i < 20000; ++i) longText += "The scene continues with more city lights. ";
  longText += "Click the Export button to download.";
  auto result = translateGuiText(longText);
  CHECK(result.changed);
  CHECK(result.text.ends_with("Call the `export` tool to render and download."));
  // Invalid UTF-8 from the backend is returned as it came.
  std::string broken = "Click the Export button \xff\xfe";
  CHECK(translateGuiText(broken).text == broken);
}
