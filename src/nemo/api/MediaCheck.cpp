#include "nemo/api/MediaCheck.h"

#include <algorithm>
#include <fstream>
#include <unistd.h>

#include "support/Paths.h"

namespace nemo::api {
namespace {

struct Format {
  const char* extension;
  const char* contentType;
  const char* kind;
};

constexpr Format kFormats[] = {
    {"mp4", "video/mp4", "video"},    {"mov", "video/quicktime", "video"}, {"avi", "video/x-msvideo", "video"},
    {"webm", "video/webm", "video"},  {"mkv", "video/x-matroska", "video"}, {"jpg", "image/jpeg", "image"},
    {"jpeg", "image/jpeg", "image"},  {"png", "image/png", "image"},        {"gif", "image/gif", "image"},
    {"webp", "image/webp", "image"},  {"mp3", "audio/mpeg", "audio"},       {"wav", "audio/wav", "audio"},
    {"m4a", "audio/mp4", "audio"},    {"aac", "audio/aac", "audio"},
};

bool at(std::string_view head, std::size_t offset, std::string_view bytes) {
  return head.size() >= offset + bytes.size() && head.substr(offset, bytes.size()) == bytes;
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

std::string megabytes(std::uint64_t bytes) {
  return std::to_string((bytes + 1024 * 1024 - 1) / (1024 * 1024)) + " MB";
}

}  // namespace

bool signatureMatches(const std::string& extension, std::string_view head) {
  using namespace std::string_view_literals;
  if (extension == "mp4" || extension == "m4a") return at(head, 4, "ftyp");
  if (extension == "mov") {
    return at(head, 4, "ftyp") || at(head, 4, "moov") || at(head, 4, "mdat") || at(head, 4, "wide") ||
           at(head, 4, "free") || at(head, 4, "skip");
  }
  if (extension == "avi") return at(head, 0, "RIFF") && at(head, 8, "AVI ");
  if (extension == "wav") return at(head, 0, "RIFF") && at(head, 8, "WAVE");
  if (extension == "webp") return at(head, 0, "RIFF") && at(head, 8, "WEBP");
  if (extension == "webm" || extension == "mkv") return at(head, 0, "\x1A\x45\xDF\xA3"sv);
  if (extension == "jpg" || extension == "jpeg") return at(head, 0, "\xFF\xD8\xFF"sv);
  if (extension == "png") return at(head, 0, "\x89PNG\r\n\x1A\n"sv);
  if (extension == "gif") return at(head, 0, "GIF87a") || at(head, 0, "GIF89a");
  if (extension == "mp3") {
    return at(head, 0, "ID3") ||
           (head.size() >= 2 && static_cast<unsigned char>(head[0]) == 0xFF && (static_cast<unsigned char>(head[1]) & 0xE0) == 0xE0);
  }
  if (extension == "aac") {
    return at(head, 0, "ADIF") ||
           (head.size() >= 2 && static_cast<unsigned char>(head[0]) == 0xFF && (static_cast<unsigned char>(head[1]) & 0xF6) == 0xF0);
  }
  return false;
}

MediaCheck checkMediaFile(const std::string& given, const std::vector<std::string>& acceptedFormats,
                          std::uint64_t maxBytes) {
  MediaCheck check;
  auto path = support::expandUserPath(given);
  std::error_code ec;
  check.file.path = path;
  auto status = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(status)) {
    check.error = given + ": no such file.";
    return check;
  }
  if (std::filesystem::is_directory(status)) {
    check.error = given + " is a folder; give the paths of the files in it.";
    return check;
  }
  if (!std::filesystem::is_regular_file(status)) {
    check.error = given + " is not a regular file.";
    return check;
  }
  if (::access(path.c_str(), R_OK) != 0) {
    check.error = given + " cannot be read (permission denied).";
    return check;
  }
  auto extension = path.extension().string();
  if (!extension.empty()) extension.erase(0, 1);
  std::transform(extension.begin(), extension.end(), extension.begin(), [](unsigned char c) { return std::tolower(c); });
  auto accepted = acceptedFormats;
  if (std::find(accepted.begin(), accepted.end(), "jpg") != accepted.end()) accepted.push_back("jpeg");
  const Format* format = nullptr;
  for (const auto& known : kFormats) {
    if (extension == known.extension) format = &known;
  }
  if (format == nullptr || std::find(accepted.begin(), accepted.end(), extension) == accepted.end()) {
    check.error = given + ": ." + (extension.empty() ? std::string("(no extension)") : extension) +
                  " files are not accepted. Accepted formats: " + joined(acceptedFormats) + ".";
    return check;
  }
  check.file.extension = extension;
  check.file.contentType = format->contentType;
  check.file.kind = format->kind;
  check.file.size = std::filesystem::file_size(path, ec);
  if (check.file.size > maxBytes) {
    check.error = given + " is " + megabytes(check.file.size) + ", over this skill's upload limit of " +
                  megabytes(maxBytes) + ". Compress or trim it first.";
    return check;
  }
  std::ifstream in(path, std::ios::binary);
  std::string head(32, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<std::size_t>(in.gcount()));
  if (!signatureMatches(extension, head)) {
    check.error = given + " is named ." + extension + " but its content is not " + extension +
                  " (wrong extension, or a damaged file). Rename it to its real type or export it again.";
    return check;
  }
  return check;
}

}  // namespace nemo::api
