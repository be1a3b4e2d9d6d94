// Tests of the progress lines made from the editor's streamed words: whole sentences, at most
// one line a second, never a fragment cut mid-word.
#include <catch2/catch.hpp>

#include "tools/SentenceProgress.h"

using nemo::tools::SentenceProgress;
using namespace std::chrono_literals;

TEST_CASE("SentenceProgress shows whole sentences, never a fragment") {
  SentenceProgress progress;
  auto t = SentenceProgress::Clock::time_point{} + 10s;
  CHECK(progress.add("Generat", t).empty());
  CHECK(progress.add("ing your promo", t + 10ms).empty());
  CHECK(progress.add(" now. Adding mu", t + 20ms) == "Generating your promo now.");
  CHECK(progress.add("sic.", t + 30ms).empty());  // a sentence, but the last line went out 10 ms ago
  CHECK(progress.add(" Done and mo", t + 2s) == "Adding music.");
  CHECK(progress.flush(t + 3s) == "Done and");  // a heartbeat shows what waits, up to its last whole word
}

TEST_CASE("SentenceProgress sends at most one line a second") {
  SentenceProgress progress;
  auto t = SentenceProgress::Clock::time_point{} + 10s;
  CHECK(progress.add("One. ", t) == "One.");
  CHECK(progress.add("Two. ", t + 100ms).empty());
  CHECK(progress.add("Three. ", t + 500ms).empty());
  CHECK(progress.add("Four", t + 1100ms) == "Two. Three.");
}

TEST_CASE("SentenceProgress knows CJK sentence marks and cuts long lines at a word") {
  SentenceProgress progress;
  auto t = SentenceProgress::Clock::time_point{} + 10s;
  CHECK(progress.add("正在生成视频。正在添", t) == "正在生成视频。");
  CHECK(progress.flush(t + 2s).empty());  // no whole word to show: nothing rather than half a word
  std::string words;
  for (int i = 0; i < 60; ++i) words += "word ";
  auto line = progress.add(words + "unfinish", t + 5s);
  CHECK_FALSE(line.empty());
  CHECK(line.find("unfinish") == std::string::npos);
  CHECK(line.back() == 'd');
}

TEST_CASE("SentenceProgress ends a sentence at a final dot after a word, not after a number") {
  SentenceProgress progress;
  auto t = SentenceProgress::Clock::time_point{} + 10s;
  CHECK(progress.add("Do", t).empty());
  CHECK(progress.add("ne.", t + 10ms) == "Done.");
  CHECK(progress.add("It lasts 3.", t + 2s).empty());  // maybe "3.5 seconds"
  CHECK(progress.add("5 seconds. ", t + 3s) == "It lasts 3.5 seconds.");
  CHECK(progress.add("The e", t + 4s).empty());
  CHECK(progress.finish(t + 4s) == "The e");  // the stream has ended: its last words are whole
  CHECK(progress.finish(t + 5s).empty());
}
