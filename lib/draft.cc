#include "draft.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <initializer_list>
#include <optional>
#include <string_view>
#include <vector>

#include "text.h"

namespace nemo {
namespace {

using nlohmann::json;

constexpr const char* kDefaultCanvas = "1920x1080";

// A number, or a string holding one ("10000", "2.5"): the real service's types are not known.
std::optional<double> Num(const json& value) {
  double d;
  if (value.is_number()) {
    d = value.get<double>();
  } else if (value.is_string()) {
    const std::string& s = value.get_ref<const std::string&>();
    if (s.empty() || s.size() > 64) return std::nullopt;
    char* end = nullptr;
    d = std::strtod(s.c_str(), &end);
    while (end != nullptr && (*end == ' ' || *end == '\t')) ++end;
    if (end == s.c_str() || end == nullptr || *end != '\0') return std::nullopt;
  } else {
    return std::nullopt;
  }
  if (!std::isfinite(d)) return std::nullopt;
  return d;
}

std::optional<double> NumField(const json& object, std::initializer_list<const char*> keys) {
  if (!object.is_object()) return std::nullopt;
  for (const char* key : keys) {
    auto it = object.find(key);
    if (it == object.end()) continue;
    if (auto d = Num(*it)) return d;
  }
  return std::nullopt;
}

// A summary is one line: control characters become spaces.
std::string TextField(const json& object, std::initializer_list<const char*> keys) {
  if (!object.is_object()) return {};
  for (const char* key : keys) {
    auto it = object.find(key);
    if (it == object.end() || !it->is_string() || it->get_ref<const std::string&>().empty()) {
      continue;
    }
    std::string out = it->get<std::string>();
    for (char& c : out) {
      if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
    }
    return out;
  }
  return {};
}

// 10000 -> "10", 2500 -> "2.5", 1234 -> "1.234".
std::string Seconds(double ms) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.3f", ms / 1000.0);
  std::string s = buf;
  s.erase(s.find_last_not_of('0') + 1);
  if (!s.empty() && s.back() == '.') s.pop_back();
  if (s == "-0") s = "0";
  return s;
}

std::string Integer(double value) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.0f", std::clamp(value, -kMaxDraftMs, kMaxDraftMs));
  return buf;
}

std::vector<const json*> Tracks(const json& draft) {
  std::vector<const json*> out;
  if (!draft.is_object()) return out;
  auto t = draft.find("t");
  if (t == draft.end() || !(t->is_array() || t->is_object())) return out;
  for (const json& track : *t) {
    if (track.is_object()) out.push_back(&track);
  }
  return out;
}

const json* Segments(const json& track) {
  auto sg = track.find("sg");
  return sg != track.end() && sg->is_array() ? &*sg : nullptr;
}

// What the summary and the change report say about one track.
struct TrackInfo {
  const json* track = nullptr;
  std::string id;
  std::optional<long long> type;
  std::string label;
  std::string name;
  int segments = 0;
  int more = 0;  // segments beyond the one the name came from
  std::optional<double> start, end;
  std::optional<long long> volume;

  std::string Range() const {
    if (!start) return "no segments";
    return Seconds(*start) + "-" + Seconds(*end) + "s";
  }
  std::string Detail() const {
    std::string out = name;
    if (more > 0) out += " +" + std::to_string(more) + " more";
    out += " (" + Range();
    if (volume) out += ", " + std::to_string(*volume) + "%";
    return out + ")";
  }
};

TrackInfo Describe(const json& track) {
  TrackInfo info;
  info.track = &track;
  if (auto it = track.find("id"); it != track.end()) {
    if (it->is_string())
      info.id = it->get<std::string>();
    else if (it->is_number())
      info.id = it->dump();
  }
  if (auto tt = NumField(track, {"tt"}); tt && std::fabs(*tt) < 1e9) {
    info.type = static_cast<long long>(*tt);
  }
  if (!info.type)
    info.label = "Track";
  else if (*info.type == 0)
    info.label = "Video";
  else if (*info.type == 1)
    info.label = "BGM";
  else if (*info.type == 7)
    info.label = "Title";
  else
    info.label = "Track (type " + std::to_string(*info.type) + ")";
  bool title = info.type == 7;

  const json& meta = DraftMeta(track);
  std::string name = title ? "" : TextField(meta, {"name", "title"});
  // A track named after its kind ("Video: Video") says nothing: its first segment says more.
  if (AsciiLower(name) == AsciiLower(info.label)) name.clear();
  std::optional<double> volume = NumField(meta, {"volume"});
  double cursor = 0;  // segments without a start follow each other
  if (const json* sg = Segments(track)) {
    for (const json& seg : *sg) {
      ++info.segments;
      double start = NumField(seg, {"st", "start"}).value_or(cursor);
      double duration = NumField(seg, {"d", "duration"}).value_or(0);
      start = std::clamp(start, 0.0, kMaxDraftMs);
      duration = std::clamp(duration, 0.0, kMaxDraftMs);
      double end = start + duration;
      cursor = end;
      info.start = info.start ? std::min(*info.start, start) : start;
      info.end = info.end ? std::max(*info.end, end) : end;
      const json& m = DraftMeta(seg);
      if (name.empty()) {
        name = title ? TextField(m, {"title", "text", "name", "desc"})
                     : TextField(m, {"desc", "name", "title", "text"});
        if (!name.empty()) info.more = static_cast<int>(sg->size()) - info.segments;
      }
      if (!volume) volume = NumField(m, {"volume"});
    }
  }
  if (title && name.empty()) name = TextField(meta, {"title", "name", "text"});
  if (name.empty())
    name = "untitled";
  else if (title)
    name = "\"" + name + "\"";
  info.name = name;
  if (volume && *volume >= 0 && *volume <= 1e6) {
    // 0..1 is a fraction; larger numbers are taken to be percent already.
    info.volume = std::llround(*volume <= 2 ? *volume * 100 : *volume);
  }
  return info;
}

std::vector<TrackInfo> DescribeAll(const json& draft) {
  std::vector<TrackInfo> out;
  for (const json* track : Tracks(draft)) out.push_back(Describe(*track));
  return out;
}

std::string Canvas(const json& draft) {
  const json& m = DraftMeta(draft);
  auto w = NumField(m, {"width"});
  auto h = NumField(m, {"height"});
  if (!w && !h) return {};
  return (w ? Integer(*w) : "?") + "x" + (h ? Integer(*h) : "?");
}

json Item(const std::string& change, const std::string& track, const std::string& detail) {
  return {{"change", change},
          {"track", track},
          {"detail", detail},
          {"text", track + " " + change + ": " + detail}};
}

std::string Count(int n, const char* noun) {
  return std::to_string(n) + " " + noun + (n == 1 ? "" : "s");
}

std::string Volume(const std::optional<long long>& v) {
  return v ? std::to_string(*v) + "%" : "unset";
}

// What differs between two versions of one track, or "" when nothing does.
std::string Alterations(const TrackInfo& a, const TrackInfo& b) {
  std::vector<std::string> parts;
  if (a.label != b.label) parts.push_back("type " + a.label + " → " + b.label);
  if (a.name != b.name) {
    parts.push_back(b.type == 7 ? a.name + " → " + b.name : "name " + a.name + " → " + b.name);
  }
  if (b.segments > a.segments)
    parts.push_back(Count(b.segments - a.segments, "segment") + " added");
  if (b.segments < a.segments) {
    parts.push_back(Count(a.segments - b.segments, "segment") + " removed");
  }
  if (a.Range() != b.Range()) parts.push_back(a.Range() + " → " + b.Range());
  if (a.volume != b.volume)
    parts.push_back("volume " + Volume(a.volume) + " → " + Volume(b.volume));
  if (parts.empty() && *a.track != *b.track) {
    const json* sa = Segments(*a.track);
    const json* sb = Segments(*b.track);
    bool same_segments = (sa == nullptr && sb == nullptr) || (sa && sb && *sa == *sb);
    parts.push_back(same_segments ? "settings changed" : "segments changed");
  }
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : ", ") + p;
  return out;
}

}  // namespace

json NormalizeDraft(const json& draft_or_string) {
  json current = draft_or_string;
  bool state = false;  // `current` is a session state: without a "draft" it has none
  // A few hops at most: a string holding a draft, a state holding a draft, and so on.
  for (int hop = 0; hop < 4; ++hop) {
    if (current.is_string()) {
      const std::string& text = current.get_ref<const std::string&>();
      if (JsonTooDeep(text)) return json::object();
      json parsed = json::parse(text, nullptr, false);
      if (parsed.is_discarded()) return json::object();
      current = std::move(parsed);
    } else if (current.is_object()) {
      if (current.contains("t")) return current;
      const char* wrapper = current.contains("draft")   ? "draft"
                            : current.contains("state") ? "state"
                                                        : nullptr;
      if (wrapper == nullptr) return state ? json::object() : current;
      state = std::string_view(wrapper) == "state";
      json inner = std::move(current[wrapper]);
      current = std::move(inner);
    } else {
      return json::object();
    }
  }
  return json::object();
}

bool DraftReady(const json& draft) {
  json d = NormalizeDraft(draft);
  for (const json* track : Tracks(d)) {
    const json* sg = Segments(*track);
    if (sg != nullptr && !sg->empty()) return true;
  }
  return false;
}

std::string TrackSummary(const json& draft) {
  std::vector<TrackInfo> tracks = DescribeAll(NormalizeDraft(draft));
  if (tracks.empty()) return "Timeline is empty";
  // Appended piece by piece: GCC 12 -O3 warns (-Wrestrict, a false alarm) on `" " + … + ". "`.
  std::string out = "Timeline (";
  out.append(Count(static_cast<int>(tracks.size()), "track")).append("):");
  for (std::size_t i = 0; i < tracks.size(); ++i) {
    out.append(" ").append(std::to_string(i + 1)).append(". ").append(tracks[i].label);
    out.append(": ").append(tracks[i].Detail());
  }
  return out;
}

json DraftChanges(const json& before, const json& after) {
  json a = NormalizeDraft(before);
  json b = NormalizeDraft(after);
  std::vector<TrackInfo> old_tracks = DescribeAll(a);
  std::vector<TrackInfo> new_tracks = DescribeAll(b);
  std::vector<int> match(new_tracks.size(), -1);  // index into old_tracks
  std::vector<bool> used(old_tracks.size(), false);
  auto pair = [&](auto same) {
    for (std::size_t i = 0; i < new_tracks.size(); ++i) {
      if (match[i] >= 0) continue;
      for (std::size_t j = 0; j < old_tracks.size(); ++j) {
        if (!used[j] && same(old_tracks[j], new_tracks[i])) {
          match[i] = static_cast<int>(j);
          used[j] = true;
          break;
        }
      }
    }
  };
  // By id first; tracks whose ids changed or that have none pair up by type, in order.
  pair([](const TrackInfo& o, const TrackInfo& n) { return !n.id.empty() && o.id == n.id; });
  pair([](const TrackInfo& o, const TrackInfo& n) { return o.type == n.type; });

  json items = json::array();
  std::string canvas_a = Canvas(a), canvas_b = Canvas(b);
  // An empty draft (null, left out of the state, {}, no tracks) is on the service's default
  // canvas, as the state's canvas_config says: a first generation adds tracks, not a canvas.
  if (canvas_a.empty() && Tracks(a).empty() && !canvas_b.empty()) canvas_a = kDefaultCanvas;
  if (canvas_b.empty() && Tracks(b).empty() && !canvas_a.empty()) canvas_b = kDefaultCanvas;
  if (canvas_a != canvas_b) {
    if (canvas_a.empty())
      items.push_back(Item("added", "Canvas", canvas_b));
    else if (canvas_b.empty())
      items.push_back(Item("removed", "Canvas", canvas_a));
    else
      items.push_back(Item("altered", "Canvas", canvas_a + " → " + canvas_b));
  }
  for (std::size_t i = 0; i < new_tracks.size(); ++i) {
    const TrackInfo& n = new_tracks[i];
    if (match[i] < 0) {
      items.push_back(Item("added", n.label, n.Detail()));
    } else if (std::string what = Alterations(old_tracks[match[i]], n); !what.empty()) {
      items.push_back(Item("altered", n.label, what));
    }
  }
  for (std::size_t j = 0; j < old_tracks.size(); ++j) {
    if (!used[j]) items.push_back(Item("removed", old_tracks[j].label, old_tracks[j].Detail()));
  }
  std::string sentence;
  for (const json& item : items) {
    sentence += (sentence.empty() ? "" : "; ") + item["text"].get<std::string>();
  }
  if (sentence.empty()) sentence = "No change to the draft";
  return {{"items", std::move(items)}, {"sentence", std::move(sentence)}};
}

const json& DraftMeta(const json& object) {
  static const json kEmpty = json::object();
  if (!object.is_object()) return kEmpty;
  auto it = object.find("m");
  return it != object.end() && it->is_object() ? *it : kEmpty;
}

}  // namespace nemo
