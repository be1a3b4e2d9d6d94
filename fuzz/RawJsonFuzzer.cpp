// Fuzzes the draft span export sends back verbatim: rawJsonMember over any text. Whatever it
// returns lies inside the text, and in well-formed JSON it is itself one well-formed value.
#include <cstdint>

#include <nlohmann/json.hpp>

#include "FuzzInput.h"
#include "nemo/api/RawJson.h"

using namespace nemo;

namespace {

void check(std::string_view text, bool wellFormed, std::optional<std::string_view> span, const char* path) {
  if (!span) return;
  if (span->data() < text.data() || span->data() + span->size() > text.data() + text.size()) {
    fuzz::finding(std::string("the span of ") + path + " lies outside the text");
  }
  if (wellFormed && !nlohmann::json::accept(*span)) {
    fuzz::finding(std::string("the span of ") + path + " in well-formed JSON is not JSON: " +
                  std::string(span->substr(0, 200)));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto text = fuzz::asText(data, size);
  bool wellFormed = nlohmann::json::accept(text);
  // The two paths export reads (Renders::start), and the top value itself.
  check(text, wellFormed, api::rawJsonMember(text, {"data", "state", "draft"}), "data.state.draft");
  check(text, wellFormed, api::rawJsonMember(text, {"data", "draft"}), "data.draft");
  check(text, wellFormed, api::rawJsonMember(text, {}), "the top value");
  return 0;
}
