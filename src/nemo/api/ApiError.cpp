#include "nemo/api/ApiError.h"

namespace nemo::api {

nlohmann::json ApiError::toJson() const {
  nlohmann::json out{{"code", code}, {"message", message}};
  if (httpStatus != 0) out["http_status"] = httpStatus;
  if (!backendMessage.empty()) out["backend_message"] = backendMessage;
  for (const auto& [key, value] : details.items()) out[key] = value;
  return out;
}

ApiError makeApiError(int errorCode, int httpStatus, const std::string& backendMessage, const ErrorContext& context) {
  ApiError error;
  error.code = errorCode;
  error.httpStatus = httpStatus;
  error.backendMessage = backendMessage;
  switch (errorCode) {
    case code::kTokenInvalid:
      error.message = context.tokenFromEnvironment
                          ? "The NemoVideo token in NEMO_TOKEN is invalid or expired. Set a fresh token, or unset "
                            "NEMO_TOKEN to let the server get a free one by itself."
                          : "The NemoVideo token was rejected even after getting a new one. Please try again in a "
                            "minute.";
      break;
    case code::kSessionNotFound:
      error.message = "This editing session no longer exists on NemoVideo (its timeline is gone). Start a new one "
                      "with create_session.";
      break;
    case code::kOutOfCredits: {
      if (!context.userId.empty()) {
        auto link = context.registerUrl + "?bind=" + context.userId;
        error.message = "You are out of NemoVideo credits. Register for free at " + link +
                        " to keep this work and get more credits; if you already have an account, top up your "
                        "credits there.";
        error.details["register_url"] = link;
      } else {
        error.message = "You are out of NemoVideo credits. Top up the credits of your NemoVideo account (or register "
                        "at " + context.registerUrl + ").";
      }
      break;
    }
    case code::kUnsupportedFile:
      error.message = "NemoVideo does not accept this file type. Accepted formats: " +
                      (context.acceptedFormats.empty() ? std::string("mp4, mov, avi, webm, mkv, jpg, png, gif, webp, "
                                                                     "mp3, wav, m4a, aac")
                                                       : context.acceptedFormats) +
                      ".";
      break;
    case code::kFileTooLarge:
      error.message = "The file is too large" +
                      (context.uploadLimit.empty() ? std::string() : " (the limit is " + context.uploadLimit + ")") +
                      ". Compress it or trim it, then upload again.";
      break;
    case code::kMissingClientId:
      error.message = "NemoVideo asked for a client id that was missing. Please try again.";
      break;
    case code::kPlanBlocksExport:
      error.message = "Export is blocked on the free plan. This is a plan limit, not a lack of credits: register "
                      "or upgrade your NemoVideo plan to unlock export.";
      break;
    case code::kRateLimited:
      // The client adds whether it waited and retried, with the wait it used.
      error.message = "NemoVideo is rate limiting requests from this computer.";
      break;
    case code::kNetwork:
      error.message = "Could not reach NemoVideo: " + backendMessage + ". Check the network connection and try again.";
      break;
    case code::kLocal:
      error.message = backendMessage;
      break;
    case code::kCancelled:
      error.message = "The call was cancelled.";
      break;
    case code::kServerError:
      error.message = "NemoVideo had a problem answering" +
                      (httpStatus != 0 ? " (HTTP " + std::to_string(httpStatus) + ")" : std::string()) +
                      ". Please try again in a moment.";
      break;
    default:
      error.message = "NemoVideo answered with error " + std::to_string(errorCode) +
                      (backendMessage.empty() ? std::string(".") : ": " + backendMessage);
      break;
  }
  return error;
}

}  // namespace nemo::api
