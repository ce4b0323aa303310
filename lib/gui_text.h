// The backend talks as if its web GUI were on screen ("click Export", "open the panel"). The
// suite has no GUI, so replies are rewritten to name the command that does the same job.
#pragma once

#include <string>
#include <string_view>

namespace nemo {

// `text` with every GUI phrase replaced by the matching command (case-insensitive; a phrase that
// starts with a capital letter gets a capitalised replacement). Other bytes are kept as they are.
std::string TranslateGuiPhrases(std::string_view text);

}  // namespace nemo
