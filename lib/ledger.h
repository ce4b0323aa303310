// The credit ledger: a budget that parallel jobs share. Each nemo-send reserves what its message
// is expected to cost before sending, under a lock every process of the user takes, so eight
// `make -j8` jobs that each see 400 credits cannot together spend 800. A finished run settles its
// reservation; a process that is gone (killed, crashed) loses its reservation at the next look.
//
// One ledger file is one budget: ${XDG_STATE_HOME:-~/.local/state}/nemovideo/ledger.json for the
// user, budgets/<NEMO_BUDGET_ID>.json for a build that names itself, or the file NEMO_LEDGER
// names. A cap (--max-credits, NEMO_MAX_CREDITS) bounds what the budget spends and reserves.
//
// The balance is read from the API when nothing is reserved (the "base"); while reservations are
// open, what is left is the base minus what was spent since and what is reserved, because the
// server's balance then already lacks some of the runs in flight and not others.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace nemo {

struct LedgerTicket {
  std::string id;  // empty: nothing reserved (no cost, or no ledger)
  long long credits = 0;
  bool alone = false;  // no other reservation was open when it was made
  long long seq = 0;   // the ledger's reservation count when it was made
};

class Ledger {
 public:
  explicit Ledger(std::filesystem::path file);

  // The ledger of this build: NEMO_LEDGER, else budgets/NEMO_BUDGET_ID.json, else ledger.json in
  // the state directory (created private, see state_dir.h).
  static Ledger ForThisBuild();

  // Reserves `credits` for `what` ("nemo-send: generation in ses_…"). When nothing else is
  // reserved, `read_available` is called under the lock for the balance (nullopt: unknown; it
  // may throw to refuse), which becomes the new base. `cap` is the budget's cap if one is given
  // (kept in the ledger for the processes after). Error(kExitNoCredits) naming what is reserved
  // and by whom when the reservation would cross the cap or the balance; nothing is reserved then.
  LedgerTicket Reserve(long long credits,
                       const std::function<std::optional<long long>()>& read_available,
                       std::optional<long long> cap, const std::string& what);

  // The run is over: its reservation becomes spent. `measured` is what the balance says it took
  // (before minus after), used when the run was the only one in flight; otherwise the estimate.
  void Settle(const LedgerTicket& ticket, std::optional<long long> measured);

  // Nothing was spent (refused before its run started): the reservation goes.
  void Release(const LedgerTicket& ticket);

  // {"file","available","reserved","spent","cap","reservations":[…]} for `nemo-auth credits`;
  // `available` is the balance just read, when known.
  nlohmann::json Status(std::optional<long long> available);

  const std::filesystem::path& file() const { return file_; }

 private:
  // Runs `change` on the ledger's JSON under the lock, then writes it back atomically.
  void Update(const std::function<void(nlohmann::json&)>& change);
  std::filesystem::path file_;
};

// The cap from --max-credits (flag, when given) or NEMO_MAX_CREDITS; Error(kExitUsage) for a
// value that is not a non-negative number.
std::optional<long long> CreditCap(std::optional<long long> flag);

// Whether the process that made a reservation (pid and its start time, from /proc) still runs.
bool ProcessAlive(long long pid, long long start_ticks);
long long ProcessStartTicks(long long pid);  // 0 when unknown

}  // namespace nemo
