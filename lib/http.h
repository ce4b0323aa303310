// The only place that touches libcurl. Everything the suite sends over the network goes through
// Http::Send, which owns the headers, timeouts, TLS, redirects, retries and verbose logging.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace nemo {

struct UrlParts {
  std::string scheme, host, port, path;
};
// Parses an absolute URL (curl's parser, so we agree with what curl will connect to).
bool ParseUrl(const std::string& url, UrlParts& out);
// scheme://host:port, with the scheme's default port made explicit.
std::string UrlOrigin(const std::string& url);

// A file sent as one multipart part named `files`, read from disk while it is sent.
struct UploadPart {
  std::string path;
  std::string filename;
  std::string content_type;
  // Called with every chunk as it is read for sending (hashing, progress). Never buffered whole.
  std::function<void(std::string_view)> on_read;
  std::function<void()> on_rewind;  // reading starts again from byte 0 (a retried request)
};

// What a request's 2xx body should be. An event stream or a file is handed to on_body as it
// arrives; a JSON or HTML body in its place is an envelope (an error the service put on HTTP
// 200, or a proxy's page) and is collected for the API layer to decode instead.
enum class BodyKind { kJson, kEventStream, kFile };

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  std::vector<std::string> headers;  // "Name: value"
  std::string body;                  // sent when non-empty (or when method is POST)
  std::string bearer;                // sent only when the URL's origin is the API's
  // Safe to send again: retried on connection errors, 5xx and HTML error pages (3 tries).
  bool idempotent = false;
  // Never sent twice for any reason, 429 included (POST /run_sse).
  bool never_retry = false;
  std::vector<UploadPart> parts;  // multipart/form-data upload when non-empty
  // Streaming body sink: bytes as they arrive. Without it the body is collected in the response.
  std::function<void(std::string_view)> on_body;
  BodyKind expect = BodyKind::kJson;  // with on_body: kEventStream or kFile (for messages)
  // Polled about once a second and on every chunk; returning false aborts the transfer.
  std::function<bool()> keep_going;
  // Called with (bytes sent, bytes to send, bytes received, bytes to receive).
  std::function<void(int64_t, int64_t, int64_t, int64_t)> on_progress;
  int64_t resume_from = 0;  // Range: bytes=N-
  long connect_timeout_ms = 15000;
  long timeout_ms = 0;  // overall; 0 = none
  // Abort when fewer than 1 byte/s arrive for this long (0 = off: SSE has long silences).
  long low_speed_seconds = 60;
};

struct HttpResponse {
  long status = 0;
  std::map<std::string, std::string> headers;  // lower-case names, last value wins
  std::string body;                            // empty when on_body was set
  int64_t body_bytes = 0;
  bool streamed = false;  // the body went to on_body (a 2xx event stream or file, not an envelope)
  bool aborted = false;   // keep_going returned false: the caller decides what that means
  std::string Header(const std::string& lower_name) const;
};

struct HttpOptions {
  std::string api_origin;  // the only origin that ever sees the bearer token
  std::string user_agent;
  std::vector<std::string> attribution;  // X-Skill-* header lines
  bool verbose = false;
  // Waits between tries; tests and benchmarks may shorten them.
  std::chrono::milliseconds backoff_base{500};
  std::chrono::seconds default_retry_after{30};
};

class Http {
 public:
  explicit Http(HttpOptions options);
  ~Http();
  Http(const Http&) = delete;
  Http& operator=(const Http&) = delete;

  // Sends with the retry policy. Connection failures throw Error(kExitNetwork), timeouts
  // Error(kExitTimeout), SIGINT/SIGTERM Error(130/143); an abort by keep_going returns with
  // `aborted` set. HTTP error statuses are returned, not thrown (the API layer decodes them).
  HttpResponse Send(const HttpRequest& request);

  const HttpOptions& options() const { return options_; }

  // How long to wait before the one retry after a rate limit: the response's Retry-After
  // seconds (at most 300), else the default.
  std::chrono::milliseconds RetryAfter(const HttpResponse& response) const;

  struct Attempt;  // per-request state shared with libcurl's callbacks

 private:
  HttpResponse Once(const HttpRequest& request, Attempt& attempt);
  HttpOptions options_;
  void* handle_;  // CURL*, reused so connections are kept alive between requests
};

// Whether a 2xx body that starts with `head` under `content_type` is an envelope (JSON or HTML)
// rather than an event stream or a file.
bool LooksLikeEnvelope(const std::string& content_type, std::string_view head);

// "libcurl/7.88.1"
std::string CurlVersion();

}  // namespace nemo
