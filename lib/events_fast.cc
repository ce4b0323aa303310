#include "events_fast.h"

namespace nemo {
namespace {

// The fast path. Nearly every event of a long reply is an ADK partial text,
//   {"content":{"parts":[{"text":"…"}],"role":"model"},"partial":true,"author":…,…}
// and a full DOM parse of each costs more than everything else nemo-send does with it.
// AdkPartialTexts reads exactly that shape straight from the bytes, checking the whole text is
// JSON as nlohmann would, and gives its non-empty texts; on anything else (a key that matters
// other than these, a duplicate of one, an escape it does not decode, a number nlohmann might
// reject, deep nesting) it returns false and the full parse decides. Unit tests and fuzz_events
// compare both paths (NormalizeFull).
class FastJson {
 public:
  explicit FastJson(std::string_view s) : p_(s.data()), end_(s.data() + s.size()) {}

  void Ws() {
    while (p_ < end_ && (*p_ == ' ' || *p_ == '\t' || *p_ == '\n' || *p_ == '\r')) ++p_;
  }
  bool Eat(char c) {
    Ws();
    if (p_ < end_ && *p_ == c) {
      ++p_;
      return true;
    }
    return false;
  }
  bool AtEnd() {
    Ws();
    return p_ == end_;
  }
  char Peek() {
    Ws();
    return p_ < end_ ? *p_ : '\0';
  }
  bool Literal(std::string_view word) {
    Ws();
    if (static_cast<std::size_t>(end_ - p_) < word.size() ||
        std::string_view(p_, word.size()) != word) {
      return false;
    }
    p_ += word.size();
    return true;
  }
  // An object key without escapes, and the colon after it.
  bool Key(std::string_view& key) {
    Ws();
    if (p_ == end_ || *p_ != '"') return false;
    const char* start = ++p_;
    while (p_ < end_ && *p_ != '"') {
      auto c = static_cast<unsigned char>(*p_);
      if (c < 0x20 || c == '\\') return false;
      if (c >= 0x80) {
        if (!Utf8()) return false;
      } else {
        ++p_;
      }
    }
    if (p_ == end_) return false;
    key = std::string_view(start, static_cast<std::size_t>(p_ - start));
    ++p_;
    return Eat(':');
  }
  // A string value, decoded into *out (appended; nullptr: only checked). \u escapes are left to
  // the full parse.
  bool String(std::string* out) {
    Ws();
    if (p_ == end_ || *p_ != '"') return false;
    ++p_;
    for (;;) {
      const char* run = p_;
      while (p_ < end_) {
        auto c = static_cast<unsigned char>(*p_);
        if (c < 0x20 || c == '"' || c == '\\' || c >= 0x80) break;
        ++p_;
      }
      if (out != nullptr) out->append(run, p_);
      if (p_ == end_) return false;
      auto c = static_cast<unsigned char>(*p_);
      if (c == '"') {
        ++p_;
        return true;
      }
      if (c < 0x20) return false;  // a control character must be escaped
      if (c == '\\') {
        if (end_ - p_ < 2) return false;
        char decoded;
        switch (p_[1]) {
          case '"':
            decoded = '"';
            break;
          case '\\':
            decoded = '\\';
            break;
          case '/':
            decoded = '/';
            break;
          case 'b':
            decoded = '\b';
            break;
          case 'f':
            decoded = '\f';
            break;
          case 'n':
            decoded = '\n';
            break;
          case 'r':
            decoded = '\r';
            break;
          case 't':
            decoded = '\t';
            break;
          default:
            return false;
        }
        if (out != nullptr) *out += decoded;
        p_ += 2;
        continue;
      }
      const char* start = p_;
      if (!Utf8()) return false;
      if (out != nullptr) out->append(start, p_);
    }
  }
  // Any value, only checked.
  bool Skip(int depth) {
    if (depth > 64) return false;
    Ws();
    if (p_ == end_) return false;
    switch (*p_) {
      case '"':
        return String(nullptr);
      case '{': {
        ++p_;
        if (Eat('}')) return true;
        do {
          std::string_view key;
          if (!Key(key) || !Skip(depth + 1)) return false;
        } while (Eat(','));
        return Eat('}');
      }
      case '[':
        ++p_;
        if (Eat(']')) return true;
        do {
          if (!Skip(depth + 1)) return false;
        } while (Eat(','));
        return Eat(']');
      case 't':
        return Literal("true");
      case 'f':
        return Literal("false");
      case 'n':
        return Literal("null");
      default:
        return Number();
    }
  }

 private:
  // One UTF-8 sequence at p_ (a byte >= 0x80), by the rules nlohmann's lexer applies: no
  // overlong forms, no surrogates, nothing above U+10FFFF.
  bool Utf8() {
    auto byte = [&](std::ptrdiff_t k) { return static_cast<unsigned char>(p_[k]); };
    unsigned char c = byte(0);
    std::ptrdiff_t len = 0;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      if (c == 0xE0) lo = 0xA0;
      if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;
    } else {
      return false;
    }
    if (end_ - p_ < len || byte(1) < lo || byte(1) > hi) return false;
    for (std::ptrdiff_t k = 2; k < len; ++k) {
      if (byte(k) < 0x80 || byte(k) > 0xBF) return false;
    }
    p_ += len;
    return true;
  }
  // JSON's number grammar. An exponent could overflow (nlohmann rejects that): full parse.
  bool Number() {
    const char* start = p_;
    auto digits = [&] {
      const char* from = p_;
      while (p_ < end_ && *p_ >= '0' && *p_ <= '9') ++p_;
      return p_ > from;
    };
    if (p_ < end_ && *p_ == '-') ++p_;
    if (p_ < end_ && *p_ == '0') {
      ++p_;
    } else if (p_ == end_ || *p_ < '1' || *p_ > '9' || !digits()) {
      return false;
    }
    if (p_ < end_ && *p_ == '.') {
      ++p_;
      if (!digits()) return false;
    }
    if (p_ < end_ && (*p_ == 'e' || *p_ == 'E')) return false;
    return p_ - start <= 300;  // no overflow without an exponent below 309 digits
  }

  const char* p_;
  const char* end_;
};

// content.parts: objects with exactly one key, "text", a string.
bool FastParts(FastJson& r, std::vector<std::string>& texts) {
  if (!r.Eat('[')) return false;
  if (r.Eat(']')) return true;
  do {
    if (!r.Eat('{')) return false;
    std::string_view key;
    std::string text;
    if (!r.Key(key) || key != "text" || !r.String(&text) || !r.Eat('}')) return false;
    if (!text.empty()) texts.push_back(std::move(text));
  } while (r.Eat(','));
  return r.Eat(']');
}

// content: "parts" as above, "role" anything but "user", other keys whatever they are.
bool FastContent(FastJson& r, std::vector<std::string>& texts) {
  if (!r.Eat('{')) return false;
  bool parts = false, role = false;
  if (r.Eat('}')) return false;
  do {
    std::string_view key;
    if (!r.Key(key)) return false;
    if (key == "parts") {
      if (parts || !FastParts(r, texts)) return false;
      parts = true;
    } else if (key == "role") {
      if (role) return false;
      role = true;
      if (r.Peek() == '"') {
        std::string value;
        if (!r.String(&value) || value == "user") return false;  // the user's own words
      } else if (!r.Skip(2)) {
        return false;
      }
    } else if (!r.Skip(2)) {
      return false;
    }
  } while (r.Eat(','));
  return parts && r.Eat('}');
}

}  // namespace

bool AdkPartialTexts(std::string_view data, std::vector<std::string>& texts) {
  texts.clear();
  FastJson r(data);
  if (!r.Eat('{')) return false;
  bool content = false, partial = false;
  do {
    std::string_view key;
    if (!r.Key(key)) return false;
    if (key == "content") {
      if (content || !FastContent(r, texts)) return false;
      content = true;
    } else if (key == "partial") {
      if (partial || !r.Literal("true")) return false;
      partial = true;
    } else if (key == "type" || key.substr(0, 5) == "error") {
      return false;
    } else if (!r.Skip(1)) {
      return false;
    }
  } while (r.Eat(','));
  return r.Eat('}') && r.AtEnd() && content && partial && !texts.empty();
}

}  // namespace nemo
