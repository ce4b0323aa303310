#include "status_line.h"

#include <cstring>
#include <map>

#include "terminal.h"
#include "text.h"

namespace nemo {
namespace {

// The verbs tool names start with, in their -ing form (English spelling rules are not worth
// encoding for a status line).
const std::map<std::string, std::string>& Verbs() {
  static const std::map<std::string, std::string> verbs = {{"add", "adding"},
                                                           {"analyze", "analyzing"},
                                                           {"analyse", "analysing"},
                                                           {"apply", "applying"},
                                                           {"change", "changing"},
                                                           {"create", "creating"},
                                                           {"cut", "cutting"},
                                                           {"edit", "editing"},
                                                           {"export", "exporting"},
                                                           {"fetch", "fetching"},
                                                           {"find", "finding"},
                                                           {"generate", "generating"},
                                                           {"get", "getting"},
                                                           {"insert", "inserting"},
                                                           {"make", "making"},
                                                           {"merge", "merging"},
                                                           {"read", "reading"},
                                                           {"remove", "removing"},
                                                           {"render", "rendering"},
                                                           {"replace", "replacing"},
                                                           {"search", "searching"},
                                                           {"set", "setting"},
                                                           {"split", "splitting"},
                                                           {"trim", "trimming"},
                                                           {"update", "updating"},
                                                           {"upload", "uploading"},
                                                           {"write", "writing"},
                                                           {"compose", "composing"},
                                                           {"design", "designing"},
                                                           {"plan", "planning"},
                                                           {"transcribe", "transcribing"}};
  return verbs;
}

}  // namespace

std::string ToolActivity(const std::string& tool_name) {
  if (tool_name == "auto_post_production") return "adding music and title";
  if (tool_name == "edit_timeline") return "editing the timeline";
  std::string words;
  for (char c : tool_name) words += (c == '_' || c == '-' || c == '.') ? ' ' : c;
  if (words.empty()) return "running a tool";
  std::string first = words.substr(0, words.find(' '));
  std::string rest = first.size() < words.size() ? words.substr(first.size()) : "";
  // Model names tacked on at the end ("generate_video_with_seedance") say nothing to a person.
  if (auto with = rest.find(" with "); with != std::string::npos) rest = rest.substr(0, with);
  auto it = Verbs().find(first);
  std::string out = it != Verbs().end() ? it->second + rest : "running " + words;
  if (out.size() > 48) out = out.substr(0, 45) + "...";
  return out;
}

std::string ClockText(long long ms) {
  long long s = ms / 1000;
  char buffer[32];
  if (s >= 3600) {
    std::snprintf(buffer, sizeof buffer, "%lld:%02lld:%02lld", s / 3600, (s / 60) % 60, s % 60);
  } else {
    std::snprintf(buffer, sizeof buffer, "%lld:%02lld", s / 60, s % 60);
  }
  return buffer;
}

StatusLine::Mode StatusLine::Choose(bool quiet) {
  if (quiet) return Mode::kOff;
  return StderrIsTerminal() ? Mode::kLive : Mode::kPeriodic;
}

StatusLine::StatusLine(std::string program, Mode mode, std::FILE* out, long long period_ms)
    : program_(std::move(program)),
      mode_(mode),
      out_(out),
      period_ms_(period_ms),
      next_periodic_ms_(period_ms) {}

void StatusLine::Event(const nlohmann::json& event) {
  std::string type = event.value("type", "");
  if (type == "tool_call") {
    activity_ = ToolActivity(event.value("name", ""));
  } else if (type == "tool_result") {
    activity_ = "thinking";
  } else if (type == "text" || type == "text_delta") {
    activity_ = "replying";
  }
  Tick(elapsed_ms_);
}

void StatusLine::Tick(long long elapsed_ms) {
  elapsed_ms_ = elapsed_ms;
  if (mode_ == Mode::kLive) {
    std::string line =
        ForTerminal(program_ + ": " + activity_ + "\xE2\x80\xA6 " + ClockText(elapsed_ms));
    if (line == drawn_) return;
    // \r back to the start, \x1b[K clears what a longer previous line left.
    std::fprintf(out_, "\r%s\x1b[K", line.c_str());
    std::fflush(out_);
    drawn_ = line;
  } else if (mode_ == Mode::kPeriodic && period_ms_ > 0 && elapsed_ms >= next_periodic_ms_) {
    std::fprintf(out_, "%s: still working (%lld min)\n", program_.c_str(), elapsed_ms / 60000);
    std::fflush(out_);
    while (next_periodic_ms_ <= elapsed_ms) next_periodic_ms_ += period_ms_;
  }
}

void StatusLine::Clear() {
  if (drawn_.empty()) return;
  std::fprintf(out_, "\r\x1b[K");
  std::fflush(out_);
  drawn_.clear();
}

}  // namespace nemo
