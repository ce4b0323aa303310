#include "pdf.h"

#include <poppler-document.h>
#include <poppler-global.h>
#include <poppler-page.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>

#include "error.h"

namespace nemo {
namespace {

// Poppler reports what it repairs in a damaged file on stderr; a message has no use for it.
void Silence(const std::string&, void*) {}

std::string Utf8(const poppler::ustring& text) {
  poppler::byte_array bytes = text.to_utf8();
  return std::string(bytes.begin(), bytes.end());
}

bool StartsWith(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

// "• item", "- item", "1. item", "2) item", "a. item": a line that starts a list item.
bool StartsListItem(const std::string& text) {
  for (const char* bullet : {"\xE2\x80\xA2", "\xE2\x97\xA6", "\xE2\x96\xAA", "\xE2\x80\xA3",
                             "\xC2\xB7", "\xE2\x80\x93", "-", "*"}) {
    if (StartsWith(text, bullet) && text.size() > std::strlen(bullet) &&
        text[std::strlen(bullet)] == ' ') {
      return true;
    }
  }
  std::size_t i = 0;
  while (i < text.size() && i < 3 && text[i] >= '0' && text[i] <= '9') ++i;
  if (i == 0 && !text.empty() && text[0] >= 'a' && text[0] <= 'z') i = 1;
  return i > 0 && i + 1 < text.size() && (text[i] == '.' || text[i] == ')') && text[i + 1] == ' ';
}

double Height(const PdfLine& l) { return l.bottom - l.top; }

// What the lines of one page have in common: their usual spacing and the text block's edges.
struct PageShape {
  double spacing = 0, left = 0, right = 0;

  explicit PageShape(const std::vector<PdfLine>& lines) {
    std::vector<double> gaps;
    for (std::size_t i = 1; i < lines.size(); ++i) {
      double h = std::max(Height(lines[i]), Height(lines[i - 1]));
      double step = lines[i].top - lines[i - 1].top;
      if (step > 0 && h > 0 && std::fabs(Height(lines[i]) - Height(lines[i - 1])) <= 0.15 * h) {
        gaps.push_back(step);
      }
    }
    if (!gaps.empty()) {
      // The lower median: paragraph gaps are the wider ones, so ties go to the line spacing.
      std::size_t mid = (gaps.size() - 1) / 2;
      std::nth_element(gaps.begin(), gaps.begin() + static_cast<std::ptrdiff_t>(mid), gaps.end());
      spacing = gaps[mid];
    }
    if (!lines.empty()) {
      left = lines[0].left, right = lines[0].right;
      for (const auto& l : lines) left = std::min(left, l.left), right = std::max(right, l.right);
    }
  }

  // A line that stops well short of the right edge ends its paragraph.
  bool Short(const PdfLine& l) const { return l.right < right - 0.15 * (right - left); }

  bool NewParagraph(const PdfLine& prev, const PdfLine& line) const {
    double h = std::max(Height(prev), Height(line));
    double step = line.top - prev.top;
    double usual = spacing > 0 ? spacing : 1.2 * h;
    return step <= 0 || step > 1.3 * usual || std::fabs(Height(line) - Height(prev)) > 0.2 * h ||
           Short(prev) || StartsListItem(line.text);
  }
};

void Join(std::string& paragraph, const std::string& line) {
  if (paragraph.empty()) {
    paragraph = line;
  } else if (paragraph.back() == '-' && paragraph.size() > 1 &&
             paragraph[paragraph.size() - 2] != ' ') {
    paragraph += line;  // "well-" + "known": the hyphen stays, no space
  } else {
    paragraph += ' ' + line;
  }
}

}  // namespace

std::vector<PdfLine> PdfLinesOfWords(const std::vector<PdfWord>& words) {
  std::vector<PdfLine> lines;
  bool space = false;
  double last_left = 0;
  for (const auto& w : words) {
    if (w.text.empty()) continue;
    double middle = (w.top + w.bottom) / 2;
    bool same_line = !lines.empty() && middle >= lines.back().top &&
                     middle <= lines.back().bottom && w.left >= last_left;
    if (!same_line) {
      lines.push_back({w.top, w.bottom, w.left, w.right, w.text});
    } else {
      PdfLine& l = lines.back();
      l.text += (space ? " " : "") + w.text;
      l.top = std::min(l.top, w.top), l.bottom = std::max(l.bottom, w.bottom);
      l.right = std::max(l.right, w.right);
    }
    space = w.space_after;
    last_left = w.left;
  }
  return lines;
}

std::string PdfParagraphs(const std::vector<std::vector<PdfLine>>& pages) {
  std::vector<std::string> paragraphs;
  std::string current;
  const PdfLine* previous = nullptr;
  bool previous_page_full = false;  // the last line of the page before filled its width
  for (const auto& lines : pages) {
    PageShape shape(lines);
    for (std::size_t i = 0; i < lines.size(); ++i) {
      const PdfLine& line = lines[i];
      bool starts = true;
      if (i > 0) {
        starts = shape.NewParagraph(*previous, line);
      } else if (previous != nullptr) {
        // Over a page break: only a full line followed by a lower-case word runs on.
        starts = !(previous_page_full && line.text[0] >= 'a' && line.text[0] <= 'z');
      }
      if (starts && !current.empty()) paragraphs.push_back(std::move(current)), current.clear();
      Join(current, line.text);
      previous = &line;
    }
    if (!lines.empty()) previous_page_full = !shape.Short(lines.back());
  }
  if (!current.empty()) paragraphs.push_back(std::move(current));
  std::string out;
  for (const auto& p : paragraphs) out += (out.empty() ? "" : "\n") + p;
  return out;
}

std::string PdfText(const std::string& path, std::size_t max_bytes) {
  poppler::set_debug_error_function(Silence, nullptr);
  std::unique_ptr<poppler::document> doc(poppler::document::load_from_file(path));
  if (!doc) {
    throw Error(kExitUnsupportedFile, path + ": not a readable PDF",
                "save it again as PDF, or its text as .txt and use -f on that");
  }
  if (doc->is_locked()) {
    throw Error(kExitUnsupportedFile, path + ": the PDF is password-protected",
                "save a copy without a password, or its text as .txt");
  }
  std::vector<std::vector<PdfLine>> pages;
  std::size_t bytes = 0;
  for (int i = 0; i < doc->pages() && bytes <= max_bytes; ++i) {
    std::unique_ptr<poppler::page> page(doc->create_page(i));
    if (!page) continue;
    std::vector<PdfWord> words;
    for (const poppler::text_box& box : page->text_list()) {
      poppler::rectf r = box.bbox();
      words.push_back(
          {r.top(), r.bottom(), r.left(), r.right(), Utf8(box.text()), box.has_space_after()});
      bytes += words.back().text.size() + 1;
    }
    pages.push_back(PdfLinesOfWords(words));
  }
  return PdfParagraphs(pages);
}

}  // namespace nemo
