// Fuzzes the skill manifest reader: a SKILL.md (YAML front matter checked against its schema, then
// markdown). It promises never to throw; a manifest it accepts has the fields headers are made of.
#include <cstdint>

#include "FuzzInput.h"
#include "nemo/skill/SkillManifest.h"

using namespace nemo;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto parsed = skill::parseSkillManifest(fuzz::asText(data, size));
  if (parsed && (parsed.manifest->slug.empty() || parsed.manifest->version.empty())) {
    fuzz::finding("a manifest was accepted without a name or a version");
  }
  if (!parsed && parsed.error.empty()) fuzz::finding("a manifest was refused without a reason");
  return 0;
}
