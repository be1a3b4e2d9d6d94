// Tests of intent routing: short direct commands in English and Chinese go to their action,
// creative requests that merely contain a keyword stay in chat.
#include <catch2/catch.hpp>

#include "nemo/chat/IntentRouter.h"

#include <string>

namespace {

using nemo::chat::Intent;
using nemo::chat::intentName;
using nemo::chat::matchIntent;
using nemo::chat::routeIntent;

}  // namespace

TEST_CASE("routeIntent sends short export commands to export") {
  for (const char* message : {"export", "Export!", "download the video", "send me the video", "export 1080p MP4",
                              "please export it now", "can you render the final video?", "Download it to ~/Desktop",
                              "export the timeline", "导出", "下载视频", "帮我导出一下", "把视频发给我"}) {
    INFO(message);
    CHECK(routeIntent(message) == Intent::Export);
  }
  CHECK(matchIntent("Export the video please").keyword == "export");
  CHECK(matchIntent("send me the video").keyword == "send");
  CHECK(matchIntent("帮我下载视频").keyword == "下载");
}

TEST_CASE("routeIntent sends credit questions to credits") {
  for (const char* message : {"credits", "balance", "how many credits do I have?", "what's my balance",
                              "What’s my balance?", "check credits", "积分", "余额", "我的积分还有多少", "查一下余额"}) {
    INFO(message);
    CHECK(routeIntent(message) == Intent::Credits);
  }
  CHECK(matchIntent("how many credits left?").keyword == "credits");
  CHECK(matchIntent("我的余额").keyword == "余额");
}

TEST_CASE("routeIntent sends status questions to state") {
  for (const char* message : {"status", "show tracks", "what's on the timeline?", "show me the current project status",
                              "状态", "查看状态", "显示轨道"}) {
    INFO(message);
    CHECK(routeIntent(message) == Intent::State);
  }
  CHECK(matchIntent("show tracks").keyword == "tracks");
}

TEST_CASE("routeIntent sends upload commands to upload") {
  for (const char* message : {"upload", "upload my photos", "Upload these files: /tmp/a.mp4 /tmp/b.jpg",
                              "upload https://example.com/clip.mov", "上传", "上传这个视频", "帮我上传照片"}) {
    INFO(message);
    CHECK(routeIntent(message) == Intent::Upload);
  }
  CHECK(matchIntent("上传这个视频").keyword == "上传");
}

TEST_CASE("routeIntent keeps creative requests in chat") {
  for (const char* message : {
           "make a video about exporting coffee",
           "generate a promo with the status bar visible",
           "add a credits roll at the end",
           "upload speed test video idea",
           "Make a 30-second promo from my photos, then export it in 1080p for Instagram please",
           "exported",
           "reexport",
           "don't export yet",
           "add credits",
           "state of the art drone footage",
           "upload and export",
           "credits status",
           "show credits /tmp/x",
           "生成一个带状态栏的宣传片",
           "上传速度测试视频创意",
           "做一个关于咖啡出口的视频",
           "加一段BGM",
           "",
           "   ",
       }) {
    INFO(message);
    const auto match = matchIntent(message);
    CHECK(match.intent == Intent::Chat);
    CHECK(match.keyword.empty());
  }
}

TEST_CASE("routeIntent holds to its length rule") {
  CHECK(routeIntent("please could you just export the final video now") == Intent::Chat);  // 9 words
  CHECK(routeIntent("please export the final video now") == Intent::Export);
  CHECK(routeIntent("导出导出导出导出导出导出导出导出导出导出导出导出导出导出导出导出导出导出导出导出导") == Intent::Chat);  // 41 chars
}

TEST_CASE("intentName names every intent") {
  CHECK(intentName(Intent::Chat) == "chat");
  CHECK(intentName(Intent::Export) == "export");
  CHECK(intentName(Intent::Credits) == "credits");
  CHECK(intentName(Intent::State) == "state");
  CHECK(intentName(Intent::Upload) == "upload");
}
