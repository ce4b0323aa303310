// The page a claim link opens (GET /workspace/claim?ct=CLAIM_TOKEN), standing in for the web
// app's workspace: the session's name, its draft drawn as a timeline (a row a track, a bar a
// segment, a time axis: what `nemo-state --timeline` draws in a terminal), its renders as
// <video> elements that play, and the credits. Plain HTML and CSS, no script at all; read-only
// (GET only) and loopback-only. The claim token is checked as the service checks it: unknown or
// expired is 403, none is 404.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "agent.h"
#include "files.h"
#include "renders.h"
#include "routes.h"

namespace sandbox {

using httplib::Request;
using httplib::Response;
using nlohmann::json;

namespace {

std::string Html(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

// 0 -> "0s", 2500 -> "2.5s", 90000 -> "1m30s": the time labels nemo-state --timeline writes.
std::string PageClock(double ms) {
  long long tenths = std::llround(ms / 100);
  long long s = tenths / 10;
  char buf[64];
  if (s >= 60) {
    std::snprintf(buf, sizeof buf, s % 60 ? "%lldm%02llds" : "%lldm", s / 60, s % 60);
  } else if (tenths % 10) {
    std::snprintf(buf, sizeof buf, "%lld.%llds", s, tenths % 10);
  } else {
    std::snprintf(buf, sizeof buf, "%llds", s);
  }
  return buf;
}

std::string PagePercent(double part, double whole) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4f%%", whole > 0 ? 100.0 * part / whole : 0.0);
  return buf;
}

// A track's row heading as nemo-state --timeline writes it: "1 Video: city timelapse",
// "2 BGM: Upbeat", "3 Title: "Urban Dreams"", "4 Captions".
std::string RowLabel(const json& track, int number) {
  int tt = track.value("tt", -1);
  std::string kind = tt == 0 ? "Video" : tt == 1 ? "BGM" : tt == 7 ? "Title" : "Track";
  std::string name = track.value("m", json::object()).value("name", "");
  if (kind == "Title" && name == "Captions") kind = name;
  if (name == kind) name.clear();
  if (name.empty()) {
    for (const auto& seg : track.value("sg", json::array())) {
      json m = seg.is_object() ? seg.value("m", json::object()) : json::object();
      for (const char* key : {"title", "desc", "name", "text"}) {
        if (m.contains(key) && m[key].is_string() && !m[key].get<std::string>().empty()) {
          name = m[key];
          break;
        }
      }
      break;
    }
  }
  if (kind == "Title" && !name.empty()) name = "\"" + name + "\"";
  return std::to_string(number) + " " + kind + (name.empty() ? "" : ": " + name);
}

// A bar's own words: the title, the picture's description, the music and its volume, the line.
std::string SegmentLabel(const json& track, const json& m) {
  if (m.contains("title")) return m.value("title", "");
  if (m.contains("text")) return m.value("text", "");
  if (track.value("tt", -1) == 1) {
    return m.value("name", track.value("m", json::object()).value("name", "music")) + " " +
           std::to_string(std::lround(m.value("volume", 0.35) * 100)) + "%";
  }
  return m.value("desc", m.value("name", ""));
}

std::string TimelineHtml(const json& draft) {
  int64_t total = DraftDurationMs(draft);
  if (total <= 0 || !draft.contains("t") || !draft["t"].is_array()) {
    return "<section id=\"timeline\" data-total-ms=\"0\"><h2>Timeline</h2>"
           "<p class=\"empty\">Timeline is empty</p></section>\n";
  }
  std::string out = "<section id=\"timeline\" data-total-ms=\"" + std::to_string(total) +
                    "\"><h2>Timeline <small>" + Html(PageClock(total)) + "</small></h2>\n";
  int number = 0;
  for (const auto& track : draft["t"]) {
    if (!track.is_object()) continue;
    ++number;
    out += "<div class=\"track tt" + std::to_string(track.value("tt", -1)) + "\" data-index=\"" +
           std::to_string(number - 1) + "\" data-type=\"" + std::to_string(track.value("tt", -1)) +
           "\"><div class=\"label\">" + Html(RowLabel(track, number)) +
           "</div><div class=\"lane\">";
    for (const auto& seg : track.value("sg", json::array())) {
      if (!seg.is_object()) continue;
      int64_t st = seg.value("st", int64_t{0}), d = seg.value("d", int64_t{0});
      std::string label = SegmentLabel(track, seg.value("m", json::object()));
      out += "<div class=\"segment\" data-id=\"" + Html(seg.value("id", "")) + "\" data-st=\"" +
             std::to_string(st) + "\" data-d=\"" + std::to_string(d) +
             "\" style=\"left:" + PagePercent(st, total) + ";width:" + PagePercent(d, total) +
             "\" title=\"" + Html(label + " (" + PageClock(st) + "–" + PageClock(st + d) + ")") +
             "\">" + Html(label) + "</div>";
    }
    out += "</div></div>\n";
  }
  // The axis: round steps, at most about ten labels, as the terminal chart spaces them.
  static const double kSteps[] = {100,   200,   500,   1000,   2000,   5000,  10000,
                                  15000, 30000, 60000, 120000, 300000, 600000};
  double step = kSteps[std::size(kSteps) - 1];
  for (double s : kSteps) {
    if (total / s <= 10) {
      step = s;
      break;
    }
  }
  out += "<div class=\"axis\"><div class=\"label\"></div><div class=\"lane\">";
  for (double t = 0; t <= total + 0.5; t += step) {
    out += "<span class=\"tick\" style=\"left:" + PagePercent(t, static_cast<double>(total)) +
           "\">" + PageClock(t) + "</span>";
  }
  return out + "</div></div></section>\n";
}

std::string RendersSection(Sandbox& sb, const std::string& sid, const std::string& claim) {
  json renders = sb.renders->SessionRenders(sid);
  std::string out = "<section id=\"renders\"><h2>Renders</h2>\n";
  if (renders.empty()) out += "<p class=\"empty\">No render yet: nemo-export makes one.</p>\n";
  for (const auto& r : renders) {
    char secs[32];
    std::snprintf(secs, sizeof secs, "%.3f", r.value("seconds", 0.0));
    std::string id = r.value("id", "");
    out += "<figure class=\"render\" data-id=\"" + Html(id) + "\" data-seconds=\"" + secs +
           "\"><video controls preload=\"metadata\" src=\"/workspace/claim/renders/" + Html(id) +
           ".mp4?ct=" + Html(claim) + "\"></video><figcaption>" + Html(id) + " · " +
           Html(r.value("quality", "")) + " · " + Html(PageClock(r.value("seconds", 0.0) * 1000)) +
           " · " + Html(r.value("completed_at", "")) + "</figcaption></figure>\n";
  }
  return out + "</section>\n";
}

const char* kStyle = R"(
body{font:15px/1.4 system-ui,sans-serif;margin:2em auto;max-width:60em;padding:0 1em;color:#222}
h1{margin-bottom:.2em}.sub{color:#666;margin-top:0}
.track,.axis{display:flex;align-items:center;margin:.3em 0}
.label{flex:0 0 14em;overflow:hidden;white-space:nowrap;text-overflow:ellipsis;padding-right:.5em}
.lane{position:relative;flex:1;height:2em;background:#f2f2f2}
.axis .lane{background:none;height:1.4em}
.segment{position:absolute;top:0;bottom:0;box-sizing:border-box;border:1px solid #fff;
 overflow:hidden;white-space:nowrap;text-overflow:ellipsis;font-size:12px;padding:.35em;color:#fff}
.tt0 .segment{background:#3b6ea5}.tt1 .segment{background:#3a9a5b}.tt7 .segment{background:#a5673b}
.tick{position:absolute;font-size:11px;color:#666;border-left:1px solid #999;padding-left:2px}
video{width:100%;max-width:40em;background:#000}
dl{display:grid;grid-template-columns:8em auto}
)";

// The loopback check: a page with a claim token must not be served to the network, even by a
// sandbox started with --allow-remote.
bool Loopback(const Request& req) {
  const std::string& a = req.remote_addr;
  return a.rfind("127.", 0) == 0 || a == "::1" || a.rfind("::ffff:127.", 0) == 0;
}

void Refuse(Response& res, int status, const std::string& why) {
  res.status = status;
  res.set_header("Cache-Control", "no-store");
  res.set_content("<!doctype html><meta charset=\"utf-8\"><title>" + std::to_string(status) +
                      "</title><h1>" + std::to_string(status) + "</h1><p>" + Html(why) + "</p>\n",
                  "text/html; charset=utf-8");
}

// The session a request's claim token opens, or "" after answering the refusal.
std::string ClaimAdmitted(Sandbox& sb, const Request& req, Response& res) {
  if (!Loopback(req)) return Refuse(res, 403, "the sandbox's pages are for this machine only"), "";
  std::string claim = req.get_param_value("ct");
  if (claim.empty()) return Refuse(res, 404, "no claim token in the link"), "";
  std::string sid = sb.store.ClaimedSession(claim);
  if (sid.empty()) return Refuse(res, 403, "this link is not valid (or has expired)"), "";
  return sid;
}

void ClaimPage(Sandbox& sb, const Request& req, Response& res) {
  std::string sid = ClaimAdmitted(sb, req, res);
  if (sid.empty()) return;
  auto session = sb.store.GetSession(sid);
  if (!session) return Refuse(res, 404, "the session is gone");
  std::string claim = req.get_param_value("ct");
  json credits = sb.store.Balance(session->user_id);
  std::string name = session->name.empty() ? "project" : session->name;
  std::string html =
      "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta name=\"referrer\" content=\"no-referrer\"><title>" +
      Html(name) + " · nemo-sandbox</title><style>" + kStyle +
      "</style></head><body>\n<h1 id=\"session-name\">" + Html(name) +
      "</h1><p class=\"sub\">Session <code id=\"session-id\">" + Html(sid) +
      "</code> on nemo-sandbox (read-only)</p>\n" + TimelineHtml(session->draft) +
      RendersSection(sb, sid, claim) +
      "<section id=\"credits\"><h2>Credits</h2><dl>"
      "<dt>available</dt><dd id=\"credits-available\">" +
      std::to_string(credits.value("available", int64_t{0})) +
      "</dd><dt>frozen</dt><dd id=\"credits-frozen\">" +
      std::to_string(credits.value("frozen", int64_t{0})) +
      "</dd><dt>total</dt><dd id=\"credits-total\">" +
      std::to_string(credits.value("total", int64_t{0})) + "</dd></dl></section>\n</body></html>\n";
  res.set_header("Cache-Control", "no-store");
  res.set_header("Referrer-Policy", "no-referrer");
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_header("Content-Security-Policy",
                 "default-src 'none'; style-src 'unsafe-inline'; media-src 'self'");
  res.set_content(html, "text/html; charset=utf-8");
}

}  // namespace

void AddPageRoutes(httplib::Server& svr, Sandbox& sb) {
  svr.Get("/workspace/claim",
          [&sb](const Request& req, Response& res) { ClaimPage(sb, req, res); });
  // The renders, from the page's own origin, with Range (a <video> seeks with it).
  svr.Get(R"(/workspace/claim/renders/([A-Za-z0-9_\-]+)\.mp4)",
          [&sb](const Request& req, Response& res) {
            std::string sid = ClaimAdmitted(sb, req, res);
            if (sid.empty()) return;
            std::string id = req.matches[1];
            for (const auto& r : sb.renders->SessionRenders(sid)) {
              if (r.value("id", "") == id) {
                return ServeFile(sb, req, res, r.value("path", ""), "video/mp4");
              }
            }
            Refuse(res, 404, "no such render in this session");
          });
}

}  // namespace sandbox
