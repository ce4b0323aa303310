// The draft drawn as a chart for a terminal: a row a track, a bar a segment, a time axis under
// them. People would rather look than read the one-line summary. Like draft.h, it accepts any
// JSON and never throws: what cannot be read is left out of the drawing.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace nemo {

struct TimelineStyle {
  int width = 80;       // columns; every line drawn is shorter than this
  bool unicode = true;  // block and box characters; plain ASCII otherwise
};

// The style for stderr: the width from COLUMNS, else the terminal's, else 80; Unicode when the
// locale (LC_ALL, LC_CTYPE, LANG) says UTF-8 and NO_COLOR is unset.
TimelineStyle TimelineStyleForStderr();

// The chart, one '\n'-ended line each: a heading, a row per track (its number, kind and name cut
// to fit, then its segments as bars on a common time scale), the axis and its time labels.
// An empty draft is the one line "Timeline is empty".
std::string DrawTimeline(const nlohmann::json& draft, const TimelineStyle& style);

}  // namespace nemo
