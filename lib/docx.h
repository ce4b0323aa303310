// The text of a Word document (.docx), read with libzip and libxml2's streaming reader: memory
// holds the text and the list numbering, never the XML. Linked only into nemo-send.
#pragma once

#include <cstddef>
#include <string>

namespace nemo {

// One line per paragraph: list items start with their marker ("- ", "1. ", "a. "), indented two
// spaces a level; a table row is one line with its cells joined by " | "; tabs stay tabs, line
// breaks inside a paragraph stay newlines; empty paragraphs, deleted text and field codes are
// left out. Stops once the text is longer than `max_bytes` (the caller then refuses it).
// Errors name `path`: not a zip, no word/document.xml, broken XML → Error(kExitUnsupportedFile).
std::string DocxText(const std::string& path, std::size_t max_bytes);

}  // namespace nemo
