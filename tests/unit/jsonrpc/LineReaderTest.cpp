// Tests of the input framing over a real pipe written from another thread: split lines, CRLF,
// empty lines, a last line without newline, oversized lines (reported once, then skipped).
#include "jsonrpc/LineReader.h"

#include <catch2/catch.hpp>

#include <thread>
#include <vector>

#include "../support/TestUtil.h"

using namespace std::chrono_literals;
using nemo::jsonrpc::LineReader;
using Status = LineReader::Status;

namespace {

// What the reader yields until the end: "L:<line>" or "OVERSIZED", in order.
std::vector<std::string> readAll(LineReader& reader) {
  std::vector<std::string> out;
  std::string line;
  for (int guard = 0; guard < 100000; ++guard) {
    auto status = reader.next(line);
    if (status == Status::EndOfInput) return out;
    out.push_back(status == Status::Line ? "L:" + line : std::string("OVERSIZED"));
  }
  FAIL("the reader never reached the end of input");
  return out;
}

// Writes each piece separately (with a pause, so the reader sees them as separate reads),
// then closes the write end.
std::vector<std::string> feed(std::vector<std::string> pieces, std::size_t maxLineBytes = 1024) {
  nemo::test::Pipe pipe;
  std::thread writer([&] {
    for (const auto& piece : pieces) {
      pipe.write(piece);
      std::this_thread::sleep_for(2ms);
    }
    pipe.closeWrite();
  });
  LineReader reader(pipe.readFd(), maxLineBytes);
  auto out = readAll(reader);
  writer.join();
  return out;
}

using Lines = std::vector<std::string>;

}  // namespace

TEST_CASE("a line split across several writes comes out whole", "[jsonrpc][linereader]") {
  CHECK(feed({"{\"jsonrpc\":", "\"2.0\",\"id\"", ":1}\n{\"a\"", ":2}\n"}) == Lines{"L:{\"jsonrpc\":\"2.0\",\"id\":1}",
                                                                                  "L:{\"a\":2}"});
}

TEST_CASE("CRLF line ends lose their CR, and a lone CR split from its LF too", "[jsonrpc][linereader]") {
  CHECK(feed({"one\r\ntwo\r", "\nthree\n"}) == Lines{"L:one", "L:two", "L:three"});
}

TEST_CASE("empty lines are skipped", "[jsonrpc][linereader]") {
  CHECK(feed({"\n\na\n\r\n", "\n", "b\n\n"}) == Lines{"L:a", "L:b"});
}

TEST_CASE("a last line without newline still counts", "[jsonrpc][linereader]") {
  CHECK(feed({"first\nla", "st"}) == Lines{"L:first", "L:last"});
  CHECK(feed({}) == Lines{});
}

TEST_CASE("an oversized line is reported once and skipped; the next line is intact", "[jsonrpc][linereader]") {
  const std::string big(100, 'x');
  SECTION("the whole line arrives in one write") {
    CHECK(feed({"ok\n" + big + "\nnext\n"}, 16) == Lines{"L:ok", "OVERSIZED", "L:next"});
  }
  SECTION("the line arrives over many writes, longer than the limit before its newline") {
    CHECK(feed({"ok\n", big, big, big, "tail\nnext\n"}, 16) == Lines{"L:ok", "OVERSIZED", "L:next"});
  }
  SECTION("two oversized lines in a row are two reports") {
    CHECK(feed({big, "\n", big, "\nnext\n"}, 16) == Lines{"OVERSIZED", "OVERSIZED", "L:next"});
  }
  SECTION("an oversized last line without newline") {
    CHECK(feed({"ok\n", big, big}, 16) == Lines{"L:ok", "OVERSIZED"});
  }
  SECTION("a line exactly at the limit is kept") {
    const std::string exact(16, 'y');
    CHECK(feed({exact + "\n"}, 16) == Lines{"L:" + exact});
  }
}

TEST_CASE("many lines in one write come out one by one, in order", "[jsonrpc][linereader]") {
  std::string chunk;
  Lines expected;
  for (int i = 0; i < 2000; ++i) {
    auto line = "{\"id\":" + std::to_string(i) + "}";
    chunk += line + "\n";
    expected.push_back("L:" + line);
  }
  CHECK(feed({chunk}) == expected);
}

TEST_CASE("lines longer than one read chunk are joined", "[jsonrpc][linereader]") {
  const std::string huge(200 * 1024, 'z');  // several 64 KiB reads
  auto out = feed({huge + "\nafter\n"}, 1024 * 1024);
  REQUIRE(out.size() == 2);
  CHECK(out[0] == "L:" + huge);
  CHECK(out[1] == "L:after");
}
