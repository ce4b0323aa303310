// The text of a file given to nemo-send with -f: plain text and Markdown as they are, Word
// documents (.docx) and PDFs through their libraries (lib/docx.h, lib/pdf.h). This file and those
// two form the nemo_documents library, linked only into nemo-send.
#pragma once

#include <cstddef>
#include <string>

namespace nemo {

// By extension: .txt/.md/.markdown/.text/none as they are (a pipe such as <(…) too), .docx and
// .pdf as one paragraph per line. Reads at most about `max_bytes` + 1 bytes of text, so a result
// longer than `max_bytes` means "over the limit" without reading the rest. Errors name `path`:
// unreadable or a directory → kExitUsage; an unknown type or a broken document →
// kExitUnsupportedFile. The text is not checked further (see MessageBuilder).
std::string ReadDocument(const std::string& path, std::size_t max_bytes);

// Whether `word` names an existing regular file with a document's extension (.txt, .md,
// .markdown, .text, .pdf, .docx): a message argument that is exactly that is a forgotten -f.
bool LooksLikeDocument(const std::string& word);

}  // namespace nemo
