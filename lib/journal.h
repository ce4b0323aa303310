// The journal: what nemo-send sent and what nemo-export submitted, so that a re-run after a
// crash, a kill -9 or a failed `make` recovers the run (or follows the render) instead of doing
// it again and paying twice. One JSON file per entry in
// ${XDG_STATE_HOME:-~/.local/state}/nemovideo/journal/, each replaced atomically (a kill -9
// mid-write leaves the old entry, never half of one), and one flock per entry, held by the
// process working on it for as long as it works: parallel `make -j` jobs never act on one entry
// at once, and a re-run that finds the entry locked waits for its owner instead of acting too.
// Entries expire kJournalExpiryDays after their last update.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "file_lock.h"

namespace nemo {

inline constexpr int kJournalExpiryDays = 30;

// ${XDG_STATE_HOME:-~/.local/state}/nemovideo/journal
std::filesystem::path JournalDir();

// Entry names. A message is the same message when its API base, session and bytes are:
// "send-" + sha256 of those. A render is the same render when its API base, session, draft
// bytes, format and quality are: "render-" + sha256 of those.
std::string SendKey(const std::string& api, const std::string& session_id,
                    const std::string& message_sha256);
std::string RenderKey(const std::string& api, const std::string& session_id,
                      const std::string& draft_sha256, const std::string& format,
                      const std::string& quality);

long long UnixSeconds();
std::string IsoTime(long long unix_seconds);  // "2026-05-01T12:00:00Z"

class Journal {
 public:
  explicit Journal(std::filesystem::path dir, std::function<long long()> now = UnixSeconds);

  // The lock on one entry, and what the entry holds. While it lives no other process acts on
  // the entry; the lock goes with the process (a kill -9 releases it).
  class Entry {
   public:
    Entry(Entry&& other) noexcept = default;
    Entry& operator=(Entry&&) = delete;

    // The entry as last written (by this process or an earlier one); nullopt when there is
    // none or it expired. An unreadable file reads as {"status":"unreadable"}.
    const std::optional<nlohmann::json>& value() const { return value_; }
    // Another process held the entry when it was opened, and this one waited for it.
    bool waited() const { return lock_.waited(); }
    // Replaces the entry atomically, stamping "created_at" (kept from the first write),
    // "updated_at" and "expires_at".
    void Write(nlohmann::json value);

   private:
    friend class Journal;
    Entry(const Journal* journal, std::filesystem::path file, FileLock lock);
    const Journal* journal_;
    std::filesystem::path file_;
    FileLock lock_;
    std::optional<nlohmann::json> value_;
  };

  // Locks entry `key` (creating the directory, mode 0700, when needed), waiting while another
  // process holds it: `on_wait` is called once before waiting. Ctrl-C while waiting throws
  // Error(130/143). Other failures throw Error(kExitUsage) naming the path.
  Entry Open(const std::string& key, const std::function<void()>& on_wait = {});

  // Every unexpired entry, oldest first, each with its "key" (no locks taken: a snapshot).
  std::vector<nlohmann::json> List() const;

  // Removes entries not updated for kJournalExpiryDays (skipping any in use) and the temporary
  // files killed writers left. Returns how many entries went.
  int Sweep();

  const std::filesystem::path& dir() const { return dir_; }

 private:
  bool Expired(const nlohmann::json& value) const;
  std::optional<nlohmann::json> Read(const std::filesystem::path& file) const;
  void EnsureDir() const;

  std::filesystem::path dir_;
  std::function<long long()> now_;
};

// What nemo-send does with the journal's entry for its message.
enum class SendAction {
  kSend,     // never sent, or the server refused it before its run started: send it
  kReplay,   // its run finished: repeat that result, do not send (unless --again)
  kRecover,  // sent, but its process ended before the run did: read the session state instead
  // Its run started, then ended in an error: what it did may be in the draft, and charged. Say so
  // again with the draft's changes since; sending again is the user's decision (--again).
  kRepeatFailure,
};
SendAction DecideSend(const std::optional<nlohmann::json>& entry, bool again);

// The render nemo-export follows instead of submitting one: the recorded render, unless it
// failed or was cancelled, or `fresh` (--new) asks for a new one.
std::optional<std::string> RenderToFollow(const std::optional<nlohmann::json>& entry, bool fresh);

}  // namespace nemo
