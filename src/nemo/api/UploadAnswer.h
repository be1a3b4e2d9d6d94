// What NemoVideo made of an upload, read liberally: the documented `data.files[]` and the
// other shapes versions of the service use (`items`, `uploaded`, `media`, a bare array;
// `filename`/`name`, `file_type`/`type`, `cdn_url`/`url`). An answer with code 0 is a success
// whatever its shape: what cannot be read is said, never turned into "0 files uploaded".
#pragma once

#include <nlohmann/json.hpp>

namespace nemo::api {

struct UploadAnswer {
  nlohmann::json uploaded = nlohmann::json::array();  // {name, type, url, duration, size, width, height, fps}
  nlohmann::json rejected = nlohmann::json::array();  // {filename, code, message}
  bool listed = false;  // the answer had a list of files we could read (possibly empty)
};

// `data`: the envelope's data (or the whole answer when it has none). Untrusted: any type.
UploadAnswer readUploadAnswer(const nlohmann::json& data);

}  // namespace nemo::api
