// POST /api/upload-video/nemo_agent/me/<sid>: multipart files streamed to disk (memory stays
// flat whatever the size), hashed while written; or JSON {"urls":[…]} recorded without fetching.
// A request that sends Expect: 100-continue is refused before its body, as a gateway does, when
// the refusal does not need the body (a fault, the token, the session).
#include <fcntl.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <regex>
#include <vector>

#include "envelope.h"
#include "log.h"
#include "media.h"
#include "routes.h"

namespace sandbox {

using httplib::ContentReader;
using httplib::Request;
using httplib::Response;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

// One file part being received.
struct Part {
  std::string filename, safe_name, file_type, tmp_path;
  int fd = -1;
  uint64_t size = 0;
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> sha{EVP_MD_CTX_new(), EVP_MD_CTX_free};

  std::string HexDigest() {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_DigestFinal_ex(sha.get(), md, &len);
    static const char kDigits[] = "0123456789abcdef";
    std::string out;
    for (unsigned i = 0; i < len; ++i) {
      out += kDigits[md[i] >> 4];
      out += kDigits[md[i] & 15];
    }
    return out;
  }
};

// The state of one multipart request. The first error wins; after it the rest of the body is
// read and thrown away, so the client gets our answer instead of a reset connection.
struct Receiving {
  std::string staging;
  std::vector<std::unique_ptr<Part>> parts;
  Part* current = nullptr;
  int http = 0, code = 0;
  std::string message;

  void Fail(int h, int c, std::string m) {
    if (code == 0) http = h, code = c, message = std::move(m);
    CloseCurrent(true);
  }
  void CloseCurrent(bool remove) {
    if (current && current->fd >= 0) {
      close(current->fd);
      current->fd = -1;
      if (remove) unlink(current->tmp_path.c_str());
    }
    current = nullptr;
  }
  ~Receiving() {
    CloseCurrent(true);
    std::error_code ec;
    fs::remove_all(staging, ec);  // whatever was not moved into place: failed or partial files
  }
};

bool WriteAll(int fd, const char* data, size_t len) {
  while (len > 0) {
    ssize_t n = write(fd, data, len);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data += n;
    len -= static_cast<size_t>(n);
  }
  return true;
}

// Reads and discards a refused request's body, so the client gets our answer. httplib 0.11.4
// feeds a multipart body only to the multipart overload (the plain one would call an empty
// std::function and end in a 500), hence the two cases.
void Drain(const Request& req, const ContentReader& reader) {
  if (req.is_multipart_form_data()) {
    reader([](const httplib::MultipartFormData&) { return true; },
           [](const char*, size_t) { return true; });
  } else {
    reader([](const char*, size_t) { return true; });
  }
}

void ReceiveMultipart(Sandbox& sb, const ContentReader& reader, Receiving& rx) {
  int serial = 0;
  bool ok = reader(
      [&](const httplib::MultipartFormData& f) {
        rx.CloseCurrent(false);
        if (rx.code != 0 || f.name != "files" || f.filename.empty()) return true;
        std::string ext = Extension(f.filename);
        std::string type = FileTypeOf(ext);
        if (type.empty()) {
          rx.Fail(400, 4001,
                  "unsupported file type: " + (ext.empty() ? f.filename : "." + ext) + " (" +
                      SupportedTypesText() + ")");
          return true;
        }
        auto part = std::make_unique<Part>();
        part->filename = f.filename.substr(f.filename.find_last_of("/\\") + 1);
        part->safe_name = SafeName(f.filename);
        part->file_type = type;
        part->tmp_path = rx.staging + "/" + std::to_string(serial++);
        part->fd = open(part->tmp_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        EVP_DigestInit_ex(part->sha.get(), EVP_sha256(), nullptr);
        rx.current = part.get();
        rx.parts.push_back(std::move(part));
        if (rx.current->fd < 0) rx.Fail(500, 500, "cannot store the upload");
        return true;
      },
      [&](const char* data, size_t len) {
        Part* p = rx.current;
        if (!p) return true;
        p->size += len;
        if (p->size > sb.opt.max_upload) {
          rx.Fail(
              413, 4002,
              "file too large: " + p->filename + " (limit " + HumanSize(sb.opt.max_upload) + ")");
          return true;
        }
        EVP_DigestUpdate(p->sha.get(), data, len);
        if (!WriteAll(p->fd, data, len)) rx.Fail(500, 500, "cannot store the upload");
        return true;
      });
  rx.CloseCurrent(false);
  if (!ok) rx.Fail(400, 400, "the upload was cut short");
}

json KeepFiles(Sandbox& sb, Receiving& rx) {
  json files = json::array();
  for (auto& p : rx.parts) {
    std::string id = "upl_" + RandomHex(16);
    std::string dir = sb.state_dir + "/uploads/" + id;
    std::string path = dir + "/" + p->safe_name;
    std::error_code ec;
    fs::create_directories(dir, ec);
    fs::rename(p->tmp_path, path, ec);
    std::string digest = p->HexDigest();
    json entry = {{"filename", p->filename},
                  {"file_type", p->file_type},
                  {"cdn_url", sb.cdn_url + "/uploads/" + id + "/" + p->safe_name},
                  {"size", p->size},
                  {"sha256", digest},
                  {"hash", digest}};
    entry.update(ProbeMedia(path, p->file_type));
    entry["upload_id"] = id;
    entry["path"] = path;  // where the renderer finds it; the real API has its own storage
    files.push_back(entry);
  }
  return files;
}

void HandleUrls(Sandbox& sb, const ContentReader& reader, Response& res, json* files) {
  std::string body;
  bool too_big = false;
  reader([&](const char* data, size_t len) {
    if (body.size() + len > (1u << 20)) too_big = true;
    if (!too_big) body.append(data, len);
    return true;
  });
  json req = json::parse(body, nullptr, false);
  if (too_big || req.is_discarded() || !req.is_object() || !req.contains("urls") ||
      !req["urls"].is_array() || req["urls"].empty()) {
    return ApiError(sb, res, 400, 400, "expected multipart files or {\"urls\":[…]}");
  }
  for (const auto& u : req["urls"]) {
    if (!u.is_string()) return ApiError(sb, res, 400, 400, "urls must be strings");
    std::string url = u;
    std::string path = url.substr(0, url.find_first_of("?#"));
    std::string name = path.substr(path.find_last_of('/') + 1);
    std::string type = FileTypeOf(Extension(name));
    if (type.empty()) {
      return ApiError(sb, res, 400, 4001,
                      "unsupported file type: " + url + " (" + SupportedTypesText() + ")");
    }
    files->push_back({{"filename", name.empty() ? url : name},
                      {"file_type", type},
                      {"cdn_url", url},
                      {"size", nullptr},
                      {"sha256", nullptr},
                      {"hash", nullptr},
                      {"duration", nullptr},
                      {"width", nullptr},
                      {"height", nullptr},
                      {"fps", nullptr},
                      {"source_url", url}});
  }
}

const char* kUploadRoute = R"(/api/upload-video/nemo_agent/me/([^/]+))";

// The value httplib 0.11.4 calls the expect handler for (compared exactly, as it does).
bool ExpectsContinue(const Request& req) {
  return req.get_header_value("Expect") == "100-continue";
}

// What the route checks before the body, in a gateway's order: the request faults (the request
// is counted there, once), the token, the session. True when admitted, with *user set;
// otherwise the refusal is written in res.
bool AdmitUpload(Sandbox& sb, const Request& req, Response& res, const std::string& sid,
                 std::string* user) {
  if (!Admit(sb, req, res, user)) return false;
  sb.store.Count("upload_requests");
  if (sb.store.GetSession(sid, *user)) return true;
  ApiError(sb, res, 404, 1002, "session not found");
  return false;
}

// Runs before the body of a request with Expect: 100-continue is read (and before routing: no
// req.matches yet). An upload refused by AdmitUpload gets its refusal instead of 100 Continue and
// its body is never read; an admitted one gets 100 and the route's handler, which then does not
// admit it again.
int ExpectContinue(Sandbox& sb, const Request& req, Response& res) {
  static const std::regex route(kUploadRoute);
  std::smatch m;
  if (req.method != "POST" || !std::regex_match(req.path, m, route)) return 100;
  MarkRequestStart();  // the logger's clock: the pre-routing handler has not run yet
  try {
    std::string user;
    if (AdmitUpload(sb, req, res, m[1].str(), &user)) return 100;
  } catch (const std::exception& e) {  // httplib catches nothing here: a throw would end us
    res.headers.clear();
    SendJson(res, 500, {{"code", 500}, {"message", std::string("internal error: ") + e.what()}});
  }
  sb.store.CountKeyed("refused_before_body", req.method + " " + req.path);
  // httplib 0.11.4 writes this response without a Content-Length of its own (the client would
  // read it to the close) and keeps the connection open, reading whatever comes next as a new
  // request (a body sent anyway would be parsed as junk): say how long the answer is, and
  // "Connection: close" (httplib writes that when the request says it), so the client closes.
  res.set_header("Content-Length", std::to_string(res.body.size()));
  auto& request = const_cast<Request&>(req);
  request.headers.erase("Connection");
  request.set_header("Connection", "close");
  return res.status;
}

}  // namespace

void AddUploadRoutes(httplib::Server& svr, Sandbox& sb) {
  // One expect handler per server: the upload route is the only one that refuses early.
  svr.set_expect_100_continue_handler(
      [&sb](const Request& req, Response& res) { return ExpectContinue(sb, req, res); });
  svr.Post(kUploadRoute, [&sb](const Request& req, Response& res, const ContentReader& reader) {
    std::string user;
    std::string sid = req.matches[1];
    if (ExpectsContinue(req)) {
      // Admitted (and counted) before the body already: only who it is for is needed again,
      // and the token may have expired since (expire_tokens) like at any other moment.
      if (!Authorize(sb, req, res, &user)) return Drain(req, reader);
    } else if (!AdmitUpload(sb, req, res, sid, &user)) {
      return Drain(req, reader);
    }
    json files = json::array();
    if (req.is_multipart_form_data()) {
      Receiving rx;
      rx.staging = sb.state_dir + "/uploads/.staging-" + RandomHex(16);
      std::error_code ec;
      fs::create_directories(rx.staging, ec);
      ReceiveMultipart(sb, reader, rx);
      if (rx.code == 0 && rx.parts.empty()) {
        rx.Fail(400, 400, "no parts named \"files\" in the upload");
      }
      if (rx.code != 0) return ApiError(sb, res, rx.http, rx.code, rx.message);
      files = KeepFiles(sb, rx);
    } else {
      HandleUrls(sb, reader, res, &files);
      if (res.status != -1) return;  // HandleUrls answered with an error
    }
    sb.store.AddUploads(sid, files);
    sb.store.Count("uploads", static_cast<int64_t>(files.size()));
    ApiOk(res, {{"files", files}, {"session_state_applied", true}});
  });
}

}  // namespace sandbox
