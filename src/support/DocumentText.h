// Text out of the documents a user attaches to a chat message (.txt, .md, .pdf, .docx),
// extracted locally and bounded in size, so the video editor can read a script or a brief.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>

namespace nemo::support {

struct DocumentText {
  std::string text;
  bool truncated = false;  // cut at the limit
  std::string error;       // non-empty: nothing could be read, and why (for the person)
};

// PDF through pdftotext (poppler-utils), DOCX through unzip (it is a zip of XML), text as is.
DocumentText extractDocumentText(const std::filesystem::path& path, std::size_t maxBytes);

}  // namespace nemo::support
