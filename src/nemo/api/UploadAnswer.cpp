#include "nemo/api/UploadAnswer.h"

#include "support/JsonAccess.h"

namespace nemo::api {
namespace {

using nlohmann::json;

// The names versions of the service give the list of files, the documented one first.
constexpr const char* kListKeys[] = {"files", "items", "uploaded", "media", "results", "list"};
constexpr const char* kRejectedKeys[] = {"errors", "failed", "rejected"};

std::string firstText(const json& object, std::initializer_list<const char*> keys) {
  for (const char* key : keys) {
    if (auto text = support::textAt(object, key); !text.empty()) return text;
  }
  return {};
}

bool looksLikeFile(const json& value) {
  if (!value.is_object()) return false;
  for (const char* key : {"filename", "name", "file_name", "cdn_url", "url", "file_url"}) {
    if (value.contains(key)) return true;
  }
  return false;
}

// One accepted file in the few fields an agent needs.
json describeFile(const json& file) {
  if (file.is_string()) return json{{"name", file.get<std::string>()}};
  json out = json::object();
  if (auto name = firstText(file, {"filename", "name", "file_name", "original_name", "title"}); !name.empty()) {
    out["name"] = name;
  }
  if (auto type = firstText(file, {"file_type", "type", "media_type", "mime_type"}); !type.empty()) out["type"] = type;
  if (auto url = firstText(file, {"cdn_url", "url", "file_url"}); !url.empty()) out["url"] = url;
  for (const char* key : {"duration", "size", "width", "height", "fps"}) {
    if (auto number = support::numberAt(file, key)) out[key] = *number;
  }
  return out;
}

json describeRejected(const json& file) {
  if (!file.is_object()) {
    return json{{"filename", file.is_string() ? file.get<std::string>() : file.dump()}, {"code", 0}, {"message", ""}};
  }
  return json{{"filename", firstText(file, {"filename", "name", "file_name", "url"})},
              {"code", support::intAt(file, "code")},
              {"message", firstText(file, {"message", "msg", "error", "reason"})}};
}

const json* fileList(const json& data) {
  if (data.is_array()) return &data;
  if (!data.is_object()) return nullptr;
  for (const char* key : kListKeys) {
    auto found = data.find(key);
    if (found != data.end() && found->is_array()) return &*found;
  }
  return nullptr;
}

}  // namespace

UploadAnswer readUploadAnswer(const json& data) {
  UploadAnswer answer;
  auto add = [&](const json& file) {
    if (file.is_object() && support::intAt(file, "code") != 0) answer.rejected.push_back(describeRejected(file));
    else if (file.is_object() || file.is_string()) answer.uploaded.push_back(describeFile(file));
  };
  if (const json* list = fileList(data)) {
    answer.listed = true;
    for (const auto& file : *list) add(file);
  } else if (looksLikeFile(data)) {
    answer.listed = true;  // one file, described at the top of data
    add(data);
  }
  if (data.is_object()) {
    for (const char* key : kRejectedKeys) {
      for (const auto& file : support::arrayAt(data, key)) answer.rejected.push_back(describeRejected(file));
    }
  }
  // Entries we could not read at all (numbers, empty objects) do not count as a listing.
  json readable = json::array();
  for (auto& item : answer.uploaded) {
    if (!item.empty()) readable.push_back(std::move(item));
  }
  answer.uploaded = std::move(readable);
  if (answer.uploaded.empty() && answer.rejected.empty()) answer.listed = false;
  return answer;
}

}  // namespace nemo::api
