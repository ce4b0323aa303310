#include "gui_text.h"

#include <cctype>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

namespace nemo {
namespace {

// Every row below contains one of these words, in any case. Keep the list in step with the rows:
// gui_text_test translates a phrase of each row, so a row whose words are missing here fails it.
constexpr std::string_view kGuiWords[] = {
    "export", "account", "billing", "top",    "recharg", "pricing", "subscription",
    "credit", "payment", "panel",   "editor", "drag",    "preview"};

bool MayHoldGuiPhrase(std::string_view text) {
  std::string lower(text);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (std::string_view word : kGuiWords) {
    if (lower.find(word) != std::string::npos) return true;
  }
  return false;
}

// Quantifiers are bounded on purpose: libstdc++'s regex recurses once per matched character, so an
// unbounded \s+ or \w+ over a hostile reply could exhaust the stack.
#define WS R"(\s{1,3})"
#define WORD R"([\w-]{1,30})"
#define THE R"((?:(?:the|your|a)\s{1,3})?)"

struct Row {
  const char* pattern;
  const char* replacement;
};

// Earlier rows win when two phrases start at the same place.
constexpr Row kRows[] = {
    // Export.
    {R"(\b(?:click(?:ing)?|press(?:ing)?|tap(?:ping)?|hit(?:ting)?|select(?:ing)?))" WS
     R"((?:on)" WS ")?" THE R"((?:"|'|“|‘)?export\b(?:"|'|”|’)?(?:)" WS R"(button\b)?)",
     "run `nemo-export`"},
    {R"(\b)" THE R"(export)" WS R"(button\b)", "run `nemo-export`"},
    // Account, billing, credits pages.
    {R"(\b(?:go(?:ing)?)" WS R"(to|visit(?:ing)?|open(?:ing)?|check(?:ing)?))" WS THE
     R"((?:account|billing|top[- ]?up|recharge|pricing|subscription|credits?|payment))" WS
     R"((?:page|settings|section|center|centre|panel|tab)\b)",
     "check credits with `nemo-auth credits`"},
    {R"(\b)" THE R"((?:account|billing|top[- ]?up|recharge|pricing|subscription|payment))" WS
     R"((?:page|settings|section|center|centre)\b)",
     "check credits with `nemo-auth credits`"},
    {R"(\b(?:top(?:ping)?[- ]?up|recharg(?:e|ing))(?:)" WS R"((?:your)" WS
     R"()?(?:credits|account|balance))?\b)",
     "check credits with `nemo-auth credits`"},
    // Show the state.
    {R"(\bopen(?:ing)?)" WS R"(the)" WS R"((?:)" WORD WS R"(){0,3}?panel\b)", "run `nemo-state`"},
    {R"(\bopen(?:ing)?)" WS R"(the)" WS R"((?:video)" WS R"()?editor\b)", "run `nemo-state`"},
    // Edits.
    {R"(\bdrag(?:ging)?(?:\s{0,3}-?\s{0,3}and\s{0,3}-?\s{0,3}drop(?:ping)?)?)" WS THE WORD
     R"((?:)" WS R"((?:to|onto|into|on|along|across))" WS THE WORD R"()?\b)",
     "send an edit with `nemo-send`"},
    // Preview.
    {R"(\b(?:click(?:ing)?|press(?:ing)?|tap(?:ping)?|hit(?:ting)?))" WS R"((?:on)" WS ")?" THE
     R"(preview(?:)" WS R"(button)?\b)",
     "see the track summary with `nemo-state --summary`"},
    {R"(\bpreview)" WS R"((?:it|them|(?:the|your))" WS
     R"((?:video|result|draft|timeline|clip|edit|changes?)s?)\b)",
     "see the track summary with `nemo-state --summary`"},
    {R"(\b(?:the)" WS R"()?preview)" WS R"((?:button|window|player)\b)",
     "see the track summary with `nemo-state --summary`"},
};

// Where on the screen the button or panel sits ("in the top right corner", "on the left panel",
// "at the bottom of the screen", "from the menu bar"): a terminal has no such place, so it goes
// with the phrase it follows. Only after a phrase: the same words elsewhere are the reply's own.
constexpr const char* kPlace =
    R"((?:,?)" WS R"((?:in|on|at|from|under|via))" WS THE
    R"((?:(?:(?:top|bottom|upper|lower)(?:[- ]{1,2}(?:left|right)(?:[- ]hand)?)?|(?:left|right)(?:[- ]hand)?))"
    R"((?:)" WS
    R"((?:corner|panel|sidebar|side[- ]?bar|side|menu|toolbar|tool[- ]?bar|bar|pane|column|area|section))?)"
    R"(|sidebar|side[- ]?bar|toolbar|tool[- ]?bar|menu(?:)" WS R"(bar)?|side)" WS
    R"(panel|header|navigation)" WS R"((?:bar|panel|menu)))"
    R"((?:)" WS R"(of)" WS THE R"((?:screen|page|window|editor|app))?\b)?)";

#undef WS
#undef WORD
#undef THE

const std::vector<std::regex>& Patterns() {
  static const std::vector<std::regex> patterns = [] {
    std::vector<std::regex> out;
    for (const Row& row : kRows) {
      out.emplace_back(std::string(row.pattern) + kPlace,
                       std::regex::ECMAScript | std::regex::icase);
    }
    return out;
  }();
  return patterns;
}

}  // namespace

std::string TranslateGuiPhrases(std::string_view text) {
  // std::regex costs tens of thousands of instructions per byte; most replies (and every long
  // streamed one) hold no GUI phrase at all, which a plain word search tells at once.
  if (!MayHoldGuiPhrase(text)) return std::string(text);
  const auto& patterns = Patterns();
  const char* begin = text.data();
  const char* end = begin + text.size();
  // Each row's next match at or after `pos`, searched again only once the text before it has been
  // consumed: the text is scanned about once per row, however many phrases it holds. Scanning
  // only what is left also keeps replacements from being matched again.
  std::vector<std::cmatch> next(patterns.size());
  std::vector<bool> searched(patterns.size(), false);
  std::vector<bool> exhausted(patterns.size(), false);
  std::string out;
  out.reserve(text.size());
  const char* pos = begin;
  while (pos < end) {
    std::size_t best = patterns.size();
    for (std::size_t i = 0; i < patterns.size(); ++i) {
      if (exhausted[i]) continue;
      if (!searched[i] || next[i][0].first < pos) {
        searched[i] = true;
        auto flags = pos == begin ? std::regex_constants::match_default
                                  : std::regex_constants::match_prev_avail;
        if (!std::regex_search(pos, end, next[i], patterns[i], flags)) {
          exhausted[i] = true;
          continue;
        }
      }
      if (best == patterns.size() || next[i][0].first < next[best][0].first) best = i;
    }
    if (best == patterns.size() || next[best].length(0) == 0) break;
    const std::csub_match& phrase = next[best][0];
    out.append(pos, phrase.first);
    std::string replacement = kRows[best].replacement;
    if (std::isupper(static_cast<unsigned char>(*phrase.first))) {
      replacement[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(replacement[0])));
    }
    out += replacement;
    pos = phrase.second;
  }
  out.append(pos, end);
  return out;
}

}  // namespace nemo
