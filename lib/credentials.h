// The files in ${XDG_CONFIG_HOME:-~/.config}/nemovideo/: the client id (a UUID, shared with
// NemoVideo's own skills) and credentials.json (tokens by API base, mode 0600, dir 0700).
// Every write goes to a temporary file that is fsynced and renamed, so a reader (or a crash)
// only ever sees the old file or the new one.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "file_lock.h"

namespace nemo {

struct Credentials {
  std::string api;  // the API base the token belongs to
  std::string token;
  std::string user_id;
  std::string expires_at;  // ISO 8601, may be empty (unknown)
  std::string kind;        // "anonymous" or "registered"
  std::string client_id;
};

// Creates the directory (EnsurePrivateDir) and holds an exclusive lock on <dir>/.lock for as long
// as the FileLock lives: writers of the client id and of credentials.json take it.
FileLock LockCredentialsDir(const std::filesystem::path& dir);

// Creates the directory with mode 0700; an existing one must be safely the user's
// (CheckPrivateDir in private_files.h: ours, writable by nobody else; Error(kExitAuth) otherwise).
void EnsurePrivateDir(const std::filesystem::path& dir);

// NEMO_CLIENT_ID, else <dir>/client_id (refused like credentials.json when someone else could
// have written it), else a new UUID written there (under the lock).
std::string LoadOrCreateClientId(const std::filesystem::path& dir);

// The stored credentials for `api`, if any. A file readable by others is tightened to 0600
// with a warning on stderr; one that is not safely the user's (another owner, writable by
// others, a symbolic link) or corrupt throws Error(kExitAuth) naming it.
std::optional<Credentials> LoadCredentials(const std::filesystem::path& dir,
                                           const std::string& api);
void StoreCredentials(const std::filesystem::path& dir, const Credentials& credentials);
// Returns whether something was removed. A corrupt file is removed whole.
bool RemoveCredentials(const std::filesystem::path& dir, const std::string& api);

// Seconds since the epoch for an ISO 8601 UTC time ("2026-11-28T12:00:00Z"); nullopt if unparsable.
std::optional<long long> ParseIsoTime(const std::string& text);
bool IsExpired(const Credentials& credentials);  // with a one-minute margin

std::string NewUuid();

}  // namespace nemo
