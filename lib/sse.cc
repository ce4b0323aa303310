#include "sse.h"

#include <limits>

#include "error.h"

namespace nemo {
namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";

std::string SizeText(std::size_t bytes) {
  if (bytes >= (1u << 20) && bytes % (1u << 20) == 0) return std::to_string(bytes >> 20) + " MiB";
  if (bytes >= 1024 && bytes % 1024 == 0) return std::to_string(bytes >> 10) + " KiB";
  return std::to_string(bytes) + " bytes";
}

}  // namespace

SseParser::SseParser(Handlers handlers, std::size_t max_event_bytes)
    : handlers_(std::move(handlers)), max_event_bytes_(max_event_bytes) {}

void SseParser::CheckSize(std::size_t size) const {
  if (size > max_event_bytes_) {
    throw Error(kExitBadResponse, "server sent an event larger than " + SizeText(max_event_bytes_));
  }
}

void SseParser::Feed(std::string_view bytes) {
  std::size_t pos = 0;
  const std::size_t size = bytes.size();
  while (pos < size) {
    if (skip_lf_) {
      skip_lf_ = false;
      if (bytes[pos] == '\n') {
        ++pos;
        continue;
      }
    }
    std::size_t end = pos;
    while (end < size && bytes[end] != '\n' && bytes[end] != '\r') ++end;
    std::string_view piece = bytes.substr(pos, end - pos);
    if (end < size && line_.empty() && bom_checked_) {
      // The whole line is in this chunk (the usual case): read it where it is, without a copy.
      CheckSize(piece.size());
      skip_lf_ = bytes[end] == '\r';
      pos = end + 1;
      ProcessLine(piece);
      continue;
    }
    line_.append(piece);
    if (!bom_checked_) {
      // The BOM may arrive split over several chunks: decide once three bytes (or a line end) are
      // in.
      if (line_.size() >= kBom.size() || end < size || kBom.substr(0, line_.size()) != line_) {
        if (std::string_view(line_).substr(0, kBom.size()) == kBom) line_.erase(0, kBom.size());
        bom_checked_ = true;
      }
    }
    // Checked after the BOM is gone, so the limit does not depend on where chunks were cut.
    CheckSize(line_.size());
    if (end == size) break;
    skip_lf_ = bytes[end] == '\r';
    pos = end + 1;
    ProcessBufferedLine();
  }
}

void SseParser::ProcessBufferedLine() {
  // line_ is empty afterwards, even when ProcessLine throws, and keeps its capacity.
  struct Clear {
    std::string& s;
    ~Clear() { s.clear(); }
  } clear{line_};
  ProcessLine(line_);
}

void SseParser::Finish() {
  if (!line_.empty()) {
    bom_checked_ = true;
    ProcessBufferedLine();
  }
  skip_lf_ = false;
  if (pending_fields_) DispatchEvent(false);
}

void SseParser::ProcessLine(std::string_view line) {
  if (line.empty()) {
    DispatchEvent(!comment_since_blank_);
    comment_since_blank_ = false;
    return;
  }
  if (line[0] == ':') {
    comment_since_blank_ = true;
    if (handlers_.on_keepalive) handlers_.on_keepalive();
    return;
  }
  std::string_view view = line;
  std::string_view field = view;
  std::string_view value;
  if (auto colon = view.find(':'); colon != std::string_view::npos) {
    field = view.substr(0, colon);
    value = view.substr(colon + 1);
    if (!value.empty() && value[0] == ' ') value.remove_prefix(1);
  }
  if (field == "data") {
    CheckSize(data_.size() + value.size() + 1);
    if (has_data_) data_ += '\n';
    data_.append(value);
    has_data_ = true;
  } else if (field == "event") {
    type_.assign(value);
  } else if (field == "id") {
    if (value.find('\0') == std::string_view::npos) id_buffer_.assign(value);
  } else if (field == "retry") {
    if (!value.empty() && value.size() <= 18 &&
        value.find_first_not_of("0123456789") == std::string_view::npos) {
      retry_ = std::stoll(std::string(value));
    }
  } else {
    // Unknown fields are ignored, but they still make the block an event block.
  }
  pending_fields_ = true;
}

void SseParser::DispatchEvent(bool report_idle) {
  bool had_fields = pending_fields_;
  last_event_id_ = id_buffer_;
  // The event handed out is a member whose strings trade buffers with the ones being filled, so
  // a long stream reuses the same few allocations instead of making new ones per event.
  event_.type.swap(type_);
  event_.data.swap(data_);
  event_.id = id_buffer_;
  event_.retry = retry_;
  type_.clear();
  data_.clear();
  has_data_ = false;
  retry_.reset();
  pending_fields_ = false;
  if (!event_.data.empty()) {
    if (handlers_.on_event) handlers_.on_event(event_);
  } else if ((had_fields || report_idle) && handlers_.on_keepalive) {
    handlers_.on_keepalive();
  }
}

}  // namespace nemo
