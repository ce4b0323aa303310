#include "document.h"

#include <sys/stat.h>

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include "docx.h"
#include "error.h"
#include "pdf.h"

namespace nemo {
namespace {

std::string Extension(const std::string& path) {
  std::size_t slash = path.find_last_of('/');
  std::size_t dot = path.find_last_of('.');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash)) return "";
  std::string ext = path.substr(dot + 1);
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return ext;
}

Error CannotRead(const std::string& path, int error) {
  return Error(kExitUsage, path + ": cannot read: " + std::strerror(error));
}

// Up to max_bytes + 1 bytes, as they are.
std::string ReadPlain(const std::string& path, std::size_t max_bytes) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(path.c_str(), "rb"), std::fclose);
  if (!f) throw CannotRead(path, errno);
  std::string text;
  char buffer[65536];
  while (text.size() <= max_bytes) {
    std::size_t want = std::min(sizeof buffer, max_bytes + 1 - text.size());
    std::size_t n = std::fread(buffer, 1, want, f.get());
    if (n == 0) break;
    text.append(buffer, n);
  }
  if (std::ferror(f.get())) throw CannotRead(path, errno);
  return text;
}

}  // namespace

bool LooksLikeDocument(const std::string& word) {
  std::string ext = Extension(word);
  if (ext != "txt" && ext != "md" && ext != "markdown" && ext != "text" && ext != "pdf" &&
      ext != "docx") {
    return false;
  }
  struct stat st;
  return stat(word.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

std::string ReadDocument(const std::string& path, std::size_t max_bytes) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) throw CannotRead(path, errno);
  if (S_ISDIR(st.st_mode)) throw Error(kExitUsage, path + ": is a directory");
  std::string ext = Extension(path);
  if (ext == "txt" || ext == "md" || ext == "markdown" || ext == "text" || ext.empty()) {
    return ReadPlain(path, max_bytes);
  }
  if (ext != "docx" && ext != "pdf") {
    throw Error(kExitUnsupportedFile, path + ": unsupported message file type \"." + ext + "\"",
                "use a .txt, .md, .pdf or .docx file");
  }
  // The libraries report a file they cannot open as damaged; say what is really wrong.
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> probe(std::fopen(path.c_str(), "rb"),
                                                        std::fclose);
  if (!probe) throw CannotRead(path, errno);
  return ext == "docx" ? DocxText(path, max_bytes) : PdfText(path, max_bytes);
}

}  // namespace nemo
