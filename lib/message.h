// The message nemo-send sends: from an argument, a file (txt, md, pdf, docx) or stdin. Every
// source ends in CheckMessage, so the same rules hold whatever the source: not blank, valid
// UTF-8 (kept byte for byte), at most kMaxMessageBytes. Failures throw nemo::Error.
#pragma once

#include <cstddef>
#include <cstdio>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "text.h"  // IsValidUtf8, once declared here

namespace nemo {

inline constexpr std::size_t kMaxMessageBytes = std::size_t{1} << 20;  // 1 MiB

// Returns `text` unchanged when it may be sent; Error(kExitUsage) naming `source` otherwise
// (blank, invalid UTF-8, over the limit).
std::string CheckMessage(std::string text, const std::string& source);

// Reads at most kMaxMessageBytes + 1 bytes from `in` (so an oversized message is refused
// without reading it all) and checks it.
std::string ReadMessageStream(std::FILE* in, const std::string& source);

// By extension: .txt/.md/.markdown/.text as they are, .pdf through pdftotext, .docx through
// `unzip -p FILE word/document.xml`. Other types: Error(kExitUnsupportedFile).
std::string ReadMessageFile(const std::string& path);

// The text of a docx's word/document.xml, fed in chunks of any size: tags stripped, paragraphs
// (</w:p>) and breaks (<w:br/>, <w:cr/>) become newlines, tabs tabs, entities decoded. Memory
// holds the text and one tag, never the XML.
class DocxText {
 public:
  void Feed(std::string_view xml);
  // The text so far; call Finish first at the end of the XML.
  const std::string& text() const { return text_; }
  void Finish();

 private:
  void EndTag();
  void EndEntity();
  std::string text_;
  std::string tag_;     // inside <…>
  std::string entity_;  // inside &…;
  char tag_last_ = 0;   // the tag's last character: '/' for <w:p/>
  bool in_tag_ = false;
  bool in_entity_ = false;
};

// Runs `argv` (argv[0] looked up in PATH; no shell) with stdin from /dev/null and passes its
// stdout to `on_output` chunk by chunk; returning false stops the child (SIGTERM). Returns the
// exit status (-1 when stopped or killed by a signal). A program that is not installed throws
// Error(kExitUnsupportedFile, "<what>: needs <program>", missing_hint).
int RunProgram(const std::vector<std::string>& argv,
               const std::function<bool(std::string_view)>& on_output, const std::string& what,
               const std::string& missing_hint);

}  // namespace nemo
