#include "http.h"

#include <curl/curl.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <exception>
#include <random>
#include <thread>

#include "config.h"
#include "error.h"
#include "interrupt.h"
#include "output.h"
#include "text.h"
#include "wait.h"

namespace nemo {
namespace {

struct GlobalInit {
  GlobalInit() { curl_global_init(CURL_GLOBAL_DEFAULT); }
};

void EnsureGlobalInit() { static GlobalInit init; }

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\r' || s.back() == '\n' || s.back() == ' ')) s.pop_back();
  std::size_t start = s.find_first_not_of(' ');
  return start == std::string::npos ? std::string() : s.substr(start);
}

// A multipart part's reader: the file is opened per attempt and read in chunks as curl asks.
struct PartReader {
  const UploadPart* part = nullptr;
  int fd = -1;
  std::exception_ptr* failure = nullptr;
};

size_t ReadPart(char* buffer, size_t size, size_t nitems, void* arg) {
  auto* reader = static_cast<PartReader*>(arg);
  ssize_t n;
  do {
    n = read(reader->fd, buffer, size * nitems);
  } while (n < 0 && errno == EINTR);
  if (n < 0) {
    *reader->failure = std::make_exception_ptr(
        Error(kExitUnsupportedFile, reader->part->path + ": read failed: " + std::strerror(errno)));
    return CURL_READFUNC_ABORT;
  }
  if (n > 0 && reader->part->on_read) {
    try {
      reader->part->on_read(std::string_view(buffer, static_cast<std::size_t>(n)));
    } catch (...) {
      *reader->failure = std::current_exception();
      return CURL_READFUNC_ABORT;
    }
  }
  return static_cast<size_t>(n);
}

int SeekPart(void* arg, curl_off_t offset, int origin) {
  auto* reader = static_cast<PartReader*>(arg);
  if (lseek(reader->fd, offset, origin) < 0) return CURL_SEEKFUNC_FAIL;
  if (offset == 0 && origin == SEEK_SET && reader->part->on_rewind) reader->part->on_rewind();
  return CURL_SEEKFUNC_OK;
}

}  // namespace

bool ParseUrl(const std::string& url, UrlParts& out) {
  EnsureGlobalInit();
  CURLU* h = curl_url();
  bool ok = curl_url_set(h, CURLUPART_URL, url.c_str(), 0) == CURLUE_OK;
  auto get = [&](CURLUPart what, std::string& into, unsigned flags) {
    char* value = nullptr;
    if (curl_url_get(h, what, &value, flags) == CURLUE_OK && value) {
      into = value;
      curl_free(value);
    }
  };
  if (ok) {
    get(CURLUPART_SCHEME, out.scheme, 0);
    get(CURLUPART_HOST, out.host, 0);
    get(CURLUPART_PORT, out.port, CURLU_DEFAULT_PORT);
    get(CURLUPART_PATH, out.path, 0);
    out.scheme = AsciiLower(out.scheme);
    out.host = AsciiLower(out.host);
  }
  curl_url_cleanup(h);
  return ok;
}

std::string UrlOrigin(const std::string& url) {
  UrlParts parts;
  if (!ParseUrl(url, parts)) return "";
  return parts.scheme + "://" + parts.host + ":" + parts.port;
}

std::string CurlVersion() {
  return std::string("libcurl/") + curl_version_info(CURLVERSION_NOW)->version;
}

std::string HttpResponse::Header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  return it == headers.end() ? std::string() : it->second;
}

bool LooksLikeEnvelope(const std::string& content_type, std::string_view head) {
  std::string type = AsciiLower(content_type);
  if (type.find("json") != std::string::npos || type.find("html") != std::string::npos) return true;
  // Whatever the type says, look at the first byte: an event stream starts with a field name or
  // ':', a video or image with its header (an MP4 box's size, 0x1A for WebM), never '{' or '<'.
  // A gateway or framework may have set the type of what the endpoint streams (text/event-stream,
  // video/mp4) before the error was written: the body, not the label, says it is an envelope.
  std::size_t first = head.find_first_not_of(" \t\r\n");
  return first != std::string_view::npos && (head[first] == '{' || head[first] == '<');
}

struct Http::Attempt {
  const HttpRequest* request = nullptr;
  HttpResponse* response = nullptr;
  bool verbose = false;
  bool streaming = false;  // decided at the first body byte: 2xx goes to on_body
  bool decided = false;
  int64_t delivered = 0;  // bytes handed to on_body over all attempts
  std::exception_ptr failure;
  CURL* curl = nullptr;
};

Http::Http(HttpOptions options) : options_(std::move(options)) {
  EnsureGlobalInit();
  handle_ = curl_easy_init();
  if (!handle_) throw Error(kExitInternal, "cannot initialise libcurl");
}

Http::~Http() { curl_easy_cleanup(static_cast<CURL*>(handle_)); }

namespace {

size_t OnHeader(char* data, size_t size, size_t nitems, void* arg) {
  auto* attempt = static_cast<Http::Attempt*>(arg);
  std::string line(data, size * nitems);
  if (line.rfind("HTTP/", 0) == 0) {
    attempt->response->headers.clear();  // a new response (redirect, 100-continue)
    return size * nitems;
  }
  auto colon = line.find(':');
  if (colon != std::string::npos) {
    attempt->response->headers[AsciiLower(line.substr(0, colon))] = Trim(line.substr(colon + 1));
  }
  return size * nitems;
}

size_t OnBody(char* data, size_t size, size_t nmemb, void* arg) {
  auto* attempt = static_cast<Http::Attempt*>(arg);
  size_t n = size * nmemb;
  if (!attempt->decided) {
    long status = 0;
    curl_easy_getinfo(attempt->curl, CURLINFO_RESPONSE_CODE, &status);
    const HttpRequest& request = *attempt->request;
    attempt->streaming =
        request.on_body && status >= 200 && status < 300 &&
        !LooksLikeEnvelope(attempt->response->Header("content-type"), std::string_view(data, n));
    attempt->response->streamed = attempt->streaming;
    attempt->decided = true;
  }
  attempt->response->body_bytes += static_cast<int64_t>(n);
  if (attempt->streaming) {
    try {
      attempt->request->on_body(std::string_view(data, n));
      attempt->delivered += static_cast<int64_t>(n);
    } catch (...) {
      attempt->failure = std::current_exception();
      return CURL_WRITEFUNC_ERROR;
    }
    return n;
  }
  // Error bodies and non-streaming bodies are collected; an error page is never huge.
  if (attempt->response->body.size() < (64u << 20)) attempt->response->body.append(data, n);
  return n;
}

int OnProgress(void* arg, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
               curl_off_t ulnow) {
  auto* attempt = static_cast<Http::Attempt*>(arg);
  if (InterruptSignal()) return 1;
  const HttpRequest& request = *attempt->request;
  try {
    if (request.on_progress) request.on_progress(ulnow, ultotal, dlnow, dltotal);
    if (request.keep_going && !request.keep_going()) {
      attempt->response->aborted = true;
      return 1;
    }
  } catch (...) {
    attempt->failure = std::current_exception();
    return 1;
  }
  return 0;
}

}  // namespace

HttpResponse Http::Once(const HttpRequest& request, Attempt& attempt) {
  CURL* curl = static_cast<CURL*>(handle_);
  curl_easy_reset(curl);
  HttpResponse response;
  attempt.request = &request;
  attempt.response = &response;
  attempt.decided = false;
  attempt.streaming = false;
  attempt.failure = nullptr;
  attempt.curl = curl;

  char errbuf[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_USERAGENT, options_.user_agent.c_str());
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(curl, CURLOPT_MAXREDIRS, 5L);
  curl_easy_setopt(curl, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  // Authorization is never re-sent after a redirect to another host (curl's default without
  // CURLOPT_UNRESTRICTED_AUTH), and is only attached when the URL is on the API's origin.
  curl_easy_setopt(curl, CURLOPT_UNRESTRICTED_AUTH, 0L);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, request.connect_timeout_ms);
  if (request.timeout_ms > 0) curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, request.timeout_ms);
  if (request.low_speed_seconds > 0) {
    curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, request.low_speed_seconds);
  }
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, OnHeader);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &attempt);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, OnBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &attempt);
  curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, OnProgress);
  curl_easy_setopt(curl, CURLOPT_XFERINFODATA, &attempt);
  curl_easy_setopt(curl, CURLOPT_BUFFERSIZE, 256L * 1024L);
  curl_easy_setopt(curl, CURLOPT_UPLOAD_BUFFERSIZE, 512L * 1024L);
  if (request.resume_from > 0) {
    curl_easy_setopt(curl, CURLOPT_RESUME_FROM_LARGE, static_cast<curl_off_t>(request.resume_from));
  }

  bool send_token = !request.bearer.empty() && UrlOrigin(request.url) == options_.api_origin;
  if (send_token) {
    curl_easy_setopt(curl, CURLOPT_HTTPAUTH, CURLAUTH_BEARER);
    curl_easy_setopt(curl, CURLOPT_XOAUTH2_BEARER, request.bearer.c_str());
  }

  curl_slist* headers = nullptr;
  for (const auto& h : options_.attribution) headers = curl_slist_append(headers, h.c_str());
  for (const auto& h : request.headers) headers = curl_slist_append(headers, h.c_str());
  // An upload asks before it sends its body (Expect: 100-continue). A gateway that refuses it
  // without reading the body (413, an expired token, 429) then answers before the first byte of
  // the file goes out and closes a connection with nothing unread; the answer is read and acted
  // on like any other. Without it curl is still sending when the answer and the gateway's TCP
  // reset arrive, and the answer is lost ("Failed sending data to the peer": exit 10 for a 413).
  // Every other request has a small body, not worth a round trip: no Expect (curl would add one
  // to a POST body over 1 KiB).
  bool upload = !request.parts.empty();
  headers = curl_slist_append(headers, upload ? "Expect: 100-continue" : "Expect:");
  if (upload) {
    // A server that ignores Expect (sends neither 100 nor an answer) costs at most this wait per
    // request before the body goes anyway. curl's default, set so that another curl's default
    // cannot change it.
    curl_easy_setopt(curl, CURLOPT_EXPECT_100_TIMEOUT_MS, 1000L);
  }
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);

  curl_mime* mime = nullptr;
  std::vector<PartReader> readers(request.parts.size());
  std::exception_ptr read_failure;
  if (!request.parts.empty()) {
    mime = curl_mime_init(curl);
    for (std::size_t i = 0; i < request.parts.size(); ++i) {
      const UploadPart& part = request.parts[i];
      PartReader& reader = readers[i];
      reader.part = &part;
      reader.failure = &read_failure;
      reader.fd = open(part.path.c_str(), O_RDONLY | O_CLOEXEC);
      if (reader.fd < 0) {
        for (auto& r : readers)
          if (r.fd >= 0) close(r.fd);
        curl_mime_free(mime);
        curl_slist_free_all(headers);
        throw Error(kExitUsage, part.path + ": cannot open: " + std::strerror(errno));
      }
      off_t size = lseek(reader.fd, 0, SEEK_END);
      lseek(reader.fd, 0, SEEK_SET);
      if (part.on_rewind) part.on_rewind();
      curl_mimepart* mp = curl_mime_addpart(mime);
      curl_mime_name(mp, "files");
      curl_mime_filename(mp, part.filename.c_str());
      if (!part.content_type.empty()) curl_mime_type(mp, part.content_type.c_str());
      curl_mime_data_cb(mp, static_cast<curl_off_t>(size), ReadPart, SeekPart, nullptr, &reader);
    }
    curl_easy_setopt(curl, CURLOPT_MIMEPOST, mime);
  } else if (request.method == "POST" || !request.body.empty()) {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(request.body.size()));
    curl_easy_setopt(curl, CURLOPT_COPYPOSTFIELDS, request.body.c_str());
  }
  if (request.method != "GET" && request.method != "POST") {
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  } else if (request.method == "GET" && request.parts.empty() && request.body.empty()) {
    curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
  }

  auto started = std::chrono::steady_clock::now();
  if (options_.verbose) {
    std::fprintf(stderr, "%s: > %s %s%s\n", program_invocation_short_name, request.method.c_str(),
                 RedactSecrets(request.url).c_str(), send_token ? " (bearer token)" : "");
  }
  CURLcode code = curl_easy_perform(curl);
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
  for (auto& r : readers)
    if (r.fd >= 0) close(r.fd);
  if (mime) curl_mime_free(mime);
  curl_slist_free_all(headers);

  long ms = static_cast<long>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                  std::chrono::steady_clock::now() - started)
                                  .count());
  if (options_.verbose) {
    std::fprintf(
        stderr, "%s: < %ld %s (%ld ms, %lld bytes)%s\n", program_invocation_short_name,
        response.status, RedactSecrets(request.url).c_str(), ms,
        static_cast<long long>(response.body_bytes),
        code == CURLE_OK ? "" : (std::string(" curl: ") + curl_easy_strerror(code)).c_str());
  }

  if (read_failure) std::rethrow_exception(read_failure);
  if (attempt.failure) std::rethrow_exception(attempt.failure);
  if (code == CURLE_OK) return response;
  if (code == CURLE_ABORTED_BY_CALLBACK) {
    ThrowIfInterrupted();
    if (response.aborted) return response;
  }
  UrlParts parts;
  ParseUrl(request.url, parts);
  std::string where = parts.host + (parts.port.empty() ? "" : ":" + parts.port);
  std::string detail = errbuf[0] ? errbuf : curl_easy_strerror(code);
  if (code == CURLE_OPERATION_TIMEDOUT) {
    throw Error(kExitTimeout, where + ": timed out: " + detail);
  }
  // Said plainly ("cannot connect to 127.0.0.1:1: connection refused"), not in curl's words; on
  // loopback the likely cause is a sandbox that is not (or no longer) running.
  if (code == CURLE_COULDNT_CONNECT || code == CURLE_COULDNT_RESOLVE_HOST) {
    long os_errno = 0;
    curl_easy_getinfo(curl, CURLINFO_OS_ERRNO, &os_errno);
    std::string why = code == CURLE_COULDNT_RESOLVE_HOST ? "unknown host"
                      : os_errno != 0                    ? std::strerror(static_cast<int>(os_errno))
                                                         : "no answer";
    if (!why.empty()) why[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(why[0])));
    bool loopback = IsLoopbackBase(request.url);
    throw Error(kExitNetwork,
                (code == CURLE_COULDNT_RESOLVE_HOST ? "cannot resolve " : "cannot connect to ") +
                    where + ": " + why,
                loopback ? "is nemo-sandbox running? (eval \"$(nemo-sandbox --daemon)\" starts one)"
                         : "check the network and the API URL (--api, NEMO_API_URL)");
  }
  bool tls = code == CURLE_SSL_CONNECT_ERROR || code == CURLE_PEER_FAILED_VERIFICATION ||
             code == CURLE_SSL_CERTPROBLEM || code == CURLE_SSL_CACERT_BADFILE;
  throw Error(kExitNetwork, where + (tls ? ": TLS failure: " : ": ") + detail,
              tls ? "TLS certificates are always verified; check the system's CA store"
                  : "check the network and the API URL (--api, NEMO_API_URL)");
}

std::chrono::milliseconds Http::RetryAfter(const HttpResponse& response) const {
  auto after = ParseRetryAfter(response.Header("retry-after"));
  if (!after) return options_.default_retry_after;
  return std::min<std::chrono::milliseconds>(*after, std::chrono::minutes(5));
}

HttpResponse Http::Send(const HttpRequest& request) {
  Attempt attempt;
  attempt.verbose = options_.verbose;
  bool retried_429 = false;
  std::mt19937 rng(std::random_device{}());
  // timeout_ms bounds the whole exchange, the waits between tries included: a caller's clock
  // (nemo-send --timeout) must not be outlived by a retry policy it cannot see.
  using Clock = std::chrono::steady_clock;
  auto deadline = Clock::time_point::max();
  if (request.timeout_ms > 0)
    deadline = Clock::now() + std::chrono::milliseconds(request.timeout_ms);
  auto left_ms = [&] {
    return std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  };
  HttpRequest timed;  // the request with what is left of the time, for the tries after the first
  const HttpRequest* current = &request;
  for (int tries = 1;; ++tries) {
    ThrowIfInterrupted();
    // Waits before the next try; false when the deadline would pass first (no more tries).
    auto wait = [&](std::chrono::milliseconds pause) {
      if (request.timeout_ms > 0 && left_ms() <= pause.count() + 1) return false;
      SleepOrInterrupt(pause);
      if (request.timeout_ms > 0) {
        timed = request;
        timed.timeout_ms = std::max<long>(1, static_cast<long>(left_ms()));
        current = &timed;
      }
      return true;
    };
    auto backoff = [&] {
      auto base = options_.backoff_base * (1 << (tries - 1));
      std::uniform_int_distribution<long> jitter(0, base.count() / 2 + 1);
      return wait(base + std::chrono::milliseconds(jitter(rng)));
    };
    HttpResponse response;
    try {
      response = Once(*current, attempt);
    } catch (const Error& e) {
      bool network = e.exit_code() == kExitNetwork || e.exit_code() == kExitTimeout;
      if (network && request.idempotent && !request.never_retry && tries < 3 &&
          attempt.delivered == 0 && backoff()) {
        continue;
      }
      throw;
    }
    if (response.aborted) return response;
    if (response.status == 429 && !request.never_retry && !retried_429) {
      retried_429 = true;
      auto after_wait = RetryAfter(response);
      if (options_.verbose) {
        std::fprintf(stderr, "%s: rate limited; retrying once in %lld ms\n",
                     program_invocation_short_name, static_cast<long long>(after_wait.count()));
      }
      if (wait(after_wait)) {
        --tries;
        continue;
      }
      return response;
    }
    // A 4xx is an answer (a CDN's 404 page too), not a hiccup: only 5xx are worth another try.
    bool server_error = response.status >= 500;
    if (server_error && request.idempotent && !request.never_retry && tries < 3 &&
        attempt.delivered == 0 && backoff()) {
      continue;
    }
    return response;
  }
}

}  // namespace nemo
