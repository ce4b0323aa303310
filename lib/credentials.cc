#include "credentials.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <fstream>
#include <random>
#include <sstream>

#include <nlohmann/json.hpp>

#include "atomic_file.h"
#include "error.h"
#include "output.h"
#include "private_files.h"

namespace nemo {
namespace fs = std::filesystem;

namespace {

constexpr const char* kCredentialsFile = "credentials.json";

// The store as JSON ({} when there is none). A file that is not safely the user's is refused
// (private_files.h); a corrupt one too, unless the caller asks to learn it through `corrupt`.
nlohmann::json ReadStore(const fs::path& dir, bool* corrupt = nullptr) {
  CheckPrivateDir(dir);
  fs::path path = dir / kCredentialsFile;
  int fd = OpenPrivateFile(path, true);
  if (fd < 0) return nlohmann::json::object();
  std::string text = ReadAndClose(fd, path);
  nlohmann::json doc = nlohmann::json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object() ||
      (doc.contains("tokens") && !doc["tokens"].is_object())) {
    if (corrupt) {
      *corrupt = true;
      return nlohmann::json::object();
    }
    throw Error(kExitAuth, path.string() + ": not valid credentials JSON",
                "remove it with `nemo-auth logout`, then run `nemo-auth` again");
  }
  return doc;
}

}  // namespace

FileLock LockCredentialsDir(const fs::path& dir) {
  EnsurePrivateDir(dir);
  return FileLock(dir / ".lock", kExitAuth);
}

void EnsurePrivateDir(const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir.parent_path(), ec);
  if (mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    throw Error(kExitAuth, dir.string() + ": cannot create directory: " + ErrnoText());
  }
  CheckPrivateDir(dir);
}

std::string NewUuid() {
  std::random_device rd;
  std::mt19937_64 rng((static_cast<uint64_t>(rd()) << 32) ^ rd());
  uint64_t hi = rng(), lo = rng();
  hi = (hi & 0xffffffffffff0fffULL) | 0x0000000000004000ULL;  // version 4
  lo = (lo & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;  // variant 10
  char buf[37];
  std::snprintf(buf, sizeof buf, "%08x-%04x-%04x-%04x-%012llx", static_cast<unsigned>(hi >> 32),
                static_cast<unsigned>((hi >> 16) & 0xffff), static_cast<unsigned>(hi & 0xffff),
                static_cast<unsigned>(lo >> 48),
                static_cast<unsigned long long>(lo & 0xffffffffffffULL));
  return buf;
}

std::string LoadOrCreateClientId(const fs::path& dir) {
  if (const char* env = std::getenv("NEMO_CLIENT_ID"); env && *env) return env;
  fs::path path = dir / "client_id";
  auto read = [&]() -> std::string {
    // Readable by others is fine (a UUID, no secret); planted by someone else is not.
    CheckPrivateDir(dir);
    int fd = OpenPrivateFile(path, false);
    if (fd < 0) return "";
    std::string text = ReadAndClose(fd, path);
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
    return text;
  };
  std::string id = read();
  if (!id.empty()) return id;
  FileLock lock = LockCredentialsDir(dir);
  id = read();  // another process may have written it while we waited
  if (!id.empty()) return id;
  id = NewUuid();
  ReplaceFileAtomically(path, id + "\n", 0600, kExitAuth);
  return id;
}

std::optional<Credentials> LoadCredentials(const fs::path& dir, const std::string& api) {
  nlohmann::json store = ReadStore(dir);
  auto tokens = store.value("tokens", nlohmann::json::object());
  auto it = tokens.find(api);
  if (it == tokens.end() || !it->is_object()) return std::nullopt;
  auto str = [&](const char* key) {
    auto v = it->find(key);
    return v != it->end() && v->is_string() ? v->get<std::string>() : std::string();
  };
  Credentials c{api,         str("token"),    str("user_id"), str("expires_at"),
                str("kind"), str("client_id")};
  if (c.token.empty()) return std::nullopt;
  return c;
}

void StoreCredentials(const fs::path& dir, const Credentials& c) {
  EnsurePrivateDir(dir);
  // A writer killed between mkstemp and rename left `.credentials.json.XXXXXX`: sweep the ones
  // old enough that no live writer can own them.
  RemoveStaleTemporaries(dir, ".json", std::chrono::seconds(60));
  // Replacing a corrupt file is what storing means; one that is not safely ours is refused.
  bool corrupt = false;
  nlohmann::json store = ReadStore(dir, &corrupt);
  store["version"] = 1;
  store["tokens"][c.api] = {{"token", c.token},
                            {"user_id", c.user_id},
                            {"expires_at", c.expires_at},
                            {"kind", c.kind},
                            {"client_id", c.client_id}};
  ReplaceFileAtomically(dir / kCredentialsFile, store.dump(2) + "\n", 0600, kExitAuth);
}

bool RemoveCredentials(const fs::path& dir, const std::string& api) {
  fs::path path = dir / kCredentialsFile;
  struct stat st {};
  if (lstat(path.c_str(), &st) != 0) return false;
  bool corrupt = false;
  nlohmann::json store = ReadStore(dir, &corrupt);
  if (corrupt) return fs::remove(path);  // removed whole
  if (!store.contains("tokens") || !store["tokens"].contains(api)) return false;
  store["tokens"].erase(api);
  ReplaceFileAtomically(path, store.dump(2) + "\n", 0600, kExitAuth);
  return true;
}

std::optional<long long> ParseIsoTime(const std::string& text) {
  std::tm tm{};
  const char* end = strptime(text.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
  if (!end) return std::nullopt;
  return static_cast<long long>(timegm(&tm));
}

bool IsExpired(const Credentials& c) {
  auto at = ParseIsoTime(c.expires_at);
  if (!at) return false;  // unknown expiry: let the server say (1001)
  return *at <= static_cast<long long>(std::time(nullptr)) + 60;
}

}  // namespace nemo
