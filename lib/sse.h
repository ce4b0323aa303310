// An incremental Server-Sent-Events parser (WHATWG "event stream interpretation").
// Bytes go in as they arrive from the network, in chunks of any size; events come out through
// callbacks. It never decodes UTF-8 (it only splits on CR/LF), so a chunk may end anywhere.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace nemo {

struct SseEvent {
  std::string type;                // the "event:" field; "" means the default type, "message"
  std::string data;                // "data:" lines joined with "\n"
  std::string id;                  // the last event id in force when the event was dispatched
  std::optional<long long> retry;  // a "retry:" field seen in this event, in milliseconds
};

class SseParser {
 public:
  struct Handlers {
    std::function<void(const SseEvent&)> on_event;
    // Comments, events without data and blank lines after blank lines: signs of life, not content.
    std::function<void()> on_keepalive;
  };

  // An event or line larger than `max_event_bytes` throws nemo::Error (kExitBadResponse), so a
  // broken or hostile server cannot make us buffer without limit.
  explicit SseParser(Handlers handlers, std::size_t max_event_bytes = 16u << 20);

  // Parses `bytes`; callbacks run before Feed returns. O(size of bytes).
  void Feed(std::string_view bytes);
  // End of stream. WHATWG drops an event without a trailing blank line, but servers do omit that
  // line at the end of a response, so a pending event is dispatched.
  void Finish();

  std::string last_event_id() const { return last_event_id_; }

 private:
  void ProcessLine(std::string_view line);
  void ProcessBufferedLine();
  void DispatchEvent(bool report_idle);
  void CheckSize(std::size_t size) const;

  Handlers handlers_;
  std::size_t max_event_bytes_;
  std::string line_;                  // the line being read
  bool skip_lf_ = false;              // the previous byte was a CR: an LF now ends nothing
  bool bom_checked_ = false;          // the stream start was checked for a UTF-8 BOM
  bool pending_fields_ = false;       // a field was read since the last dispatch
  bool comment_since_blank_ = false;  // its keep-alive was reported: the blank line after is not
  bool has_data_ = false;
  std::string data_;
  std::string type_;
  std::string id_buffer_;
  std::optional<long long> retry_;
  std::string last_event_id_;
  SseEvent event_;  // the event being dispatched (its buffers are reused)
};

}  // namespace nemo
