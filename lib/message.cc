#include "message.h"

#include <cctype>
#include <cerrno>
#include <cstring>

#include "error.h"

namespace nemo {
namespace {

Error TooLong(const std::string& source, const std::string& with = "") {
  return Error(kExitUsage, source + ": message too long" + with + " (over 1 MiB; limit 1 MiB)",
               with.empty() ? "send a shorter message, or split it into several runs"
                            : "the limit is for the instruction and every -f file together: "
                              "send fewer or shorter files");
}

bool Blank(const std::string& text) {
  for (unsigned char c : text) {
    if (!std::isspace(c)) return false;
  }
  return true;
}

void RequireUtf8(const std::string& text, const std::string& source) {
  std::size_t bad = 0;
  if (!IsValidUtf8(text, &bad)) {
    throw Error(kExitUsage, source + ": not valid UTF-8 (at byte " + std::to_string(bad) + ")",
                "convert it first, e.g. iconv -f latin1 -t utf-8");
  }
}

// The label of a document: its file name, made printable on one line.
std::string Label(const std::string& path) {
  std::size_t slash = path.find_last_of('/');
  std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
  if (!IsValidUtf8(name)) name = ReplaceInvalidUtf8(name);
  for (char& c : name) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  }
  return name;
}

std::string Header(const std::string& path) { return kDocumentStart + Label(path) + " ---\n"; }
std::string Footer(const std::string& path) {
  // Appended: GCC 12 -O3 warns (-Wrestrict, a false alarm) on `"\n" + std::string(…) + …`.
  std::string footer = "\n";
  footer.append(kDocumentEnd).append(Label(path)).append(" ---");
  return footer;
}

std::string Trimmed(std::string text) {
  std::size_t end = text.size();
  while (end > 0 && std::isspace(static_cast<unsigned char>(text[end - 1]))) --end;
  text.resize(end);
  std::size_t start = 0;
  while (start < text.size() && (text[start] == '\n' || text[start] == '\r')) ++start;
  return text.substr(start);
}

}  // namespace

std::string CheckMessage(std::string text, const std::string& source) {
  if (text.size() > kMaxMessageBytes) throw TooLong(source);
  RequireUtf8(text, source);
  if (Blank(text)) {
    throw Error(kExitUsage, source + ": the message is empty",
                "say what the video should be, e.g. nemo-send \"a 10-second video of a city\"");
  }
  return text;
}

std::string ReadMessageStream(std::FILE* in, const std::string& source) {
  std::string text;
  char buffer[65536];
  while (text.size() <= kMaxMessageBytes) {
    std::size_t want = std::min(sizeof buffer, kMaxMessageBytes + 1 - text.size());
    std::size_t n = std::fread(buffer, 1, want, in);
    if (n == 0) break;
    text.append(buffer, n);
  }
  if (std::ferror(in)) {
    throw Error(kExitUsage, source + ": read failed: " + std::strerror(errno));
  }
  return CheckMessage(std::move(text), source);
}

MessageBuilder::MessageBuilder(std::string instruction, std::size_t documents)
    : as_is_(documents == 1 && Blank(instruction)) {
  if (Blank(instruction)) return;
  // The instruction is checked before any document is read: a bad one costs no reading.
  if (instruction.size() > kMaxMessageBytes) throw TooLong("message");
  RequireUtf8(instruction, "message");
  message_ = std::move(instruction);
  has_instruction_ = true;
}

std::size_t MessageBuilder::RoomFor(const std::string& path) const {
  std::size_t overhead =
      as_is_ ? 0 : (message_.empty() ? 0 : 2) + Header(path).size() + Footer(path).size();
  std::size_t used = message_.size() + overhead;
  return used >= kMaxMessageBytes ? 0 : kMaxMessageBytes - used;
}

void MessageBuilder::Add(const std::string& path, std::string text) {
  std::size_t room = RoomFor(path);
  if (as_is_) {
    message_ = CheckMessage(std::move(text), path);
    ++added_;
    return;
  }
  RequireUtf8(text, path);
  // Measured before trimming: a text cut at room + 1 bytes may go on past what was read.
  if (text.size() > room) {
    std::string with;
    if (has_instruction_) with = "the instruction";
    if (added_ > 0) {
      with += std::string(with.empty() ? "" : " and ") + std::to_string(added_) +
              (added_ == 1 ? " file" : " files") + " before it";
    }
    throw TooLong(path, with.empty() ? "" : " with " + with);
  }
  text = Trimmed(std::move(text));
  if (text.empty()) {
    throw Error(kExitUsage, path + ": no text in this file",
                "a scanned PDF holds pictures of its text: convert it with OCR first");
  }
  message_ += (message_.empty() ? "" : "\n\n") + Header(path) + text + Footer(path);
  ++added_;
}

std::string MessageBuilder::Finish() && { return CheckMessage(std::move(message_), "message"); }

}  // namespace nemo
