// Tests of the URL helpers: origins (scheme, lower-cased host, default ports) decide where a
// bearer token may go; the loopback test decides where plain http is allowed.
#include <catch2/catch.hpp>

#include "http/HttpClient.h"

using nemo::http::isLoopbackUrl;
using nemo::http::originOf;

TEST_CASE("origins fill in default ports and lower-case scheme and host", "[http][url]") {
  CHECK(originOf("https://api.example.com/path?q=1") == "https://api.example.com:443");
  CHECK(originOf("https://api.example.com:443") == "https://api.example.com:443");
  CHECK(originOf("http://api.example.com") == "http://api.example.com:80");
  CHECK(originOf("HTTPS://API.Example.COM/X") == "https://api.example.com:443");
  CHECK(originOf("http://127.0.0.1:8080/api") == "http://127.0.0.1:8080");
  CHECK(originOf("http://user:pw@host.example:81/") == "http://host.example:81");
  CHECK(originOf("https://h.example#frag") == "https://h.example:443");
}

TEST_CASE("different ports, schemes or hosts are different origins", "[http][url]") {
  CHECK(originOf("https://a.example") != originOf("http://a.example"));
  CHECK(originOf("https://a.example") != originOf("https://a.example:8443"));
  CHECK(originOf("https://a.example") != originOf("https://b.example"));
  CHECK(originOf("https://a.example/x") == originOf("https://A.EXAMPLE:443/y"));
}

TEST_CASE("a URL without scheme or host has no origin", "[http][url]") {
  CHECK(originOf("api.example.com/path") == "");
  CHECK(originOf("") == "");
  CHECK(originOf("https:///path") == "");
}

TEST_CASE("loopback URLs", "[http][url]") {
  CHECK(isLoopbackUrl("http://127.0.0.1:8080/api"));
  CHECK(isLoopbackUrl("http://127.1.2.3/"));
  CHECK(isLoopbackUrl("http://localhost:3000"));
  CHECK(isLoopbackUrl("http://LOCALHOST/"));
  CHECK(isLoopbackUrl("http://[::1]:9000/x"));
  CHECK(isLoopbackUrl("http://[::1]"));
}

TEST_CASE("names that only look like loopback are not", "[http][url]") {
  CHECK_FALSE(isLoopbackUrl("http://127.evil.com/"));
  CHECK_FALSE(isLoopbackUrl("http://127.0.0.1.evil.com/"));
  CHECK_FALSE(isLoopbackUrl("http://example.com"));
  CHECK_FALSE(isLoopbackUrl("http://localhost.evil.com/"));
  CHECK_FALSE(isLoopbackUrl("http://127.0.0.1@evil.com/"));  // userinfo, the host is evil.com
  CHECK_FALSE(isLoopbackUrl("https://10.0.0.1"));
  CHECK_FALSE(isLoopbackUrl("not a url"));
}
