#include "message.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>

#include "error.h"

extern char** environ;

namespace nemo {
namespace {

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string Extension(const std::string& path) {
  std::size_t slash = path.find_last_of('/');
  std::size_t dot = path.find_last_of('.');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash)) return "";
  return Lower(path.substr(dot + 1));
}

std::string LimitText() { return "limit 1 MiB"; }

Error TooLong(const std::string& source) {
  return Error(kExitUsage, source + ": message too long (over 1 MiB; " + LimitText() + ")",
               "send a shorter message, or split it into several runs");
}

// Appends UTF-8 for a code point (entities in the docx XML).
void AppendUtf8(std::string& out, unsigned long cp) {
  if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Reads the file as it is, up to the limit plus one byte.
std::string ReadPlainFile(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) {
    throw Error(kExitUsage, path + ": cannot read: " + std::strerror(errno));
  }
  std::string text;
  try {
    text = ReadMessageStream(f, path);
  } catch (...) {
    std::fclose(f);
    throw;
  }
  std::fclose(f);
  return text;
}

void RequireReadableFile(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw Error(kExitUsage, path + ": cannot read: " + std::strerror(errno));
  close(fd);
}

}  // namespace

std::string CheckMessage(std::string text, const std::string& source) {
  if (text.size() > kMaxMessageBytes) throw TooLong(source);
  std::size_t bad = 0;
  if (!IsValidUtf8(text, &bad)) {
    throw Error(kExitUsage, source + ": not valid UTF-8 (at byte " + std::to_string(bad) + ")",
                "convert it first, e.g. iconv -f latin1 -t utf-8");
  }
  bool blank = true;
  for (unsigned char c : text) {
    if (!std::isspace(c)) {
      blank = false;
      break;
    }
  }
  if (blank) {
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

std::string ReadMessageFile(const std::string& path) {
  std::string ext = Extension(path);
  if (ext == "pdf") {
    RequireReadableFile(path);
    std::string text;
    bool too_long = false;
    int status = RunProgram(
        {"pdftotext", "-enc", "UTF-8", "-q", path, "-"},
        [&](std::string_view chunk) {
          text.append(chunk);
          too_long = text.size() > kMaxMessageBytes;
          return !too_long;
        },
        path + ": reading a PDF", "install poppler-utils (apt-get install poppler-utils)");
    if (too_long) throw TooLong(path);
    if (status != 0) {
      throw Error(kExitUnsupportedFile, path + ": pdftotext could not read this PDF",
                  "check the file, or save its text as .txt and use -f on that");
    }
    // pdftotext ends pages with a form feed; a message has no use for it.
    for (char& c : text)
      if (c == '\f') c = '\n';
    return CheckMessage(std::move(text), path);
  }
  if (ext == "docx") {
    RequireReadableFile(path);
    DocxText docx;
    bool too_long = false;
    int status = RunProgram(
        {"unzip", "-p", path, "word/document.xml"},
        [&](std::string_view chunk) {
          docx.Feed(chunk);
          too_long = docx.text().size() > kMaxMessageBytes;
          return !too_long;
        },
        path + ": reading a .docx", "install unzip (apt-get install unzip)");
    if (too_long) throw TooLong(path);
    docx.Finish();
    if (status != 0) {
      throw Error(kExitUnsupportedFile, path + ": not a readable .docx (no word/document.xml)",
                  "save it again as .docx, or as .txt and use -f on that");
    }
    return CheckMessage(docx.text(), path);
  }
  if (ext == "txt" || ext == "md" || ext == "markdown" || ext == "text" || ext.empty()) {
    return ReadPlainFile(path);
  }
  throw Error(kExitUnsupportedFile, path + ": unsupported message file type \"." + ext + "\"",
              "use a .txt, .md, .pdf or .docx file");
}

void DocxText::Feed(std::string_view xml) {
  for (char c : xml) {
    if (in_tag_) {
      if (c == '>') {
        EndTag();
      } else {
        if (tag_.size() < 64) tag_ += c;  // only the name matters; attributes may be long
        tag_last_ = c;
      }
    } else if (in_entity_) {
      if (c == ';') {
        EndEntity();
      } else if (entity_.size() < 16) {
        entity_ += c;
      } else {
        text_ += '&' + entity_;  // not an entity after all
        entity_.clear();
        in_entity_ = false;
        text_ += c;
      }
    } else if (c == '<') {
      in_tag_ = true;
      tag_.clear();
      tag_last_ = 0;
    } else if (c == '&') {
      in_entity_ = true;
      entity_.clear();
    } else if (c != '\r' && c != '\n') {
      text_ += c;  // line breaks in the XML are formatting, not text
    }
  }
}

void DocxText::EndTag() {
  in_tag_ = false;
  std::string name = tag_;
  std::size_t end = name.find_first_of(" \t\r\n/");
  bool closing = !name.empty() && name[0] == '/';
  if (closing)
    name = name.substr(1, name.find_first_of(" \t\r\n") - 1);
  else if (end != std::string::npos)
    name = name.substr(0, end);
  bool empty_paragraph = !closing && name == "w:p" && tag_last_ == '/';
  if ((closing && name == "w:p") || empty_paragraph) {
    text_ += '\n';
  } else if (!closing && (name == "w:br" || name == "w:cr")) {
    text_ += '\n';
  } else if (!closing && name == "w:tab") {
    text_ += '\t';
  }
}

void DocxText::EndEntity() {
  in_entity_ = false;
  const std::string& e = entity_;
  if (e == "amp") {
    text_ += '&';
  } else if (e == "lt") {
    text_ += '<';
  } else if (e == "gt") {
    text_ += '>';
  } else if (e == "quot") {
    text_ += '"';
  } else if (e == "apos") {
    text_ += '\'';
  } else if (e.size() > 1 && e[0] == '#') {
    bool hex = e[1] == 'x' || e[1] == 'X';
    std::string digits = e.substr(hex ? 2 : 1);
    char* end = nullptr;
    unsigned long cp = digits.empty() ? 0 : std::strtoul(digits.c_str(), &end, hex ? 16 : 10);
    if (end == nullptr || *end != '\0') cp = 0xFFFD;
    AppendUtf8(text_, cp);
  } else {
    text_ += '&' + e + ';';
  }
}

void DocxText::Finish() {
  if (in_entity_) text_ += '&' + entity_;
  in_entity_ = false;
  // Trailing newlines from the last paragraphs say nothing.
  while (!text_.empty() && text_.back() == '\n') text_.pop_back();
}

int RunProgram(const std::vector<std::string>& argv,
               const std::function<bool(std::string_view)>& on_output, const std::string& what,
               const std::string& missing_hint) {
  int pipefd[2];
  if (pipe2(pipefd, O_CLOEXEC) != 0) {
    throw Error(kExitInternal, std::string("pipe failed: ") + std::strerror(errno));
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, pipefd[1], 1);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  int rc = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(pipefd[1]);
  if (rc != 0) {
    close(pipefd[0]);
    if (rc == ENOENT) throw Error(kExitUnsupportedFile, what + " needs " + argv[0], missing_hint);
    throw Error(kExitInternal, "cannot run " + argv[0] + ": " + std::strerror(rc));
  }
  bool stopped = false;
  char buffer[65536];
  for (;;) {
    ssize_t n = read(pipefd[0], buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    if (!on_output(std::string_view(buffer, static_cast<std::size_t>(n)))) {
      stopped = true;
      kill(pid, SIGTERM);
      break;
    }
  }
  close(pipefd[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (stopped || !WIFEXITED(status)) return -1;
  return WEXITSTATUS(status);
}

}  // namespace nemo
