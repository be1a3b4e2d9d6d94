// Fuzzes the timeline reader: a state answer or a draft as NemoVideo might send it, read into
// tracks, summarised, described as data and compared (a draft never differs from itself).
#include <cstdint>

#include <nlohmann/json.hpp>

#include "FuzzInput.h"
#include "nemo/api/Draft.h"

using namespace nemo;

namespace {

// The draft of the README's example: three tracks, the usual comparison partner.
const api::Draft& reference() {
  static const api::Draft draft = *api::Draft::fromText(
      R"({"t":[{"tt":0,"sg":[{"d":10000,"m":{"name":"city timelapse"}}]},)"
      R"({"tt":1,"sg":[{"d":10000,"m":{"name":"Lo-fi","volume":0.35}}]},)"
      R"({"tt":7,"sg":[{"d":3000,"m":{"text":"Urban Dreams"}}]}]})");
  return draft;
}

void exercise(const api::Draft& draft) {
  (void)draft.summary();
  (void)draft.toJson().dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  (void)draft.notExportableReason();
  (void)api::formatSeconds(draft.durationMs());
  if (auto changes = api::diffDrafts(draft, draft); !changes.empty()) {
    fuzz::finding("a draft differs from itself: " + changes.front());
  }
  (void)api::diffDrafts(reference(), draft);
  (void)api::diffDrafts(draft, reference());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto text = fuzz::asText(data, size);
  // The input as a draft (export and the chat's diff read it so) ...
  if (auto draft = api::Draft::fromText(text)) exercise(*draft);
  // ... and as the data of a state answer (the state tool finds the draft in it).
  auto answer = nlohmann::json::parse(text, nullptr, false);
  if (!answer.is_discarded()) {
    (void)api::stateObjectOf(answer);
    exercise(api::Draft::fromJson(api::draftOf(answer)));
  }
  return 0;
}
