// What the last program of a pipeline prints on a terminal instead of the JSON context: a few
// lines a person reads ("saved promo.mp4 (1.4 MiB, 10.0 s, 1920x1080, render_…)"). Output that is
// piped or redirected stays the context; --json asks for it on a terminal too.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace nemo {

// The summary of `context` as `program` (e.g. "nemo-export") wrote it, newline-terminated; ""
// when there is none to give (then the JSON is printed).
std::string Summarize(std::string_view program, const nlohmann::json& context);

// 1536 → "1.5 KiB"; 1468006 → "1.4 MiB".
std::string HumanBytes(long long bytes);

// The first line of `text`, cut at `width` characters (UTF-8 aware) with "…".
std::string TextHead(const std::string& text, std::size_t width);

// nemo-state --journal on a terminal: one row per entry, oldest first, with a header: when,
// program, session name and id, message head, status, file.
std::string JournalTable(const nlohmann::json& entries);

}  // namespace nemo
