// Credits before spending them: what a message is expected to cost and what the account has,
// so a batch stops before it is refused half-way. The API's notes give about 100 credits a
// generation and 50 an edit; prices change, so both are overridable (NEMO_GENERATION_COST,
// NEMO_EDIT_COST, nemo-send --cost).
#pragma once

#include <optional>

#include <nlohmann/json.hpp>

#include "api.h"
#include "ledger.h"

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

// A message's credits for as long as its run goes on, in this build's ledger (lib/ledger): made
// before the message is sent, settled when the run is over, released when the request was
// refused before a run started. A process that dies loses it at the ledger's next look.
class CreditReservation {
 public:
  // Reserves `cost` (nothing for 0) in this build's ledger; when nothing else is reserved, the
  // balance is read (AvailableCredits) and checked as RequireCredits does. Under the cap
  // (`cap_flag`, else NEMO_MAX_CREDITS). Error(kExitNoCredits) naming what is reserved and by whom
  // when the reservation would cross the cap or the balance.
  CreditReservation(Api& api, long long cost, bool generation, std::optional<long long> cap_flag,
                    const std::string& what);
  CreditReservation(const CreditReservation&) = delete;
  CreditReservation& operator=(const CreditReservation&) = delete;
  // Not finished: settled at the estimate once its run started (it may have been charged),
  // released otherwise.
  ~CreditReservation();

  void Started() { started_ = true; }
  // The run is over: settled from the balance it took when it ran alone, else at the estimate.
  void Finish(Api& api);

 private:
  Ledger ledger_;
  LedgerTicket ticket_;
  std::optional<long long> available_before_;
  bool started_ = false, finished_ = false;
};

}  // namespace nemo
