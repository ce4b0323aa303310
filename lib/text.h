// Small byte-level checks on text from servers and users, shared by the readers of each.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace nemo {

// The length of the valid UTF-8 sequence at s[i] (1 to 4), or 0 when the bytes there are not
// one (a stray continuation byte, an overlong form, a surrogate, past U+10FFFF, cut short).
std::size_t Utf8SequenceAt(std::string_view s, std::size_t i);

// Whether `s` is valid UTF-8; the offset of the first bad byte otherwise.
bool IsValidUtf8(std::string_view s, std::size_t* bad_offset = nullptr);

// `s` with each invalid byte replaced by U+FFFD, so it can go into a JSON string.
std::string ReplaceInvalidUtf8(std::string_view s);

// Whether JSON text nests arrays/objects deeper than `max_depth`: parsing, copying or comparing
// such a value would recurse that deep, so readers refuse it before parsing.
bool JsonNestsDeeperThan(std::string_view text, int max_depth);

// The depth every reader of server JSON (events, drafts) refuses beyond.
inline constexpr int kMaxJsonDepth = 256;
inline bool JsonTooDeep(std::string_view text) { return JsonNestsDeeperThan(text, kMaxJsonDepth); }

// `s` with ASCII letters lowered (header names, hosts, types: never the user's words).
std::string AsciiLower(std::string_view s);

// Whether the locale (LC_ALL, else LC_CTYPE, else LANG) is UTF-8. NO_COLOR has no say in it.
bool Utf8Locale();

// Text for a person's terminal: as is in a UTF-8 locale; else ASCII only ("…" "...", "→" "->",
// "—" "-", any other character "?"), so LC_ALL=C never gets a byte it cannot show.
std::string ForTerminal(std::string_view s);

// "Did you mean …?": the candidate closest to `word` by edit distance (Levenshtein), when it is
// at most 2 edits away (and closer than the word is long); "" otherwise. The one implementation
// for mistyped flags, subcommands and the front door's commands.
std::string ClosestMatch(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace nemo
