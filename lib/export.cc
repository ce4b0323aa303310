#include "export.h"

#include <cctype>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include "contact_sheet.h"
#include "download.h"
#include "draft.h"
#include "follow_up.h"
#include "interrupt.h"
#include "journal_record.h"
#include "output.h"
#include "progress.h"
#include "render_job.h"
#include "sha256.h"
#include "state.h"
#include "terminal.h"

namespace nemo {

using nlohmann::json;

namespace {

constexpr const char* kProgram = "nemo-export";

// --draft FILE: a draft (or a state holding one) as JSON.
json ReadDraftFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(kExitUsage, path + ": cannot read the draft file");
  std::ostringstream text;
  text << in.rdbuf();
  json doc = json::parse(text.str(), nullptr, false);
  if (doc.is_discarded()) throw Error(kExitUsage, path + ": not JSON");
  return NormalizeDraft(doc);
}

json RenderContext(const RenderJob& job) {
  return {
      {"id", job.id}, {"status", job.status}, {"url", job.url.empty() ? json() : json(job.url)}};
}

// The render the journal recorded for this draft, as the service sees it now (looked at with the
// same patience as a render being followed); nullopt when there is none to follow (none recorded,
// --new, it failed, or the service does not know it).
std::optional<RenderJob> RecordedRender(RenderClient& renders, const Journal::Entry& entry,
                                        const ExportRequest& request, const FollowOptions& follow) {
  auto id = RenderToFollow(entry.value(), request.fresh);
  if (!id) return std::nullopt;
  RenderJob job;
  try {
    job = renders.Look(*id, follow);
  } catch (const Error& e) {
    if (e.http_status() != 404) throw;
    // "submitting": the process stopped before its request arrived. Otherwise the service forgot.
    if (entry.value()->value("status", "") != "submitting") {
      PrintWarning(kProgram, "render " + *id +
                                 " (journal) is unknown to the service; submitting the "
                                 "draft again");
    }
    return std::nullopt;
  }
  if (job.status == "failed" || job.status == "cancelled") {
    PrintWarning(kProgram,
                 "render " + *id + " (journal) " + job.status + "; submitting the draft again");
    return std::nullopt;
  }
  if (!request.quiet) {
    std::fprintf(stderr,
                 "nemo-export: following render %s, submitted for this draft at %s (journal); "
                 "--new renders again\n",
                 id->c_str(), entry.value()->value("created_at", "?").c_str());
  }
  return job;
}

// Follows the render to its end. Ctrl-C: the job is ours to stop, so it is cancelled (and
// recorded so) before the interruption is reported; a failed render is recorded for a re-run to
// submit again.
RenderJob FollowToEnd(RenderClient& renders, RenderJob job, FollowOptions follow,
                      JournalRecord& record, bool show) {
  ProgressBar bar("rendering  ", 100, show, false);
  follow.on_update = [&](const RenderJob& j) {
    if (j.progress >= 0) bar.Update(j.progress);
  };
  try {
    job = renders.Follow(job, follow);
  } catch (const Error& e) {
    if (e.exit_code() == kExitJobFailed) record.Save("failed");  // a re-run submits again
    if (e.exit_code() != kExitInterrupted && e.exit_code() != kExitTerminated) throw;
    {
      InterruptPause pause;  // the flag cleared, so that the cancel request can go out
      renders.Cancel(job.id);
      record.Save("cancelled");
    }
    throw InterruptedRender(e.exit_code(), (*record).value("session_id", ""),
                            (*record).value("session_name", ""), job.id, true);
  }
  bar.Finish();
  return job;
}

}  // namespace

std::string SafeFileName(const std::string& name) {
  std::string out;
  for (char c : name) {
    bool plain = std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
    out += plain ? c : '_';
  }
  if (out.empty()) return "video";
  if (out.front() == '.') out.front() = '_';  // no hidden files, no "." or ".."
  return out;
}

std::string DefaultOutputName(const std::string& session_id, const std::string& render_id,
                              const std::string& format) {
  if (render_id.empty()) return SafeFileName(session_id) + ".mp4";
  return SafeFileName(session_id + "-" + render_id) + "." + format;
}

Exporter::Exporter(ExportRequest request) : request_(std::move(request)) {
  const ExportRequest& r = request_;
  if (r.output_given && r.output.empty()) CheckOutputPath(r.output);  // -o ""
  if (r.no_download && r.detach) {
    throw Error(kExitUsage, "--no-download and --detach exclude each other");
  }
  bool downloading = !r.no_download && !r.detach;
  // A bad output path is refused before anything is asked of the server.
  if (downloading) {
    target_ = CheckOutputPath(r.output.empty() ? DefaultOutputName(r.session_id) : r.output);
  }
  if (!r.output.empty() && !downloading) {
    throw Error(kExitUsage, "-o makes no sense with --no-download or --detach");
  }
  if (!r.contact_sheet.empty()) {  // refused before any request, like a bad -o
    std::error_code ec;            // a stream (-o -, a FIFO, /dev/stderr) cannot be read back
    bool stream = target_ == "-" || (std::filesystem::exists(target_, ec) &&
                                     !std::filesystem::is_regular_file(target_, ec));
    if (!downloading || stream) {
      throw Error(kExitUsage,
                  "--contact-sheet needs the video in a file: not with a stream (-o -), "
                  "--no-download or --detach");
    }
    request_.contact_sheet = CheckContactSheetPath(r.contact_sheet);
    RequireFfmpeg("--contact-sheet");
  }
}

ExportResult Exporter::Run(Api& api, Journal& journal) {
  const ExportRequest& r = request_;
  const std::string& sid = r.session_id;
  json draft = r.draft_file.empty() ? ReadState(api, sid).draft : ReadDraftFile(r.draft_file);
  if (!DraftReady(draft)) {
    throw Error(kExitUsage, "nothing to export yet: send a generation request first",
                "e.g. nemo-send \"a 10-second video about the sea\"; see `nemo-state "
                "--summary`");
  }

  // The journal entry of this draft, locked until it is done with: a second nemo-export of the
  // same draft waits here, then follows (or downloads) the render the first one made.
  const std::string& base = api.config().api_base;
  std::string draft_sha256 = Sha256Hex(draft.dump());
  Journal::Entry entry = journal.Open(RenderKey(base, sid, draft_sha256, r.format, r.quality), [&] {
    PrintWarning(kProgram, "another nemo-export is rendering this draft of session " + sid +
                               "; waiting for it to finish");
  });

  RenderClient renders(api);
  FollowOptions follow;
  follow.timeout = r.timeout;
  std::optional<RenderJob> recorded = RecordedRender(renders, entry, r, follow);
  JournalRecord record(entry, recorded ? *entry.value()
                                       : json{{"kind", "render"},
                                              {"api", base},
                                              {"session_id", sid},
                                              {"draft_sha256", draft_sha256},
                                              {"format", r.format},
                                              {"quality", r.quality}});
  // Named in nemo-state --journal's table and in what an interruption says.
  if (!r.session_name.empty()) (*record)["session_name"] = r.session_name;
  RenderJob job;
  if (recorded) {
    job = *recorded;
  } else {
    // Each id is recorded before its request goes out: a re-run after a kill at any moment
    // finds the render on the server (and follows it) or learns it never arrived (404).
    job = renders.Submit(sid, draft, r.format, r.quality, [&](const std::string& id) {
      (*record)["render_id"] = id;
      record.Save("submitting");
    });
    (*record)["render_id"] = job.id;
    record.Save("submitted");
  }
  ExportResult result;
  if (r.detach) {
    result.context["render"] = RenderContext(job);
    return result;
  }

  bool show = ProgressWanted(r.quiet, r.progress);
  job = FollowToEnd(renders, job, follow, record, show);
  (*record)["url"] = job.url;
  record.Save("completed");
  result.context["render"] = RenderContext(job);
  if (r.no_download) return result;

  DownloadOptions download;
  download.url = job.url;
  download.fallback_path = paths::RenderDownload(job.id);
  download.format = r.format;
  // Without -o, ids from the context and the server: a name in this directory.
  download.target =
      r.output.empty() ? CheckOutputPath(DefaultOutputName(sid, job.id, r.format)) : target_;
  ProgressBar bar("downloading", -1, show, true);
  download.on_progress = [&](int64_t done, int64_t total) {
    bar.SetTotal(total);
    bar.Update(done);
  };
  download.on_note = [&](const std::string& note) {
    if (!r.quiet && StderrIsTerminal()) std::fprintf(stderr, "%s: %s\n", kProgram, note.c_str());
  };
  DownloadResult saved;
  try {
    saved = Download(api, download);
  } catch (const Error& e) {
    if (!IsInterruption(e)) throw;
    throw InterruptedDownload(e.exit_code(), sid, r.session_name, job.id,
                              download.target == "-" ? "stdout" : download.target);
  }
  bar.Finish();
  if (download.target != "-") {  // where it went, for nemo-state --journal
    (*record)["file"] = saved.file;
    record.TrySave("completed");
  }
  if (r.verbose) {  // like the request log lines of -v, whatever stderr is
    std::fprintf(stderr, "%s: saved %s (%lld ms, %lld bytes: hashed, fsync'ed, in place)\n",
                 kProgram, saved.file.c_str(), static_cast<long long>(saved.elapsed_ms),
                 static_cast<long long>(saved.bytes));
  }
  result.video_on_stdout = download.target == "-";
  result.context["file"] = saved.file;
  result.context["bytes"] = saved.bytes;
  result.context["sha256"] = saved.sha256;
  if (!r.contact_sheet.empty()) {
    MakeContactSheet(saved.file, r.contact_sheet);
    result.context["contact_sheet"] = r.contact_sheet;
  }
  return result;
}

}  // namespace nemo
