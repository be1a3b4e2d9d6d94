#include "support/DocumentText.h"

#include <algorithm>
#include <chrono>
#include <fstream>
#include <iterator>
#include <sstream>

#include "support/Subprocess.h"

namespace nemo::support {
namespace {

std::string lowerExtension(const std::filesystem::path& path) {
  auto ext = path.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  return ext;
}

// Runs a converter with a time limit; its stdout, or an error.
bool runTool(const std::string& tool, const std::vector<std::string>& args, std::string& out, std::string& error) {
  if (!programOnPath(tool)) {
    error = tool + " is not installed (Debian: apt-get install " + (tool == "pdftotext" ? "poppler-utils" : tool) + ")";
    return false;
  }
  auto run = runProgram(tool, args, std::chrono::seconds(20), 64 * 1024 * 1024);
  if (!run.started || run.timedOut || run.exitCode != 0) {
    error = tool + (run.timedOut ? " took too long to read the file" : " could not read the file");
    return false;
  }
  out = std::move(run.output);
  return true;
}

// word/document.xml to plain text: paragraphs become lines, tags go, entities are decoded.
std::string docxXmlToText(const std::string& xml) {
  std::string text;
  for (std::size_t i = 0; i < xml.size();) {
    if (xml[i] == '<') {
      auto end = xml.find('>', i);
      if (end == std::string::npos) break;
      auto tag = std::string_view(xml).substr(i, end - i + 1);
      if (tag.rfind("</w:p>", 0) == 0 || tag.rfind("<w:br", 0) == 0) text += '\n';
      else if (tag.rfind("<w:tab", 0) == 0) text += '\t';
      i = end + 1;
    } else if (xml[i] == '&') {
      static const std::pair<std::string_view, char> kEntities[] = {
          {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''}};
      bool matched = false;
      for (const auto& [entity, c] : kEntities) {
        if (std::string_view(xml).substr(i, entity.size()) == entity) {
          text += c;
          i += entity.size();
          matched = true;
          break;
        }
      }
      if (!matched) text += xml[i++];
    } else {
      text += xml[i++];
    }
  }
  return text;
}

// Cuts at the limit without splitting a UTF-8 sequence.
void bound(DocumentText& doc, std::size_t maxBytes) {
  if (doc.text.size() <= maxBytes) return;
  auto cut = maxBytes;
  while (cut > 0 && (static_cast<unsigned char>(doc.text[cut]) & 0xC0) == 0x80) --cut;
  doc.text.resize(cut);
  doc.truncated = true;
}

}  // namespace

DocumentText extractDocumentText(const std::filesystem::path& path, std::size_t maxBytes) {
  DocumentText doc;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    doc.error = "no such file: " + path.string();
    return doc;
  }
  auto ext = lowerExtension(path);
  if (ext == ".txt" || ext == ".md" || ext == ".markdown") {
    std::ifstream in(path, std::ios::binary);
    doc.text.resize(maxBytes + 4);
    in.read(doc.text.data(), static_cast<std::streamsize>(doc.text.size()));
    doc.text.resize(static_cast<std::size_t>(in.gcount()));
  } else if (ext == ".pdf") {
    if (!runTool("pdftotext", {"-enc", "UTF-8", "-layout", path.string(), "-"}, doc.text, doc.error)) return doc;
  } else if (ext == ".docx") {
    std::string xml;
    if (!runTool("unzip", {"-p", path.string(), "word/document.xml"}, xml, doc.error)) return doc;
    doc.text = docxXmlToText(xml);
  } else {
    doc.error = "unsupported document type " + ext + " (use .txt, .md, .pdf or .docx)";
    return doc;
  }
  bound(doc, maxBytes);
  return doc;
}

}  // namespace nemo::support
