#include "support/Regex.h"

#include <stdexcept>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

namespace nemo::support {
namespace {

// Bounds on one match attempt: far above what our rules need on a chat reply, far below what
// a pathological input could make a backtracking matcher spend.
constexpr std::uint32_t kMatchLimit = 1'000'000;
constexpr std::uint32_t kDepthLimit = 10'000;

}  // namespace

struct Regex::Impl {
  pcre2_code* code = nullptr;
  pcre2_match_context* context = nullptr;
  ~Impl() {
    pcre2_match_context_free(context);
    pcre2_code_free(code);
  }
};

Regex::Regex(std::string_view pattern, LetterCase letterCase) : impl_(std::make_unique<Impl>()) {
  std::uint32_t flags = PCRE2_UTF | PCRE2_UCP;
  if (letterCase == LetterCase::Insensitive) flags |= PCRE2_CASELESS;
  int error = 0;
  PCRE2_SIZE offset = 0;
  impl_->code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(), flags, &error, &offset,
                              nullptr);
  if (impl_->code == nullptr) {
    PCRE2_UCHAR message[256];
    pcre2_get_error_message(error, message, sizeof message);
    throw std::invalid_argument("pattern error at " + std::to_string(offset) + ": " +
                                reinterpret_cast<const char*>(message));
  }
  // JIT is an optimisation: where the platform has none, the interpreter gives the same answers.
  pcre2_jit_compile(impl_->code, PCRE2_JIT_COMPLETE);
  impl_->context = pcre2_match_context_create(nullptr);
  pcre2_set_match_limit(impl_->context, kMatchLimit);
  pcre2_set_depth_limit(impl_->context, kDepthLimit);
}

Regex::~Regex() = default;
Regex::Regex(Regex&&) noexcept = default;
Regex& Regex::operator=(Regex&&) noexcept = default;

std::optional<Regex::Match> Regex::find(std::string_view text, std::size_t from) const {
  if (from > text.size()) return std::nullopt;
  std::unique_ptr<pcre2_match_data, decltype(&pcre2_match_data_free)> data(
      pcre2_match_data_create_from_pattern(impl_->code, nullptr), &pcre2_match_data_free);
  int count = pcre2_match(impl_->code, reinterpret_cast<PCRE2_SPTR>(text.data()), text.size(), from, 0, data.get(),
                          impl_->context);
  if (count <= 0) return std::nullopt;  // no match, invalid UTF-8, or a limit hit: all "no match"
  auto* vector = pcre2_get_ovector_pointer(data.get());
  auto groups = pcre2_get_ovector_count(data.get());
  Match match;
  match.groups.resize(groups);
  for (std::uint32_t i = 0; i < groups; ++i) {
    if (vector[2 * i] == PCRE2_UNSET) continue;
    match.groups[i] = Group{vector[2 * i], vector[2 * i + 1], true};
  }
  return match;
}

bool Regex::validUtf8(std::string_view text) {
  // PCRE2 checks the whole subject before it matches: the empty pattern matches valid text.
  static const Regex empty("");
  std::unique_ptr<pcre2_match_data, decltype(&pcre2_match_data_free)> data(pcre2_match_data_create(1, nullptr),
                                                                          &pcre2_match_data_free);
  return pcre2_match(empty.impl_->code, reinterpret_cast<PCRE2_SPTR>(text.data()), text.size(), 0, 0, data.get(),
                     nullptr) > 0;
}

}  // namespace nemo::support
