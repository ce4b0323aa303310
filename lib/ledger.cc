#include "ledger.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "atomic_file.h"
#include "error.h"
#include "interrupt.h"
#include "journal.h"
#include "state_dir.h"

namespace nemo {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

Error LedgerError(const fs::path& path, const std::string& what) {
  return Error(kExitUsage, path.string() + ": " + what,
               "the credit ledger lives in ${XDG_STATE_HOME:-~/.local/state}/nemovideo (or "
               "NEMO_LEDGER); it must be a writable file");
}

// The ledger's lock, held for one read-change-write: every process of the user takes it.
class LedgerLock {
 public:
  explicit LedgerLock(const fs::path& file) {
    fs::path lock = file.string() + ".lock";
    fd_ = open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd_ < 0) throw LedgerError(lock, "cannot open the lock file: " + ErrnoText());
    while (flock(fd_, LOCK_EX) != 0) {
      if (errno != EINTR) {
        std::string why = ErrnoText();
        close(fd_);
        throw LedgerError(lock, "cannot lock: " + why);
      }
      if (int sig = InterruptSignal(); sig != 0) {
        close(fd_);
        throw Error(ExitCodeForSignal(sig), "interrupted while waiting for the credit ledger");
      }
    }
  }
  ~LedgerLock() { close(fd_); }
  LedgerLock(const LedgerLock&) = delete;
  LedgerLock& operator=(const LedgerLock&) = delete;

 private:
  int fd_;
};

json ReadLedger(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return json::object();
  std::ostringstream text;
  text << in.rdbuf();
  json value = json::parse(text.str(), nullptr, false);
  // Written atomically, a ledger is never half-written; one damaged some other way starts over
  // (its reservations are of processes that will settle into the new one).
  return value.is_object() ? value : json::object();
}

long long Number(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_number_integer() ? it->get<long long>() : 0;
}

// Drops the reservations of processes that are gone.
void Prune(json& ledger) {
  json kept = json::array();
  for (const json& r : ledger.value("reservations", json::array())) {
    if (ProcessAlive(Number(r, "pid"), Number(r, "start"))) kept.push_back(r);
  }
  ledger["reservations"] = kept;
}

// Removes the reservation `id`.
void Drop(json& ledger, const std::string& id) {
  json kept = json::array();
  for (const json& r : ledger["reservations"]) {
    if (r.value("id", "") != id) kept.push_back(r);
  }
  ledger["reservations"] = kept;
}

long long Reserved(const json& ledger) {
  long long sum = 0;
  for (const json& r : ledger["reservations"]) sum += Number(r, "credits");
  return sum;
}

// "300 reserved by 3 runs in flight (nemo-send pid 41: generation in ses_…; …)"
std::string Holders(const json& ledger) {
  const json& rs = ledger["reservations"];
  if (rs.empty()) return "nothing reserved";
  std::string text = std::to_string(Reserved(ledger)) + " reserved by " +
                     std::to_string(rs.size()) + (rs.size() == 1 ? " run" : " runs") +
                     " in flight (";
  for (std::size_t i = 0; i < rs.size(); ++i) {
    if (i == 3) {
      text += "; …";
      break;
    }
    if (i > 0) text += "; ";
    text += "pid " + std::to_string(Number(rs[i], "pid")) + ": " + rs[i].value("what", "?");
  }
  return text + ")";
}

std::optional<long long> EnvNumber(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') return std::nullopt;
  char* end = nullptr;
  long long n = std::strtoll(value, &end, 10);
  if (*end != '\0' || n < 0 || std::string(value).size() > 15) {
    throw Error(kExitUsage,
                std::string(name) + ": expected a number of credits, got \"" + value + "\"",
                std::string("unset ") + name + " or give a whole number, e.g. 500");
  }
  return n;
}

}  // namespace

long long ProcessStartTicks(long long pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // The command name (field 2) may hold spaces and parentheses: count from the last ')'.
  std::size_t close = text.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream fields(text.substr(close + 2));
  std::string field;
  for (int i = 3; i <= 22 && fields >> field; ++i) {
    if (i == 22) return std::atoll(field.c_str());
  }
  return 0;
}

bool ProcessAlive(long long pid, long long start_ticks) {
  if (pid <= 0) return false;
  if (kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH) return false;
  // A pid reused by another process is not the one that reserved.
  long long now = ProcessStartTicks(pid);
  return start_ticks == 0 || now == 0 || now == start_ticks;
}

std::optional<long long> CreditCap(std::optional<long long> flag) {
  if (flag) return flag;
  return EnvNumber("NEMO_MAX_CREDITS");
}

Ledger::Ledger(fs::path file) : file_(std::move(file)) {}

Ledger Ledger::ForThisBuild() {
  if (const char* named = std::getenv("NEMO_LEDGER"); named != nullptr && *named != '\0') {
    return Ledger(named);
  }
  fs::path dir = StateDir();
  const char* id = std::getenv("NEMO_BUDGET_ID");
  if (id != nullptr && *id != '\0') {
    std::string name(id);
    if (name.find('/') != std::string::npos || name == "." || name == "..") {
      throw Error(kExitUsage, "NEMO_BUDGET_ID: \"" + name + "\" is not a plain name",
                  "use letters, digits, dashes: a build's name, such as nightly-42");
    }
    EnsurePrivateStateDir(dir / "budgets");
    return Ledger(dir / "budgets" / (name + ".json"));
  }
  EnsurePrivateStateDir(dir);
  return Ledger(dir / "ledger.json");
}

void Ledger::Update(const std::function<void(json&)>& change) {
  LedgerLock lock(file_);
  json ledger = ReadLedger(file_);
  Prune(ledger);
  change(ledger);
  ReplaceFileAtomically(file_, ledger.dump(1) + "\n", 0600, kExitUsage);
}

LedgerTicket Ledger::Reserve(long long credits,
                             const std::function<std::optional<long long>()>& read_available,
                             std::optional<long long> cap, const std::string& what) {
  LedgerTicket ticket;
  if (credits <= 0) return ticket;
  Update([&](json& ledger) {
    if (cap) ledger["cap"] = *cap;
    bool open = !ledger["reservations"].empty();
    if (!open) {
      // Nothing in flight: the server's balance, read now, is the whole truth.
      std::optional<long long> available = read_available ? read_available() : std::nullopt;
      if (available)
        ledger["base"] = *available;
      else
        ledger.erase("base");
      ledger["spent_since_base"] = 0;
    }
    long long reserved = Reserved(ledger);
    long long spent = Number(ledger, "spent");
    if (ledger.contains("cap") && ledger["cap"].is_number_integer()) {
      long long limit = ledger["cap"].get<long long>();
      if (spent + reserved + credits > limit) {
        throw Error(kExitNoCredits,
                    "the budget's cap of " + std::to_string(limit) + " credits would be crossed: " +
                        std::to_string(spent) + " spent, " + Holders(ledger) +
                        ", and this costs about " + std::to_string(credits) + "; nothing was sent",
                    "the cap comes from --max-credits or NEMO_MAX_CREDITS (ledger " +
                        file_.string() + "); `nemo-auth credits` shows it");
      }
    }
    if (ledger.contains("base") && ledger["base"].is_number_integer()) {
      long long left =
          ledger["base"].get<long long>() - Number(ledger, "spent_since_base") - reserved;
      if (left < credits) {
        throw Error(kExitNoCredits,
                    "not enough credits: this costs about " + std::to_string(credits) + ", " +
                        std::to_string(std::max(0LL, left)) + " left of " +
                        std::to_string(ledger["base"].get<long long>()) + " once " +
                        Holders(ledger) + " are paid; nothing was sent",
                    "top up, or claim the session (`nemo-session link`) to keep its credits; "
                    "`nemo-auth credits` shows the balance and the reservations");
      }
    }
    long long seq = Number(ledger, "next") + 1;
    ledger["next"] = seq;
    ticket.id = std::to_string(getpid()) + "-" + std::to_string(seq);
    ticket.credits = credits;
    ticket.alone = !open;
    ticket.seq = seq;
    ledger["reservations"].push_back({{"id", ticket.id},
                                      {"pid", static_cast<long long>(getpid())},
                                      {"start", ProcessStartTicks(getpid())},
                                      {"credits", credits},
                                      {"what", what},
                                      {"at", IsoTime(UnixSeconds())}});
  });
  return ticket;
}

void Ledger::Settle(const LedgerTicket& ticket, std::optional<long long> measured) {
  if (ticket.id.empty()) return;
  Update([&](json& ledger) {
    Drop(ledger, ticket.id);
    // The balance's difference is this run's alone only if no other run reserved while it ran:
    // one that started and settled in the meantime was charged too.
    bool alone =
        ticket.alone && ledger["reservations"].empty() && Number(ledger, "next") == ticket.seq;
    long long spent = alone && measured && *measured >= 0 ? *measured : ticket.credits;
    ledger["spent"] = Number(ledger, "spent") + spent;
    ledger["spent_since_base"] = Number(ledger, "spent_since_base") + spent;
  });
}

void Ledger::Release(const LedgerTicket& ticket) {
  if (ticket.id.empty()) return;
  Update([&](json& ledger) { Drop(ledger, ticket.id); });
}

json Ledger::Status(std::optional<long long> available) {
  json status;
  Update([&](json& ledger) {
    json cap = ledger.contains("cap") ? ledger["cap"] : json(nullptr);
    status = {{"file", file_.string()},
              {"available", available ? json(*available) : json(nullptr)},
              {"reserved", Reserved(ledger)},
              {"spent", Number(ledger, "spent")},
              {"cap", cap},
              {"reservations", ledger["reservations"]}};
  });
  return status;
}

}  // namespace nemo
