// Small byte-level checks on text from servers and users, shared by the readers of each.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

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

}  // namespace nemo
