#include "credits.h"

#include <cstdlib>
#include <string>

#include "draft.h"
#include "error.h"

namespace nemo {

bool IsGeneration(const nlohmann::json& draft_before) { return !DraftReady(draft_before); }

long long ExpectedCost(bool generation) {
  const char* name = generation ? "NEMO_GENERATION_COST" : "NEMO_EDIT_COST";
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') return generation ? kGenerationCost : kEditCost;
  char* end = nullptr;
  long long cost = std::strtoll(value, &end, 10);
  if (*end != '\0' || cost < 0 || std::string(value).size() > 12) {
    throw Error(kExitUsage,
                std::string(name) + ": expected a number of credits, got \"" + value + "\"");
  }
  return cost;
}

std::optional<long long> AvailableCredits(Api& api) {
  try {
    nlohmann::json data = api.Get(paths::kCredits);
    auto it = data.find("available");
    if (it != data.end() && it->is_number()) return it->get<long long>();
  } catch (const Error& e) {
    if (e.exit_code() == kExitInterrupted || e.exit_code() == kExitTerminated) throw;
  }
  return std::nullopt;
}

void RequireCredits(std::optional<long long> available, long long cost, bool generation) {
  if (!available || *available >= cost) return;
  throw Error(kExitNoCredits,
              "not enough credits: this " + std::string(generation ? "generation" : "edit") +
                  " costs about " + std::to_string(cost) + ", " + std::to_string(*available) +
                  " available; nothing was sent",
              "get credits by signing up with the link `nemo-session link` prints, or top up on "
              "nemovideo.com; `nemo-auth credits` shows the balance; --cost 0 skips this check");
}

CreditReservation::CreditReservation(Api& api, long long cost, bool generation,
                                     std::optional<long long> cap_flag, const std::string& what)
    : ledger_(Ledger::ForThisBuild()) {
  if (cost <= 0) return;
  std::optional<long long> cap = CreditCap(cap_flag);
  ticket_ = ledger_.Reserve(
      cost,
      [&] {
        available_before_ = AvailableCredits(api);
        RequireCredits(available_before_, cost, generation);
        return available_before_;
      },
      cap, what);
}

CreditReservation::~CreditReservation() {
  if (finished_ || ticket_.id.empty()) return;
  try {
    if (started_) {
      ledger_.Settle(ticket_, std::nullopt);
    } else {
      ledger_.Release(ticket_);
    }
  } catch (...) {
    // The ledger drops a reservation whose process is gone: nothing is lost by leaving it.
  }
}

void CreditReservation::Finish(Api& api) {
  if (finished_ || ticket_.id.empty()) return;
  std::optional<long long> measured;
  if (ticket_.alone && available_before_) {
    if (auto after = AvailableCredits(api)) measured = *available_before_ - *after;
  }
  ledger_.Settle(ticket_, measured);
  finished_ = true;
}

}  // namespace nemo
