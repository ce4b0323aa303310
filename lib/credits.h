// Credits before spending them: what a message is expected to cost and what the account has,
// so a batch stops before it is refused half-way. The API's notes give about 100 credits a
// generation and 50 an edit; prices change, so both are overridable (NEMO_GENERATION_COST,
// NEMO_EDIT_COST, nemo-send --cost).
#pragma once

#include <optional>

#include <nlohmann/json.hpp>

#include "api.h"

namespace nemo {

inline constexpr long long kGenerationCost = 100;
inline constexpr long long kEditCost = 50;

// A message to a session whose draft has no segment yet is a generation; otherwise an edit.
bool IsGeneration(const nlohmann::json& draft_before);

// The expected cost: NEMO_GENERATION_COST or NEMO_EDIT_COST when set (a bad value is
// Error(kExitUsage)), else the defaults above.
long long ExpectedCost(bool generation);

// The balance's "available", or nullopt when it cannot be read (the send then goes ahead and the
// server decides). Ctrl-C still throws.
std::optional<long long> AvailableCredits(Api& api);

// Error(kExitNoCredits) when `available` is known and below `cost`.
void RequireCredits(std::optional<long long> available, long long cost, bool generation);

}  // namespace nemo
