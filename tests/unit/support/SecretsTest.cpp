// Tests of secret redaction: registered secrets and any "Bearer <x>" credential are hidden
// wherever they occur, while strings too short to be tokens are never registered.
#include "support/Secrets.h"

#include <catch2/catch.hpp>

#include <string>

using nemo::support::redactSecrets;
using nemo::support::registerSecret;

TEST_CASE("a registered secret is hidden everywhere it occurs", "[support][secrets]") {
  registerSecret("sk-unit-secret-0123456789");
  auto out = redactSecrets("a sk-unit-secret-0123456789 b sk-unit-secret-0123456789c");
  CHECK(out == "a [redacted] b [redacted]c");
  CHECK(out.find("sk-unit") == std::string::npos);
}

TEST_CASE("several registered secrets are hidden in the same text", "[support][secrets]") {
  registerSecret("first-secret-AAAAAAAA");
  registerSecret("second-secret-BBBBBBBB");
  registerSecret("first-secret-AAAAAAAA");  // twice: still one entry, still hidden
  auto out = redactSecrets("{\"t\":\"first-secret-AAAAAAAA\",\"u\":\"second-secret-BBBBBBBB\"}");
  CHECK(out == "{\"t\":\"[redacted]\",\"u\":\"[redacted]\"}");
}

TEST_CASE("text without secrets is unchanged", "[support][secrets]") {
  const std::string text = "nothing to see here: code 2001, user 42";
  CHECK(redactSecrets(text) == text);
  CHECK(redactSecrets("") == "");
}

TEST_CASE("strings shorter than 8 characters are not registered", "[support][secrets]") {
  registerSecret("short");
  registerSecret("");
  registerSecret("1234567");  // 7 characters: one too few
  CHECK(redactSecrets("a short note about 1234567") == "a short note about 1234567");
  registerSecret("qzkpw8x2");  // exactly 8: registered
  CHECK(redactSecrets("xqzkpw8x2y") == "x[redacted]y");
}

// Secrets are replaced in the order they were registered, so an earlier secret that is part of
// a later, longer one is replaced inside it first and the rest of the longer one stays visible
// ("prefix-[redacted]-suffix"): src/support/Secrets.cpp, redactSecrets().
TEST_CASE("a secret that contains an earlier, shorter secret is still hidden whole",
          "[support][secrets]") {
  registerSecret("inner-part-7c7c7c7c");
  registerSecret("outer-prefix-inner-part-7c7c7c7c-outer-suffix");
  auto out = redactSecrets("token=outer-prefix-inner-part-7c7c7c7c-outer-suffix;");
  CHECK(out == "token=[redacted];");
  CHECK(out.find("outer-") == std::string::npos);
}

TEST_CASE("any Bearer credential is hidden even when never registered", "[support][secrets]") {
  CHECK(redactSecrets("Authorization: Bearer abc.def-ghi") == "Authorization: Bearer [redacted]");
  CHECK(redactSecrets("{\"auth\":\"Bearer tok123\",\"n\":1}") == "{\"auth\":\"Bearer [redacted]\",\"n\":1}");
  CHECK(redactSecrets("Bearer one, Bearer two\r\nnext") == "Bearer [redacted], Bearer [redacted]\r\nnext");
  // The word alone, with nothing after it, is left as it is.
  CHECK(redactSecrets("Bearer ") == "Bearer ");
}

TEST_CASE("text still arriving is released up to where a secret might begin", "[support][secrets]") {
  nemo::support::registerSecret("stream-secret-0123456789");
  using nemo::support::releasableLength;
  const std::string before = "Your key is ";
  CHECK(releasableLength(before + "stream-sec") == before.size());   // a beginning of the secret: held back
  CHECK(releasableLength(before + "stream-secret-0123456789 ok") == (before + "stream-secret-0123456789 ok").size());
  // (A tail as short as one character is held back when some secret begins with it: released with
  // the next chunk. Text ending in "." is released whole: no token begins with a dot.)
  CHECK(releasableLength("plain words.") == std::string("plain words.").size());
  CHECK(releasableLength("auth: Bearer abc") == std::string("auth: ").size());  // the credential may go on
  CHECK(releasableLength("auth: Bea") == std::string("auth: ").size());
  CHECK(releasableLength("auth: Bearer abc done.") == std::string("auth: Bearer abc done.").size());
}
