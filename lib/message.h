// The message nemo-send sends: from an argument, stdin, or an instruction with documents (-f).
// Every source ends in CheckMessage, so the same rules hold whatever the source: not blank,
// valid UTF-8 (kept byte for byte), at most kMaxMessageBytes. Failures throw nemo::Error.
#pragma once

#include <cstddef>
#include <cstdio>
#include <string>

#include "text.h"  // IsValidUtf8, once declared here

namespace nemo {

inline constexpr std::size_t kMaxMessageBytes = std::size_t{1} << 20;  // 1 MiB

// Returns `text` unchanged when it may be sent; Error(kExitUsage) naming `source` otherwise
// (blank, invalid UTF-8, over the limit).
std::string CheckMessage(std::string text, const std::string& source);

// Reads at most kMaxMessageBytes + 1 bytes from `in` (so an oversized message is refused
// without reading it all) and checks it.
std::string ReadMessageStream(std::FILE* in, const std::string& source);

// An instruction and the documents it is about, in one message:
//
//   turn this blog intro into a 30-second video
//
//   --- document: blog.docx ---
//   Spring at the bakery
//   …
//   --- end of blog.docx ---
//
// A document is labelled with its file name, not its path (the server has no use for the
// user's directories). One document without an instruction is the message itself, as it is: a
// prompt kept in a file. The limit holds for the whole message, and the document that takes it
// over is the one named in the error.
class MessageBuilder {
 public:
  // `instruction` may be empty (then only the documents are sent); `documents` is how many
  // will be added.
  MessageBuilder(std::string instruction, std::size_t documents);

  // How many bytes of text the document at `path` may still bring (ReadDocument's max_bytes).
  std::size_t RoomFor(const std::string& path) const;
  // Adds a document's text. Error(kExitUsage) naming `path` when the text is not UTF-8, is
  // blank, or is longer than RoomFor(path).
  void Add(const std::string& path, std::string text);
  // The whole message, checked.
  std::string Finish() &&;

 private:
  std::string message_;
  bool as_is_;  // one document, no instruction
  bool has_instruction_ = false;
  std::size_t added_ = 0;
};

// The lines around a document, also read by nemo-sandbox's agent.
inline constexpr const char* kDocumentStart = "--- document: ";
inline constexpr const char* kDocumentEnd = "--- end of ";

}  // namespace nemo
