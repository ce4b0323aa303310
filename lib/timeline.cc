#include "timeline.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string_view>
#include <vector>

#include "draft.h"
#include "text.h"

namespace nemo {
namespace {

using nlohmann::json;

constexpr int kMaxRows = 50;  // more tracks than this are counted, not drawn
constexpr int kMinWidth = 24;
constexpr int kMaxWidth = 500;

std::optional<double> Num(const json& object, std::initializer_list<const char*> keys) {
  if (!object.is_object()) return std::nullopt;
  for (const char* key : keys) {
    auto it = object.find(key);
    if (it == object.end()) continue;
    double d;
    if (it->is_number()) {
      d = it->get<double>();
    } else if (it->is_string() && !it->get_ref<const std::string&>().empty() &&
               it->get_ref<const std::string&>().size() < 64) {
      const std::string& s = it->get_ref<const std::string&>();
      char* end = nullptr;
      d = std::strtod(s.c_str(), &end);
      if (end == s.c_str() || *end != '\0') continue;
    } else {
      continue;
    }
    if (std::isfinite(d)) return std::clamp(d, 0.0, kMaxDraftMs);
  }
  return std::nullopt;
}

std::string Text(const json& object, std::initializer_list<const char*> keys) {
  if (!object.is_object()) return {};
  for (const char* key : keys) {
    auto it = object.find(key);
    if (it != object.end() && it->is_string() && !it->get_ref<const std::string&>().empty()) {
      return it->get<std::string>();
    }
  }
  return {};
}

struct Segment {
  double start, end;
};

struct TrackRow {
  std::string label;  // "1 Video: city timelapse"
  std::vector<Segment> segments;
};

std::string Kind(const json& track) {
  auto tt = Num(track, {"tt"});
  if (!tt) return "Track";
  if (*tt == 0) return "Video";
  if (*tt == 1) return "BGM";
  if (*tt == 7) return "Title";
  char buf[32];
  std::snprintf(buf, sizeof buf, "Track %.0f", *tt);
  return buf;
}

TrackRow Describe(const json& track, int number) {
  TrackRow row;
  std::string kind = Kind(track);
  std::string name = Text(DraftMeta(track), {"name", "title"});
  if (kind == "Title" && name == "Captions") kind = name;  // a text track of its own
  if (name == kind) name.clear();  // "Video: Video" says nothing; the first segment says more
  double cursor = 0;               // segments without a start follow each other
  auto sg = track.find("sg");
  if (sg != track.end() && sg->is_array()) {
    for (const json& seg : *sg) {
      double start = Num(seg, {"st", "start"}).value_or(cursor);
      double end = std::min(kMaxDraftMs, start + Num(seg, {"d", "duration"}).value_or(0));
      cursor = end;
      row.segments.push_back({start, end});
      if (name.empty()) name = Text(DraftMeta(seg), {"title", "desc", "name", "text"});
    }
  }
  if (kind == "Title" && !name.empty()) name = "\"" + name + "\"";  // as the summary says it
  row.label = std::to_string(number) + " " + kind + (name.empty() ? "" : ": " + name);
  return row;
}

// The text as it may be shown: valid UTF-8 (or ASCII), one line, at most `width` characters,
// an ellipsis where it was cut. Characters are counted as one column each.
std::string Fit(const std::string& raw, int width, bool unicode) {
  std::string text = ReplaceInvalidUtf8(raw);
  std::vector<std::string> chars;
  for (std::size_t i = 0; i < text.size();) {
    std::size_t n = std::max<std::size_t>(1, Utf8SequenceAt(text, i));
    std::string c = text.substr(i, n);
    i += n;
    if (c.size() == 1 && (static_cast<unsigned char>(c[0]) < 0x20 || c[0] == 0x7f)) c = " ";
    if (c.size() > 1 && !unicode) c = "?";
    chars.push_back(std::move(c));
  }
  std::string out;
  if (static_cast<int>(chars.size()) <= width) {
    for (auto& c : chars) out += c;
    return out;
  }
  for (int i = 0; i + 1 < width; ++i) out += chars[i];
  return out + (unicode ? "…" : "~");
}

// 0 -> "0s", 2500 -> "2.5s", 90000 -> "1m30s", 5400000 -> "1h30m".
std::string Clock(double ms) {
  long long tenths = std::llround(ms / 100);
  long long s = tenths / 10;
  char buf[64];
  if (s >= 3600) {
    long long h = s / 3600, m = s % 3600 / 60, rest = s % 60;
    if (rest)
      std::snprintf(buf, sizeof buf, "%lldh%02lldm%02llds", h, m, rest);
    else if (m)
      std::snprintf(buf, sizeof buf, "%lldh%02lldm", h, m);
    else
      std::snprintf(buf, sizeof buf, "%lldh", h);
  } else if (s >= 60) {
    if (s % 60)
      std::snprintf(buf, sizeof buf, "%lldm%02llds", s / 60, s % 60);
    else
      std::snprintf(buf, sizeof buf, "%lldm", s / 60);
  } else if (tenths % 10) {
    std::snprintf(buf, sizeof buf, "%lld.%llds", s, tenths % 10);
  } else {
    std::snprintf(buf, sizeof buf, "%llds", s);
  }
  return buf;
}

// The smallest round step that keeps tick labels at least `min_cols` columns apart.
double TickStep(double total, int bar, int min_cols) {
  static const double kSteps[] = {100,    200,    500,     1000,    2000,    5000,
                                  10000,  15000,  30000,   60000,   120000,  300000,
                                  600000, 900000, 1800000, 3600000, 7200000, 21600000};
  for (double step : kSteps) {
    if (step / total * bar >= min_cols) return step;
  }
  double step = kSteps[std::size(kSteps) - 1];
  while (step / total * bar < min_cols && step < kMaxDraftMs) step *= 2;
  return step;
}

}  // namespace

TimelineStyle TimelineStyleForStderr() {
  TimelineStyle style;
  const char* columns = std::getenv("COLUMNS");
  char* end = nullptr;
  long n = columns ? std::strtol(columns, &end, 10) : 0;
  struct winsize ws {};
  if (columns && end != columns && *end == '\0' && n > 0) {
    style.width = static_cast<int>(std::min<long>(n, kMaxWidth));
  } else if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) {
    style.width = ws.ws_col;
  }
  // The locale alone decides: NO_COLOR turns off colour, not the blocks of a UTF-8 chart.
  style.unicode = Utf8Locale();
  return style;
}

std::string DrawTimeline(const json& draft_in, const TimelineStyle& style) {
  json draft = NormalizeDraft(draft_in);
  std::vector<TrackRow> rows;
  auto t = draft.find("t");
  if (t != draft.end() && (t->is_array() || t->is_object())) {
    for (const json& track : *t) {
      if (track.is_object()) rows.push_back(Describe(track, static_cast<int>(rows.size()) + 1));
    }
  }
  double total = 0;
  int segments = 0;
  for (const TrackRow& row : rows) {
    for (const Segment& s : row.segments) total = std::max(total, s.end), ++segments;
  }
  if (rows.empty()) return "Timeline is empty\n";
  if (total <= 0) total = 1000;  // segments of no length still get a scale to sit on

  const bool u = style.unicode;
  const int width = std::clamp(style.width, kMinWidth, kMaxWidth);
  // The last column stays free: some terminals wrap a line that fills it.
  const int label = std::clamp(width / 4, 8, 28);
  const int bar = width - 1 - label - 1;
  auto column = [&](double ms) {
    return std::clamp(static_cast<int>(ms / total * bar), 0, bar - 1);
  };

  std::string out =
      Fit("Timeline: " + std::to_string(rows.size()) +
              (rows.size() == 1 ? " track, " : " tracks, ") + std::to_string(segments) +
              (segments == 1 ? " segment, " : " segments, ") + Clock(total),
          width - 1, u) +
      "\n";
  const std::string fill[2] = {u ? "█" : "#", u ? "▓" : "="};
  const std::string empty = u ? "·" : ".";
  int drawn = 0;
  for (const TrackRow& row : rows) {
    if (drawn == kMaxRows) {
      out += Fit("… " + std::to_string(rows.size() - drawn) + " more tracks", width - 1, u) + "\n";
      break;
    }
    ++drawn;
    std::vector<int> cells(bar, -1);  // which segment's glyph, -1 for none
    int index = 0;
    for (const Segment& s : row.segments) {
      int c0 = column(s.start);
      // A segment covers every column it reaches into, and at least one.
      int c1 = std::max(c0 + 1, std::min(bar, static_cast<int>(std::ceil(s.end / total * bar))));
      for (int c = c0; c < c1; ++c) cells[c] = index % 2;
      ++index;
    }
    std::string name = Fit(row.label, label, u);
    int shown = 0;
    for (std::size_t i = 0; i < name.size(); ++i) {
      if ((static_cast<unsigned char>(name[i]) & 0xC0) != 0x80) ++shown;
    }
    out += name + std::string(label - shown, ' ') + " ";
    for (int cell : cells) out += cell < 0 ? empty : fill[cell];
    out += "\n";
  }

  // The axis: a tick at every round step and one at the end, labelled where there is room.
  double step = TickStep(total, bar, 10);
  std::vector<std::pair<int, std::string>> ticks;
  for (double at = 0; at < total - step / 4; at += step) ticks.push_back({column(at), Clock(at)});
  ticks.push_back({bar - 1, Clock(total)});
  std::string axis = std::string(label + 1, ' ');
  std::vector<bool> tick(bar, false);
  for (auto& [col, text] : ticks) tick[col] = true;
  for (int c = 0; c < bar; ++c) axis += tick[c] ? (u ? "┬" : "+") : (u ? "─" : "-");
  out += axis + "\n";

  // The end's label ends at the end and always shows; the others show where there is room.
  std::string labels(bar, ' ');
  const std::string& last = ticks.back().second;
  int last_at = std::max(0, bar - static_cast<int>(last.size()));
  labels.replace(last_at, std::min<int>(bar, static_cast<int>(last.size())), last);
  int free_from = 0;
  for (std::size_t i = 0; i + 1 < ticks.size(); ++i) {
    const auto& [col, text] = ticks[i];
    int len = static_cast<int>(text.size());
    if (col < free_from || col + len + 1 > last_at) continue;
    labels.replace(col, len, text);
    free_from = col + len + 1;
  }
  labels.erase(labels.find_last_not_of(' ') + 1);
  out += std::string(label + 1, ' ') + labels + "\n";
  return out;
}

}  // namespace nemo
