#include "journal.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <sstream>

#include "atomic_file.h"
#include "credentials.h"
#include "error.h"
#include "file_lock.h"
#include "sha256.h"
#include "state_dir.h"

namespace nemo {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr long long kExpirySeconds = kJournalExpiryDays * 86400LL;
constexpr const char* kEntrySuffix = ".json";
constexpr const char* kLockSuffix = ".lock";

constexpr const char* kJournalHint =
    "the journal lives in ${XDG_STATE_HOME:-~/.local/state}/nemovideo/journal; "
    "it must be a writable directory";

bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() > suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

fs::path JournalDir() { return StateDir() / "journal"; }

std::string SendKey(const std::string& api, const std::string& session_id,
                    const std::string& message_sha256) {
  return "send-" + Sha256Hex(api + "\n" + session_id + "\n" + message_sha256);
}

std::string RenderKey(const std::string& api, const std::string& session_id,
                      const std::string& draft_sha256, const std::string& format,
                      const std::string& quality) {
  return "render-" +
         Sha256Hex(api + "\n" + session_id + "\n" + draft_sha256 + "\n" + format + "\n" + quality);
}

long long UnixSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string IsoTime(long long unix_seconds) {
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

Journal::Journal(fs::path dir, std::function<long long()> now)
    : dir_(std::move(dir)), now_(std::move(now)) {}

Journal::Entry::Entry(const Journal* journal, fs::path file, FileLock lock)
    : journal_(journal), file_(std::move(file)), lock_(std::move(lock)) {}

void Journal::Entry::Write(json value) {
  long long now = journal_->now_();
  value["key"] = file_.stem().string();
  if (!value.contains("created_at")) value["created_at"] = IsoTime(now);
  value["updated_at"] = IsoTime(now);
  value["expires_at"] = IsoTime(now + kExpirySeconds);
  ReplaceFileAtomically(file_, value.dump(2, ' ', false, json::error_handler_t::replace) + "\n",
                        0600, kExitUsage);
  value_ = std::move(value);
}

void Journal::EnsureDir() const { EnsurePrivateStateDir(dir_); }

std::optional<json> Journal::Read(const fs::path& file) const {
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  json value = json::parse(text.str(), nullptr, false);
  if (value.is_discarded() || !value.is_object()) {
    // Replaced atomically, an entry is never half-written: this one was damaged some other way.
    // Say so rather than forget it, so nothing is sent again on a guess.
    return json{{"status", "unreadable"}, {"key", file.stem().string()}};
  }
  return value;
}

bool Journal::Expired(const json& value) const {
  auto it = value.find("updated_at");
  if (it == value.end() || !it->is_string()) return false;
  auto updated = ParseIsoTime(it->get<std::string>());
  return updated && now_() - *updated > kExpirySeconds;
}

Journal::Entry Journal::Open(const std::string& key, const std::function<void()>& on_wait) {
  EnsureDir();
  Sweep();
  fs::path lock = dir_ / (key + kLockSuffix);
  Entry entry(this, dir_ / (key + kEntrySuffix), FileLock(lock, kExitUsage, kJournalHint, on_wait));
  entry.value_ = Read(entry.file_);
  if (entry.value_ && Expired(*entry.value_)) entry.value_.reset();
  return entry;
}

std::vector<json> Journal::List() const {
  std::vector<json> out;
  std::error_code ec;
  for (const auto& file : fs::directory_iterator(dir_, ec)) {
    std::string name = file.path().filename().string();
    if (name[0] == '.' || !EndsWith(name, kEntrySuffix)) continue;
    auto value = Read(file.path());
    if (!value || Expired(*value)) continue;
    (*value)["key"] = file.path().stem().string();
    out.push_back(std::move(*value));
  }
  std::sort(out.begin(), out.end(), [](const json& a, const json& b) {
    return a.value("created_at", "") < b.value("created_at", "");
  });
  return out;
}

int Journal::Sweep() {
  std::error_code ec;
  RemoveStaleTemporaries(dir_, kEntrySuffix, std::chrono::seconds(60));
  int removed = 0;
  auto now_file = fs::file_time_type::clock::now();
  long long skew = now_() - UnixSeconds();  // tests move the journal's clock, not the disk's
  for (const auto& file : fs::directory_iterator(dir_, ec)) {
    std::string name = file.path().filename().string();
    bool is_entry = EndsWith(name, kEntrySuffix);
    if (name[0] == '.' || !(is_entry || EndsWith(name, kLockSuffix))) continue;
    fs::path entry = dir_ / (file.path().stem().string() + kEntrySuffix);
    std::error_code stat_ec;
    if (!is_entry && fs::exists(entry, stat_ec)) continue;  // the entry's lock goes with it
    // Only files not written for a while are worth reading: an entry for the expiry period, a
    // lock without an entry (its process wrote nothing) for a day.
    auto mtime = fs::last_write_time(file.path(), stat_ec);
    if (stat_ec) continue;
    auto age = std::chrono::duration_cast<std::chrono::seconds>(now_file - mtime).count() + skew;
    if (age <= (is_entry ? kExpirySeconds : 86400)) continue;
    if (is_entry) {
      auto value = Read(file.path());
      if (value && !Expired(*value) && value->value("status", "") != "unreadable") continue;
    }
    fs::path lock = dir_ / (file.path().stem().string() + kLockSuffix);
    int fd = open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) continue;
    if (flock(fd, LOCK_EX | LOCK_NB) == 0) {  // in use: leave it to its owner
      // Written again between the look and the lock? Then it stays.
      auto value = is_entry ? Read(entry) : std::nullopt;
      bool fresh = value && !Expired(*value) && value->value("status", "") != "unreadable";
      if (fresh || (!is_entry && fs::exists(entry, stat_ec))) {
        close(fd);
        continue;
      }
      if (is_entry) {
        fs::remove(entry, stat_ec);
        ++removed;
      }
      fs::remove(lock, stat_ec);  // still locked: a process waiting on it sees it go
    }
    close(fd);
  }
  return removed;
}

SendAction DecideSend(const std::optional<json>& entry, bool again) {
  if (!entry || again) return SendAction::kSend;
  std::string status = entry->value("status", "");
  if (status == "failed") return SendAction::kSend;
  if (status == "run_failed") return SendAction::kRepeatFailure;
  if (status == "done") return SendAction::kReplay;
  return SendAction::kRecover;  // sending, sent, unfinished, unreadable: it may have gone out
}

std::optional<std::string> RenderToFollow(const std::optional<json>& entry, bool fresh) {
  if (!entry || fresh) return std::nullopt;
  std::string status = entry->value("status", "");
  std::string id = entry->value("render_id", "");
  if (id.empty() || status == "failed" || status == "cancelled") return std::nullopt;
  return id;
}

}  // namespace nemo
