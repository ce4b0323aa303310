#include "summary.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <vector>

#include "mp4_info.h"

namespace nemo {
namespace {

using nlohmann::json;

std::string Str(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// "promo (ses_…)", or the id alone.
std::string SessionLabel(const json& ctx) {
  std::string id = Str(ctx, "session_id"), name = Str(ctx, "session_name");
  if (name.empty()) return id;
  return name + " (" + id + ")";
}

std::size_t Utf8Length(const std::string& s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

// `s` cut or padded to `width` characters.
std::string Cell(const std::string& s, std::size_t width) {
  std::string out = TextHead(s, width);
  for (std::size_t n = Utf8Length(out); n < width; ++n) out += ' ';
  return out;
}

std::string Credits(const json& credits) {
  if (!credits.is_object() || !credits.contains("available")) return "";
  return "credits: " + credits["available"].dump() + " available" +
         (credits.contains("frozen") ? ", " + credits["frozen"].dump() + " frozen" : "");
}

std::string Auth(const json& ctx) {
  std::string api = Str(ctx, "api");
  if (ctx.contains("auth") && ctx["auth"].is_object()) {
    const json& st = ctx["auth"];
    bool valid = st.value("valid", false);
    std::string line = std::string(valid ? "token valid" : "no valid token") + " for " + api +
                       " (" + Str(st, "source");
    if (!Str(st, "expires_at").empty()) line += ", expires " + Str(st, "expires_at");
    line += ")";
    if (st.contains("credits")) line += "; " + Credits(st["credits"]);
    return line + "\n";
  }
  if (ctx.contains("logged_out")) {
    return (ctx["logged_out"] == true ? "removed the stored token for " : "no stored token for ") +
           api + "\n";
  }
  std::string credits = ctx.contains("credits") ? Credits(ctx["credits"]) : "";
  if (ctx.contains("token_source")) {
    std::string line = "signed in to " + api;
    if (!Str(ctx, "user_id").empty()) line += " as " + Str(ctx, "user_id");
    line += " (token: " + Str(ctx, "token_source") + ")";
    if (!credits.empty()) line += "; " + credits;
    return line + "\n";
  }
  return credits.empty() ? "" : credits + "\n";
}

std::string Session(const json& ctx) {
  if (Str(ctx, "session_id").empty()) return "";
  if (!Str(ctx, "link").empty()) {
    return "session " + SessionLabel(ctx) + ": open it in a browser:\n" + Str(ctx, "link") + "\n";
  }
  return "session " + SessionLabel(ctx) + "\n";
}

std::string Upload(const json& ctx) {
  if (!ctx.contains("uploads") || !ctx["uploads"].is_array()) return "";
  std::string names;
  for (const auto& u : ctx["uploads"]) {
    std::string name = Str(u, "name");
    if (name.empty()) name = Str(u, "filename");
    if (name.empty()) name = Str(u, "url");
    if (!name.empty()) names += (names.empty() ? "" : ", ") + name;
  }
  std::size_t n = ctx["uploads"].size();
  return "session " + SessionLabel(ctx) + ": " + std::to_string(n) +
         (n == 1 ? " upload" : " uploads") + (names.empty() ? "" : " (" + names + ")") + "\n";
}

std::string Send(const json& ctx) {
  if (Str(ctx, "session_id").empty()) return "";
  std::string out;
  std::string reply = Str(ctx, "reply");
  if (!reply.empty()) out += "reply: " + TextHead(reply, 200) + "\n";
  if (ctx.contains("changes") && ctx["changes"].is_object()) {
    std::string sentence = Str(ctx["changes"], "sentence");
    if (!sentence.empty()) out += "changes: " + sentence + "\n";
  }
  if (!Str(ctx, "summary").empty()) out += "draft: " + Str(ctx, "summary") + "\n";
  out +=
      "session " + SessionLabel(ctx) + (ctx.value("replayed", false) ? " (replayed)" : "") + "\n";
  return out;
}

std::string State(const json& ctx) {
  if (Str(ctx, "session_id").empty() || !ctx.contains("ready")) return "";
  std::string out = "session " + SessionLabel(ctx) + ": " +
                    (ctx["ready"] == true ? "ready to export" : "not ready") + "\n";
  if (!Str(ctx, "summary").empty()) out += Str(ctx, "summary") + "\n";
  return out;
}

std::string Export(const json& ctx) {
  const json render = ctx.value("render", json::object());
  std::string id = render.is_object() ? Str(render, "id") : "";
  std::string file = Str(ctx, "file");
  if (!file.empty()) {
    // The absolute path the context keeps, as the user would type it: relative to here.
    std::error_code ec;
    std::string here = std::filesystem::current_path(ec).string() + "/";
    std::string shown = !ec && file.rfind(here, 0) == 0 ? file.substr(here.size()) : file;
    std::string details;
    if (ctx.contains("bytes") && ctx["bytes"].is_number()) {
      details = HumanBytes(ctx["bytes"].get<long long>());
    }
    if (auto info = ReadMp4Info(file)) {
      char buf[64];
      if (info->seconds > 0) {
        std::snprintf(buf, sizeof buf, "%.1f s", info->seconds);
        details += (details.empty() ? "" : ", ") + std::string(buf);
      }
      if (info->width > 0) {
        std::snprintf(buf, sizeof buf, "%dx%d", info->width, info->height);
        details += (details.empty() ? "" : ", ") + std::string(buf);
      }
    }
    if (!id.empty()) details += (details.empty() ? "" : ", ") + id;
    std::string out = "saved " + shown + (details.empty() ? "" : " (" + details + ")") + "\n";
    if (!Str(ctx, "contact_sheet").empty())
      out += "contact sheet: " + Str(ctx, "contact_sheet") + "\n";
    return out;
  }
  if (id.empty()) return "";
  std::string status = Str(render, "status"), url = Str(render, "url");
  if (!url.empty()) return "render " + id + " " + status + ": " + url + "\n";
  return "render " + id + " " + status + " (session " + SessionLabel(ctx) +
         "); running nemo-export again for this draft follows it\n";
}

}  // namespace

std::string HumanBytes(long long bytes) {
  if (bytes < 1024) return std::to_string(bytes) + " B";
  static const char* kUnits[] = {"KiB", "MiB", "GiB", "TiB"};
  double v = static_cast<double>(bytes);
  int unit = -1;
  while (v >= 1024 && unit < 3) {
    v /= 1024;
    ++unit;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f %s", v, kUnits[unit]);
  return buf;
}

std::string TextHead(const std::string& text, std::size_t width) {
  std::string line = text.substr(0, text.find('\n'));
  bool cut = line.size() < text.size() &&
             text.find_first_not_of(" \n\r\t", line.size()) != std::string::npos;
  if (Utf8Length(line) > width) {
    std::size_t chars = 0, at = 0;
    for (; at < line.size(); ++at) {
      if ((static_cast<unsigned char>(line[at]) & 0xC0) != 0x80 && chars++ == width - 1) break;
    }
    line = line.substr(0, at);
    cut = true;
  }
  return cut ? line + "…" : line;
}

std::string Summarize(std::string_view program, const json& context) {
  if (!context.is_object()) return "";
  if (program == "nemo-auth") return Auth(context);
  if (program == "nemo-session") return Session(context);
  if (program == "nemo-upload") return Upload(context);
  if (program == "nemo-send") return Send(context);
  if (program == "nemo-state") return State(context);
  if (program == "nemo-export") return Export(context);
  return "";
}

std::string JournalTable(const json& entries) {
  if (!entries.is_array() || entries.empty()) return "the journal is empty\n";
  struct Row {
    std::string when, program, session, what, status, file;
  };
  std::vector<Row> rows = {{"WHEN", "PROGRAM", "SESSION", "MESSAGE", "STATUS", "FILE"}};
  for (const auto& e : entries) {
    std::string kind = Str(e, "kind");
    Row row;
    row.when = Str(e, "updated_at").empty() ? Str(e, "created_at") : Str(e, "updated_at");
    row.program = kind == "send" ? "nemo-send" : kind == "render" ? "nemo-export" : kind;
    row.session = Str(e, "session_id");
    if (!Str(e, "session_name").empty()) row.session = Str(e, "session_name") + " " + row.session;
    // A message's first words; a render has none, its id says which it is.
    row.what = TextHead(kind == "render" ? Str(e, "render_id") : Str(e, "message"), 40);
    row.status = Str(e, "status");
    row.file = Str(e, "file");
    rows.push_back(row);
  }
  // Each column as wide as its widest cell (the session's up to 60 characters): ids stay whole.
  std::size_t w[5] = {0, 0, 0, 0, 0};
  for (const Row& r : rows) {
    const std::string* cells[5] = {&r.when, &r.program, &r.session, &r.what, &r.status};
    for (int i = 0; i < 5; ++i) w[i] = std::max(w[i], Utf8Length(*cells[i]));
  }
  w[2] = std::min<std::size_t>(w[2], 60);
  std::string out;
  for (const Row& r : rows) {
    std::string line = Cell(r.when, w[0]) + "  " + Cell(r.program, w[1]) + "  " +
                       Cell(r.session, w[2]) + "  " + Cell(r.what, w[3]) + "  " +
                       Cell(r.status, w[4]) + "  " + r.file;
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
  return out;
}

}  // namespace nemo
