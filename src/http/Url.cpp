// URL helpers of the HTTP layer: origin comparison (where a bearer token may go) and the
// loopback test (where plain http is acceptable).
#include <algorithm>
#include <cctype>
#include <string>

#include "http/HttpClient.h"

namespace nemo::http {
namespace {

struct Parts {
  std::string scheme, host, port;
};

Parts split(std::string_view url) {
  Parts parts;
  auto schemeEnd = url.find("://");
  if (schemeEnd == std::string_view::npos) return parts;
  parts.scheme = std::string(url.substr(0, schemeEnd));
  auto rest = url.substr(schemeEnd + 3);
  auto authorityEnd = rest.find_first_of("/?#");
  auto authority = rest.substr(0, authorityEnd);
  if (auto at = authority.rfind('@'); at != std::string_view::npos) authority = authority.substr(at + 1);
  if (!authority.empty() && authority.front() == '[') {
    auto close = authority.find(']');
    parts.host = std::string(authority.substr(1, close == std::string_view::npos ? authority.npos : close - 1));
    if (close != std::string_view::npos && close + 1 < authority.size() && authority[close + 1] == ':') {
      parts.port = std::string(authority.substr(close + 2));
    }
  } else {
    auto colon = authority.rfind(':');
    parts.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) parts.port = std::string(authority.substr(colon + 1));
  }
  auto lower = [](std::string& s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  };
  lower(parts.scheme);
  lower(parts.host);
  if (parts.port.empty()) parts.port = parts.scheme == "https" ? "443" : parts.scheme == "http" ? "80" : "";
  return parts;
}

}  // namespace

bool isLoopbackUrl(std::string_view url) {
  auto host = split(url).host;
  if (host == "localhost" || host == "::1") return true;
  // 127.0.0.0/8 written as a dotted address; a name like "127.example.com" is not loopback.
  return host.rfind("127.", 0) == 0 &&
         std::all_of(host.begin(), host.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)) || c == '.'; });
}

std::string originOf(std::string_view url) {
  auto parts = split(url);
  if (parts.scheme.empty() || parts.host.empty()) return {};
  return parts.scheme + "://" + parts.host + ":" + parts.port;
}

}  // namespace nemo::http
