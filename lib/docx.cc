#include "docx.h"

#include <libxml/xmlreader.h>
#include <zip.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <vector>

#include "error.h"

namespace nemo {
namespace {

// WordprocessingML's namespaces: the transitional one every writer uses, and ISO strict's.
bool IsWordNamespace(const xmlChar* uri) {
  if (uri == nullptr) return false;
  const char* u = reinterpret_cast<const char*>(uri);
  return std::strcmp(u, "http://schemas.openxmlformats.org/wordprocessingml/2006/main") == 0 ||
         std::strcmp(u, "http://purl.oclc.org/ooxml/wordprocessingml/main") == 0;
}

// A document.xml this large is not a message (a message is at most 1 MiB of text; a 300-page
// report's XML is a few MiB): reading stops there, so a zip bomb of empty paragraphs costs
// seconds (measured: 10 MiB of XML a second at worst), not minutes.
constexpr zip_int64_t kMaxXmlBytes = zip_int64_t{64} << 20;

Error Unreadable(const std::string& path, const std::string& why) {
  return Error(kExitUnsupportedFile, path + ": not a readable .docx (" + why + ")",
               "save it again as .docx, or as .txt and use -f on that");
}

struct ZipCloser {
  void operator()(zip_t* z) const { zip_discard(z); }
};
using Zip = std::unique_ptr<zip_t, ZipCloser>;

// One part of the archive, streamed into libxml2's reader.
struct PartStream {
  zip_file_t* file = nullptr;
  zip_int64_t read = 0;
  bool failed = false, too_large = false;
};

int ReadPart(void* context, char* buffer, int len) {
  auto* s = static_cast<PartStream*>(context);
  zip_int64_t n = zip_fread(s->file, buffer, static_cast<zip_uint64_t>(len));
  if (n < 0) {
    s->failed = true;
    return -1;
  }
  s->read += n;
  if (s->read > kMaxXmlBytes) {
    s->too_large = true;
    return -1;
  }
  return static_cast<int>(n);
}

int ClosePart(void* context) {
  auto* s = static_cast<PartStream*>(context);
  zip_fclose(s->file);
  s->file = nullptr;
  return 0;
}

// libxml2 would print parse errors on stderr; the reader's first one goes into the error line.
void KeepFirstError(void* arg, const char* msg, xmlParserSeverities, xmlTextReaderLocatorPtr) {
  auto* first = static_cast<std::string*>(arg);
  if (first->empty() && msg != nullptr) {
    *first = msg;
    while (!first->empty() && (first->back() == '\n' || first->back() == ' ')) first->pop_back();
  }
}

std::string Attribute(xmlTextReaderPtr reader, const char* name) {
  xmlChar* value = xmlTextReaderGetAttributeNs(
      reader, reinterpret_cast<const xmlChar*>(name),
      reinterpret_cast<const xmlChar*>(
          "http://schemas.openxmlformats.org/wordprocessingml/2006/main"));
  if (value == nullptr) {
    value = xmlTextReaderGetAttributeNs(
        reader, reinterpret_cast<const xmlChar*>(name),
        reinterpret_cast<const xmlChar*>("http://purl.oclc.org/ooxml/wordprocessingml/main"));
  }
  if (value == nullptr) return {};
  std::string out = reinterpret_cast<const char*>(value);
  xmlFree(value);
  return out;
}

int Int(const std::string& s, int fallback) {
  if (s.empty()) return fallback;
  char* end = nullptr;
  long v = std::strtol(s.c_str(), &end, 10);
  return (*end == '\0' && v >= 0 && v < 1000000) ? static_cast<int>(v) : fallback;
}

// A node of a WordprocessingML part, as the visitor sees it.
struct Node {
  xmlTextReaderPtr reader;
  int type;            // XML_READER_TYPE_*
  std::string name;    // local name, for Word elements only ("" otherwise)
  bool empty = false;  // <w:p/>
};

// Streams the part `name` of the archive through `visit`; returns false when the part is
// missing and `required` is false. `visit` returns false to stop early.
bool ReadXmlPart(zip_t* zip, const std::string& path, const char* name, bool required,
                 const std::function<bool(const Node&)>& visit) {
  PartStream stream;
  stream.file = zip_fopen(zip, name, 0);
  if (stream.file == nullptr) {
    if (!required) return false;
    throw Unreadable(path, std::string("no ") + name);
  }
  std::string error;
  xmlTextReaderPtr reader =
      xmlReaderForIO(ReadPart, ClosePart, &stream, name, nullptr,
                     XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
  if (reader == nullptr) throw Error(kExitInternal, "cannot start the XML reader");
  std::unique_ptr<xmlTextReader, void (*)(xmlTextReaderPtr)> guard(reader, xmlFreeTextReader);
  xmlTextReaderSetErrorHandler(reader, KeepFirstError, &error);
  int rc;
  while ((rc = xmlTextReaderRead(reader)) == 1) {
    Node node{reader, xmlTextReaderNodeType(reader), {}};
    if (node.type == XML_READER_TYPE_ELEMENT || node.type == XML_READER_TYPE_END_ELEMENT) {
      if (!IsWordNamespace(xmlTextReaderConstNamespaceUri(reader))) continue;
      node.name = reinterpret_cast<const char*>(xmlTextReaderConstLocalName(reader));
      node.empty = node.type == XML_READER_TYPE_ELEMENT && xmlTextReaderIsEmptyElement(reader);
    }
    if (!visit(node)) return true;
  }
  if (stream.too_large) {
    throw Unreadable(
        path, std::string(name) + " is larger than " + std::to_string(kMaxXmlBytes >> 20) + " MiB");
  }
  if (rc < 0 || stream.failed) {
    throw Unreadable(path, std::string(name) + ": " +
                               (stream.failed   ? "the archive is damaged"
                                : error.empty() ? "broken XML"
                                                : error));
  }
  return true;
}

// word/numbering.xml: the format of each list level ("bullet", "decimal", …) and where it starts.
class Numbering {
 public:
  struct Level {
    std::string format = "bullet";
    int start = 1;
  };

  void Read(zip_t* zip, const std::string& path) {
    std::string abstract_id, num_id;
    int level = -1;
    ReadXmlPart(zip, path, "word/numbering.xml", false, [&](const Node& n) {
      if (n.type != XML_READER_TYPE_ELEMENT) return true;
      if (n.name == "abstractNum") {
        abstract_id = Attribute(n.reader, "abstractNumId");
        num_id.clear();
      } else if (n.name == "num") {
        num_id = Attribute(n.reader, "numId");
        abstract_id.clear();
      } else if (n.name == "abstractNumId" && !num_id.empty()) {
        num_to_abstract_[num_id] = Attribute(n.reader, "val");
      } else if (n.name == "lvl" && !abstract_id.empty()) {
        level = Int(Attribute(n.reader, "ilvl"), -1);
      } else if (n.name == "numFmt" && level >= 0 && !abstract_id.empty()) {
        levels_[abstract_id][level].format = Attribute(n.reader, "val");
      } else if (n.name == "start" && level >= 0 && !abstract_id.empty()) {
        levels_[abstract_id][level].start = Int(Attribute(n.reader, "val"), 1);
      }
      return true;
    });
  }

  // The marker of the next item of list `num_id` at `level`: "- ", "3. ", "b. ".
  std::string NextMarker(const std::string& num_id, int level) {
    Level format;
    if (auto a = num_to_abstract_.find(num_id); a != num_to_abstract_.end()) {
      if (auto l = levels_.find(a->second); l != levels_.end()) {
        if (auto f = l->second.find(level); f != l->second.end()) format = f->second;
      }
    }
    std::array<int, 10>& counters = counters_[num_id];
    int n = counters[level] == 0 ? format.start : counters[level] + 1;
    counters[level] = n;
    for (int deeper = level + 1; deeper < 10; ++deeper) counters[deeper] = 0;
    std::string indent(static_cast<std::size_t>(level) * 2, ' ');
    const std::string& f = format.format;
    if (f == "decimal" || f == "decimalZero") return indent + std::to_string(n) + ". ";
    if ((f == "lowerLetter" || f == "upperLetter") && n >= 1 && n <= 26) {
      return indent + static_cast<char>((f == "lowerLetter" ? 'a' : 'A') + n - 1) + ". ";
    }
    if (f == "lowerRoman" || f == "upperRoman") return indent + Roman(n, f == "upperRoman") + ". ";
    return indent + "- ";
  }

 private:
  static std::string Roman(int n, bool upper) {
    static const std::pair<int, const char*> kDigits[] = {
        {1000, "m"}, {900, "cm"}, {500, "d"}, {400, "cd"}, {100, "c"}, {90, "xc"}, {50, "l"},
        {40, "xl"},  {10, "x"},   {9, "ix"},  {5, "v"},    {4, "iv"},  {1, "i"}};
    std::string out;
    for (const auto& [value, digits] : kDigits) {
      for (; n >= value && out.size() < 16; n -= value) out += digits;
    }
    if (upper) {
      for (char& c : out) c = static_cast<char>(c - 'a' + 'A');
    }
    return out;
  }

  std::map<std::string, std::string> num_to_abstract_;
  std::map<std::string, std::map<int, Level>> levels_;
  std::map<std::string, std::array<int, 10>> counters_;
};

// Builds the lines of word/document.xml, one event at a time.
class DocumentText {
 public:
  DocumentText(Numbering& numbering, std::size_t max_bytes)
      : numbering_(numbering), max_bytes_(max_bytes) {}

  // Returns false once the text is over the limit.
  bool Visit(const Node& n) {
    bool start = n.type == XML_READER_TYPE_ELEMENT;
    bool end = n.type == XML_READER_TYPE_END_ELEMENT || (start && n.empty);
    if (n.type == XML_READER_TYPE_TEXT || n.type == XML_READER_TYPE_SIGNIFICANT_WHITESPACE ||
        n.type == XML_READER_TYPE_CDATA) {
      const xmlChar* value = xmlTextReaderConstValue(n.reader);
      if (in_text_ > 0 && in_paragraph_ > 0 && value != nullptr) {
        paragraph_ += reinterpret_cast<const char*>(value);
      }
      return true;
    }
    if (n.name.empty()) return true;
    if (start) Start(n);
    if (end) End(n.name);
    return text_.size() <= max_bytes_;
  }

  std::string Finish() {
    while (!text_.empty() && text_.back() == '\n') text_.pop_back();
    return std::move(text_);
  }

 private:
  void Start(const Node& n) {
    const std::string& name = n.name;
    if (name == "p") {
      if (in_paragraph_ > 0) EndParagraph();  // a text box's paragraph inside a paragraph
      ++in_paragraph_;
      paragraph_.clear();
      num_id_.clear();
      level_ = 0;
    } else if (name == "t") {
      ++in_text_;
    } else if (name == "r") {
      ++in_run_;
    } else if (in_run_ > 0 && name == "tab") {
      paragraph_ += '\t';
    } else if (in_run_ > 0 && (name == "br" || name == "cr")) {
      paragraph_ += '\n';
    } else if (in_run_ > 0 && name == "noBreakHyphen") {
      paragraph_ += '-';
    } else if (name == "ilvl" && in_run_ == 0) {
      level_ = std::min(Int(Attribute(n.reader, "val"), 0), 9);
    } else if (name == "numId" && in_run_ == 0) {
      num_id_ = Attribute(n.reader, "val");
    } else if (name == "tr") {
      ++in_row_;
      cells_.clear();
    } else if (name == "tc" && in_row_ == 1) {
      cell_.clear();
    }
  }

  void End(const std::string& name) {
    if (name == "p") {
      if (in_paragraph_ > 0) {
        EndParagraph();
        --in_paragraph_;
      }
    } else if (name == "t") {
      if (in_text_ > 0) --in_text_;
    } else if (name == "r") {
      if (in_run_ > 0) --in_run_;
    } else if (name == "tc" && in_row_ == 1) {
      cells_.push_back(cell_);
      cell_.clear();
    } else if (name == "tr" && in_row_ > 0) {
      if (--in_row_ == 0) {
        std::string row;
        bool any = false;
        for (std::size_t i = 0; i < cells_.size(); ++i) {
          row += (i == 0 ? "" : " | ") + cells_[i];
          any = any || !cells_[i].empty();
        }
        if (any) Line(row);
        cells_.clear();
      }
    }
  }

  void EndParagraph() {
    std::string line = paragraph_;
    paragraph_.clear();
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t' || line.back() == '\n')) {
      line.pop_back();
    }
    if (line.empty()) return;
    if (!num_id_.empty() && num_id_ != "0") line = numbering_.NextMarker(num_id_, level_) + line;
    num_id_.clear();
    if (in_row_ > 0) {
      cell_ += (cell_.empty() ? "" : " ") + line;  // a cell's paragraphs share its column
    } else {
      Line(line);
    }
  }

  void Line(const std::string& line) {
    text_ += line;
    text_ += '\n';
  }

  Numbering& numbering_;
  std::size_t max_bytes_;
  std::string text_, paragraph_, num_id_, cell_;
  std::vector<std::string> cells_;
  int level_ = 0, in_paragraph_ = 0, in_text_ = 0, in_run_ = 0, in_row_ = 0;
};

}  // namespace

std::string DocxText(const std::string& path, std::size_t max_bytes) {
  int zip_error = 0;
  Zip zip(zip_open(path.c_str(), ZIP_RDONLY, &zip_error));
  if (!zip) {
    zip_error_t e;
    zip_error_init_with_code(&e, zip_error);
    std::string why = zip_error == ZIP_ER_NOZIP ? "not a zip archive" : zip_error_strerror(&e);
    zip_error_fini(&e);
    throw Unreadable(path, why);
  }
  Numbering numbering;
  numbering.Read(zip.get(), path);
  DocumentText document(numbering, max_bytes);
  ReadXmlPart(zip.get(), path, "word/document.xml", true,
              [&](const Node& n) { return document.Visit(n); });
  return document.Finish();
}

}  // namespace nemo
