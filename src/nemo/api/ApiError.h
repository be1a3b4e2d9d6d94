// NemoVideo's error codes (shared/nemo-api.md) and the message a person can act on for each.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace nemo::api {

namespace code {
inline constexpr int kOk = 0;
inline constexpr int kTokenInvalid = 1001;
inline constexpr int kSessionNotFound = 1002;
inline constexpr int kOutOfCredits = 2001;
inline constexpr int kUnsupportedFile = 4001;
inline constexpr int kFileTooLarge = 4002;
inline constexpr int kMissingClientId = 400;
inline constexpr int kPlanBlocksExport = 402;
inline constexpr int kRateLimited = 429;
// Our own codes for failures that never reached a NemoVideo answer.
inline constexpr int kNetwork = -1;
inline constexpr int kCancelled = -2;
inline constexpr int kServerError = -3;   // 5xx or an answer we cannot read
inline constexpr int kLocal = -4;         // refused before sending (bad file, bad config)
}  // namespace code

struct ApiError {
  int code = 0;
  int httpStatus = 0;
  std::string message;         // for the person: what happened and what to do
  std::string backendMessage;  // what the backend said, when it said something
  nlohmann::json details = nlohmann::json::object();

  nlohmann::json toJson() const;
};

struct ErrorContext {
  std::string userId;                 // for the registration link of 2001
  std::string registerUrl;            // base of that link
  std::string acceptedFormats;        // for 4001, e.g. "mp4, mov, ..."
  std::string uploadLimit;            // for 4002, e.g. "200 MB"
  bool tokenFromEnvironment = false;  // 1001 cannot be repaired by us then
};

// Builds the error for a NemoVideo code (or HTTP status when the code is missing).
ApiError makeApiError(int code, int httpStatus, const std::string& backendMessage, const ErrorContext& context);

}  // namespace nemo::api
