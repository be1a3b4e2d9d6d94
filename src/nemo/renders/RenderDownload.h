// Fetching a rendered MP4 into a file: from its output URL without credentials when that is
// https (or on this machine), else, or when that fails, through NemoVideo's authorised
// download. The bearer token never goes to the output host.
#pragma once

#include <filesystem>
#include <stop_token>
#include <string>

#include "http/HttpClient.h"
#include "nemo/api/NemoClient.h"
#include "nemo/renders/RenderJob.h"

namespace nemo::renders {

struct FetchOutcome {
  // Retry: worth another try later; Failed: it will not work (the plan forbids it); LocalProblem:
  // this machine could not write the file (read-only folder, full disk).
  enum class Kind { Fetched, Retry, Failed, LocalProblem };
  Kind kind = Kind::Retry;
  std::string why;
};

// Writes the render's MP4 to `temp` (created exclusively; removed again unless fetched).
FetchOutcome fetchRenderedVideo(api::NemoClient& client, http::HttpClient& http, const RenderJob& job,
                                const std::filesystem::path& temp, const std::stop_token& stop);

// True when the file begins with an MP4 `ftyp` box.
bool looksLikeMp4(const std::filesystem::path& file);

}  // namespace nemo::renders
