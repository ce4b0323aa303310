#include "upload.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <exception>
#include <memory>
#include <mutex>
#include <thread>

#include "error.h"
#include "media_type.h"
#include "progress.h"
#include "sha256.h"
#include "text.h"

namespace nemo {
namespace {

std::string BaseName(const std::string& path) {
  std::string p = path;
  while (p.size() > 1 && p.back() == '/') p.pop_back();
  std::size_t slash = p.find_last_of('/');
  return slash == std::string::npos ? p : p.substr(slash + 1);
}

[[noreturn]] void Refuse(int exit_code, const std::string& path, const std::string& why,
                         std::string hint = {}, int api_code = 0) {
  throw Error(exit_code, path + ": " + why, std::move(hint), api_code);
}

// The progress of all files together, shared by the parallel requests.
class Progress {
 public:
  Progress(const std::vector<LocalFile>& files, bool enabled)
      : files_(files), sent_(files.size(), 0), bar_("", Total(files), enabled) {}

  void Read(std::size_t index, std::size_t bytes) {
    std::lock_guard<std::mutex> lock(mutex_);
    sent_[index] += static_cast<int64_t>(bytes);
    done_ += static_cast<int64_t>(bytes);
    if (index != current_) {
      current_ = index;
      std::string name = files_[index].filename;
      if (name.size() > 28) name = name.substr(0, 12) + "…" + name.substr(name.size() - 12);
      bar_.SetLabel(name + " (" + std::to_string(index + 1) + "/" + std::to_string(files_.size()) +
                    ")");
    }
    bar_.Update(done_);
  }
  void Rewind(std::size_t index) {
    std::lock_guard<std::mutex> lock(mutex_);
    done_ -= sent_[index];
    sent_[index] = 0;
  }
  void Tick() {
    std::lock_guard<std::mutex> lock(mutex_);
    bar_.Update(done_);
  }
  void Finish() {
    std::lock_guard<std::mutex> lock(mutex_);
    bar_.SetLabel(files_.size() == 1 ? files_[0].filename
                                     : std::to_string(files_.size()) + " files");
    bar_.Finish();
  }

 private:
  static int64_t Total(const std::vector<LocalFile>& files) {
    int64_t total = 0;
    for (const auto& f : files) total += f.size;
    return total;
  }
  std::mutex mutex_;
  const std::vector<LocalFile>& files_;
  std::vector<int64_t> sent_;
  int64_t done_ = 0;
  std::size_t current_ = static_cast<std::size_t>(-1);
  ProgressBar bar_;
};

// One file's part of a request, with its running hash.
struct Sending {
  const LocalFile* file = nullptr;
  std::size_t index = 0;
  Sha256 sha;
  int64_t bytes = 0;
};

UploadPart MakePart(Sending& s, Progress& progress) {
  UploadPart part;
  part.path = s.file->path;
  part.filename = s.file->filename;
  part.content_type = s.file->type->mime;
  part.on_read = [&s, &progress](std::string_view chunk) {
    s.sha.Update(chunk);
    s.bytes += static_cast<int64_t>(chunk.size());
    progress.Read(s.index, chunk.size());
  };
  part.on_rewind = [&s, &progress] {
    s.sha.Reset();
    s.bytes = 0;
    progress.Rewind(s.index);
  };
  return part;
}

// Sends `group` (indexes into files) in one multipart request and verifies the reply.
nlohmann::json SendGroup(Api& api, const std::string& session_id,
                         const std::vector<LocalFile>& files, const std::vector<std::size_t>& group,
                         Progress& progress, const std::function<bool()>& keep_going) {
  std::vector<std::unique_ptr<Sending>> sending;
  HttpRequest request;
  request.method = "POST";
  request.url = api.Url(paths::Upload(session_id));
  request.idempotent = false;  // a POST that creates uploads: never re-sent on 5xx
  for (std::size_t i : group) {
    auto s = std::make_unique<Sending>();
    s->file = &files[i];
    s->index = i;
    request.parts.push_back(MakePart(*s, progress));
    sending.push_back(std::move(s));
  }
  request.keep_going = keep_going;
  request.on_progress = [&progress](int64_t, int64_t, int64_t, int64_t) { progress.Tick(); };
  nlohmann::json data = api.Call(request);

  std::vector<SentFile> sent;
  for (auto& s : sending) {
    if (s->bytes != s->file->size) {
      throw Error(kExitUsage,
                  s->file->path + ": the file changed while it was sent (" +
                      std::to_string(s->bytes) + " bytes read, " + std::to_string(s->file->size) +
                      " expected)",
                  "upload it again once it is no longer being written");
    }
    sent.push_back({s->file->filename, s->bytes, s->sha.HexDigest(), s->file->type->kind});
  }
  return VerifyUploadReply(data, sent);
}

bool IsSha256Hex(const nlohmann::json& v) {
  if (!v.is_string()) return false;
  const std::string& s = v.get_ref<const std::string&>();
  if (s.size() != 64) return false;
  for (char c : s)
    if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
  return true;
}

const nlohmann::json& ReplyFiles(const nlohmann::json& data) {
  if (!data.is_object() || !data.contains("files") || !data["files"].is_array()) {
    throw Error(kExitBadResponse, "the upload reply has no \"files\" list");
  }
  return data["files"];
}

// A string field of a reply entry; absent, null or another type → `fallback`.
std::string StringField(const nlohmann::json& entry, const char* key, const std::string& fallback) {
  auto it = entry.find(key);
  return it != entry.end() && it->is_string() ? it->get<std::string>() : fallback;
}

// The server's media facts worth keeping in the context, when it gives them.
void CopyMediaFields(const nlohmann::json& from, nlohmann::json& to) {
  for (const char* key : {"duration", "width", "height", "fps", "hash"}) {
    if (from.contains(key) && !from[key].is_null()) to[key] = from[key];
  }
}

}  // namespace

LocalFile CheckFile(const std::string& path, int64_t max_size) {
  if (path.empty()) throw Error(kExitUsage, "an empty file name");
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) {
    int err = errno;
    struct stat lst {};
    if (err == ENOENT && lstat(path.c_str(), &lst) == 0 && S_ISLNK(lst.st_mode)) {
      Refuse(kExitUsage, path, "a symbolic link to nothing");
    }
    if (err == ENOENT || err == ENOTDIR) Refuse(kExitUsage, path, "no such file");
    if (err == ELOOP) Refuse(kExitUsage, path, "a symbolic link loop");
    Refuse(kExitUsage, path, std::string("cannot read: ") + std::strerror(err));
  }
  if (!S_ISREG(st.st_mode)) {
    Refuse(kExitUsage, path, "is " + FileKindOf(st.st_mode) + ", not a regular file",
           S_ISDIR(st.st_mode) ? "to upload the files in it: nemo-upload " + path + "/*" : "");
  }
  LocalFile file;
  file.path = path;
  file.filename = BaseName(path);
  std::string ext = ExtensionOf(file.filename);
  file.type = MediaTypeForExtension(ext);
  if (!file.type) {
    Refuse(
        kExitUnsupportedFile, path,
        ext.empty() ? "no file extension, so no supported type" : "unsupported file type ." + ext,
        "supported: " + SupportedTypesText(), 4001);
  }
  // Opened without blocking (a FIFO swapped in after stat must not hang us), then re-checked.
  int fd = open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) Refuse(kExitUsage, path, std::string("cannot read: ") + std::strerror(errno));
  struct Closer {
    int fd;
    ~Closer() { close(fd); }
  } closer{fd};
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    Refuse(kExitUsage, path, "is not a regular file");
  }
  file.size = static_cast<int64_t>(st.st_size);
  if (file.size == 0) {
    Refuse(kExitUnsupportedFile, path, "empty file", "there is nothing to upload in it");
  }
  if (max_size > 0 && file.size > max_size) {
    Refuse(kExitFileTooLarge, path,
           "file too large (" + SizeAgainstLimit(file.size, max_size) + ")",
           "compress or trim it; --max-size raises the limit if the server accepts more", 4002);
  }
  char head[kSniffBytes];
  ssize_t n;
  do {
    n = read(fd, head, sizeof head);
  } while (n < 0 && errno == EINTR);
  if (n < 0) Refuse(kExitUsage, path, std::string("cannot read: ") + std::strerror(errno));
  std::string_view bytes(head, static_cast<std::size_t>(n));
  if (!SniffMatches(*file.type, bytes)) {
    std::string looks = DescribeContent(bytes);
    Refuse(kExitUnsupportedFile, path,
           "the content does not look like " + file.type->display_name +
               (looks.empty() ? "" : " (it looks like " + looks + ")"),
           "rename it to its real type, or convert it", 4001);
  }
  return file;
}

std::vector<LocalFile> CheckFiles(const std::vector<std::string>& paths, int64_t max_size) {
  std::vector<LocalFile> files;
  files.reserve(paths.size());
  for (const auto& p : paths) files.push_back(CheckFile(p, max_size));
  return files;
}

std::string SizeAgainstLimit(int64_t size, int64_t limit) {
  std::string a = HumanBytes(static_cast<double>(size));
  std::string b = HumanBytes(static_cast<double>(limit));
  if (a == b) {
    a = std::to_string(size) + " bytes";
    b = std::to_string(limit) + " bytes";
  }
  return a + "; limit " + b;
}

void CheckUploadUrl(const std::string& url) {
  UrlParts parts;
  bool ok = url.find_first_of(" \t\r\n") == std::string::npos && ParseUrl(url, parts) &&
            (parts.scheme == "http" || parts.scheme == "https") && !parts.host.empty() &&
            (AsciiLower(url).rfind("http://", 0) == 0 || AsciiLower(url).rfind("https://", 0) == 0);
  if (!ok) {
    throw Error(kExitUsage, url + ": not an http(s) URL",
                "give absolute URLs such as https://example.com/clip.mp4");
  }
}

nlohmann::json VerifyUploadReply(const nlohmann::json& data, const std::vector<SentFile>& sent) {
  const nlohmann::json& files = ReplyFiles(data);
  if (files.size() != sent.size()) {
    throw Error(kExitBadResponse, "the server reports " + std::to_string(files.size()) +
                                      " files, sent " + std::to_string(sent.size()));
  }
  nlohmann::json uploads = nlohmann::json::array();
  std::vector<bool> used(files.size(), false);
  for (std::size_t i = 0; i < sent.size(); ++i) {
    const SentFile& s = sent[i];
    // The reply is in the order sent; a server that reorders is matched by file name.
    std::size_t k = i;
    auto name_of = [&](std::size_t j) {
      return files[j].is_object() ? StringField(files[j], "filename", "") : std::string();
    };
    if (name_of(k) != s.filename) {
      for (std::size_t j = 0; j < files.size(); ++j) {
        if (!used[j] && name_of(j) == s.filename) {
          k = j;
          break;
        }
      }
    }
    if (used[k] || !files[k].is_object()) {
      throw Error(kExitBadResponse, "the upload reply has no entry for " + s.filename);
    }
    used[k] = true;
    const nlohmann::json& f = files[k];
    if (f.contains("size") && f["size"].is_number()) {
      int64_t size = f["size"].get<int64_t>();
      if (size != s.size) {
        throw Error(kExitBadResponse, "server reports " + std::to_string(size) + " bytes for " +
                                          s.filename + ", sent " + std::to_string(s.size));
      }
    }
    // Only a field that says it is a SHA-256 is held against ours. The API's `hash` names no
    // algorithm: another 256-bit digest, or one of what the service stored (a transcoded copy),
    // would make every upload that succeeded look failed, and a re-run upload it twice. It is
    // kept in the context as the server gave it.
    if (f.contains("sha256") && IsSha256Hex(f["sha256"]) &&
        AsciiLower(f["sha256"].get<std::string>()) != s.sha256) {
      throw Error(kExitBadResponse, "server reports sha256 " +
                                        f["sha256"].get<std::string>().substr(0, 12) + "… for " +
                                        s.filename + ", sent " + s.sha256.substr(0, 12) + "…");
    }
    nlohmann::json entry = {{"filename", s.filename},
                            {"file_type", StringField(f, "file_type", s.kind)},
                            {"cdn_url", StringField(f, "cdn_url", "")},
                            {"size", s.size},
                            {"sha256", s.sha256}};
    CopyMediaFields(f, entry);
    uploads.push_back(entry);
  }
  return uploads;
}

nlohmann::json UploadFiles(Api& api, const std::string& session_id,
                           const std::vector<LocalFile>& files, const UploadOptions& options) {
  Progress progress(files, options.progress);
  if (options.jobs <= 0 || files.size() == 1) {
    std::vector<std::size_t> all(files.size());
    for (std::size_t i = 0; i < all.size(); ++i) all[i] = i;
    nlohmann::json uploads = SendGroup(api, session_id, files, all, progress, nullptr);
    progress.Finish();
    return uploads;
  }

  // One request per file, `jobs` at a time, each thread with its own client. The token is
  // resolved here first (minted and stored if need be), so the threads only read it.
  api.Token();
  std::size_t workers = std::min<std::size_t>(static_cast<std::size_t>(options.jobs), files.size());
  std::vector<std::unique_ptr<Api>> apis;
  for (std::size_t w = 0; w < workers; ++w) {
    apis.push_back(std::make_unique<Api>(api.config()));
    apis.back()->Token();
  }
  std::vector<nlohmann::json> results(files.size());
  std::atomic<std::size_t> next{0};
  std::atomic<bool> failed{false};
  std::atomic<std::size_t> uploaded{0};
  std::mutex failure_mutex;
  std::exception_ptr failure;
  auto keep_going = [&failed] { return !failed.load(); };
  auto work = [&](Api& client) {
    for (;;) {
      std::size_t i = next.fetch_add(1);
      if (i >= files.size() || failed.load()) return;
      try {
        results[i] = SendGroup(client, session_id, files, {i}, progress, keep_going)[0];
        uploaded.fetch_add(1);
      } catch (...) {
        std::lock_guard<std::mutex> lock(failure_mutex);
        // The first failure is the cause; the transfers it aborted are not worth reporting.
        if (!failed.exchange(true)) failure = std::current_exception();
        return;
      }
    }
  };
  std::vector<std::thread> threads;
  for (auto& client : apis) threads.emplace_back(work, std::ref(*client));
  for (auto& t : threads) t.join();
  if (failure) {
    try {
      std::rethrow_exception(failure);
    } catch (const Error& e) {
      std::size_t done = uploaded.load();
      if (done == 0) throw;
      // Which files reached the session matters whatever the failure: the error's own hint
      // comes first, then this note.
      std::string names;
      for (std::size_t i = 0, listed = 0; i < files.size(); ++i) {
        if (results[i].is_null()) continue;
        if (++listed > 5) {
          names += ", …";
          break;
        }
        names += (names.empty() ? "" : ", ") + files[i].path;
      }
      std::string note = std::to_string(done) + " of " + std::to_string(files.size()) +
                         " files reached the session before the failure (" + names +
                         "); they are not in the output";
      throw Error(e.exit_code(), e.what(), e.hint().empty() ? note : e.hint() + "; " + note,
                  e.api_code(), e.http_status());
    }
  }
  progress.Finish();
  nlohmann::json uploads = nlohmann::json::array();
  for (auto& r : results) uploads.push_back(std::move(r));
  return uploads;
}

nlohmann::json UploadUrls(Api& api, const std::string& session_id,
                          const std::vector<std::string>& urls) {
  nlohmann::json body = {{"urls", urls}, {"source_type", "url"}};
  nlohmann::json data = api.Post(paths::Upload(session_id), body, /*idempotent=*/false);
  const nlohmann::json& files = ReplyFiles(data);
  if (files.size() != urls.size()) {
    throw Error(kExitBadResponse, "the server reports " + std::to_string(files.size()) +
                                      " files, sent " + std::to_string(urls.size()) + " URLs");
  }
  nlohmann::json uploads = nlohmann::json::array();
  for (std::size_t i = 0; i < urls.size(); ++i) {
    const nlohmann::json& f = files[i];
    if (!f.is_object())
      throw Error(kExitBadResponse, "the upload reply has no entry for " + urls[i]);
    const MediaType* type =
        MediaTypeForExtension(ExtensionOf(urls[i].substr(0, urls[i].find_first_of("?#"))));
    nlohmann::json entry = {{"filename", StringField(f, "filename", BaseName(urls[i]))},
                            {"file_type", StringField(f, "file_type", type ? type->kind : "")},
                            {"cdn_url", StringField(f, "cdn_url", urls[i])},
                            {"source_url", urls[i]}};
    CopyMediaFields(f, entry);
    uploads.push_back(entry);
  }
  return uploads;
}

}  // namespace nemo
