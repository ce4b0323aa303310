// nemo-export: render the session's draft on the server, follow the job, download the MP4
// safely (FILE.part, fsync, rename; resumed, with a fallback) and report id, file, size, sha256.
// The journal keeps the render submitted for each draft: a re-run after a kill follows that
// render (or downloads it again) instead of submitting the draft a second time.
// --contact-sheet FILE.png: after the download, a grid of frames to look at instead of playing.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include "cli.h"
#include "context.h"
#include "contact_sheet.h"
#include "download.h"
#include "draft.h"
#include "follow_up.h"
#include "interrupt.h"
#include "journal.h"
#include "progress.h"
#include "render_job.h"
#include "sha256.h"
#include "state.h"
#include "terminal.h"

namespace {

// --draft FILE: a draft (or a state holding one) as JSON.
nlohmann::json ReadDraftFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw nemo::Error(nemo::kExitUsage, path + ": cannot read the draft file");
  std::ostringstream text;
  text << in.rdbuf();
  nlohmann::json doc = nlohmann::json::parse(text.str(), nullptr, false);
  if (doc.is_discarded()) throw nemo::Error(nemo::kExitUsage, path + ": not JSON");
  return nemo::NormalizeDraft(doc);
}

nlohmann::json RenderContext(const nemo::RenderJob& job) {
  return {{"id", job.id},
          {"status", job.status},
          {"url", job.url.empty() ? nlohmann::json() : nlohmann::json(job.url)}};
}

// The render the journal recorded for this draft, as the service sees it now; nullopt when there
// is none to follow (none recorded, --new, it failed, or the service does not know it).
std::optional<nemo::RenderJob> RecordedRender(nemo::RenderClient& renders,
                                              const nemo::Journal::Entry& entry, bool fresh,
                                              bool quiet) {
  auto id = nemo::RenderToFollow(entry.value(), fresh);
  if (!id) return std::nullopt;
  nemo::RenderJob job;
  try {
    job = renders.Poll(*id);
  } catch (const nemo::Error& e) {
    if (e.http_status() != 404) throw;
    // "submitting": the process stopped before its request arrived. Otherwise the service forgot.
    if (entry.value()->value("status", "") != "submitting") {
      nemo::PrintWarning("nemo-export", "render " + *id +
                                            " (journal) is unknown to the service; submitting the "
                                            "draft again");
    }
    return std::nullopt;
  }
  if (job.status == "failed" || job.status == "cancelled") {
    nemo::PrintWarning("nemo-export", "render " + *id + " (journal) " + job.status +
                                          "; submitting the draft again");
    return std::nullopt;
  }
  if (!quiet) {
    std::fprintf(stderr,
                 "nemo-export: following render %s, submitted for this draft at %s (journal); "
                 "--new renders again\n",
                 id->c_str(), entry.value()->value("created_at", "?").c_str());
  }
  return job;
}

}  // namespace

int main(int argc, char** argv) {
  nemo::Program prog("nemo-export", "Render the session's draft and download the video",
                     "nemo-session | nemo-send \"a 10-second video\" | nemo-export -o video.mp4");
  std::string session, output, format = "mp4", quality = "high", timeout = "30m", draft_file;
  std::string contact_sheet;
  bool no_download = false, detach = false, progress = false, fresh = false;
  auto& app = prog.app();
  app.add_option("--session", session, "Session id (default: the context's session_id)")
      ->type_name("<id>");
  CLI::Option* output_opt =
      app.add_option("-o,--output", output,
                     "Output file; - for stdout (default: <session>-<render id>.mp4)")
          ->type_name("<file>");
  app.add_option("--format", format, "Container (default mp4)")
      ->check(CLI::IsMember({"mp4"}))
      ->type_name("{mp4}");
  app.add_option("--quality", quality, "Render quality (default high)")
      ->check(CLI::IsMember({"low", "medium", "high"}))
      ->type_name("{low|medium|high}");
  app.add_option("--timeout", timeout, "Give up following the render after this (default 30m)")
      ->type_name("<duration>");
  app.add_option("--draft", draft_file, "Render this draft (JSON file) instead of the session's")
      ->type_name("<file>");
  app.add_flag("--no-download", no_download, "Wait for the render, print its URL only");
  app.add_flag("--detach", detach, "Submit and exit at once (the render keeps going)");
  app.add_flag("--progress", progress, "Show progress on stderr even when it is not a terminal");
  app.add_option("--contact-sheet", contact_sheet,
                 "After the download, write a grid of frames with their times (needs ffmpeg)")
      ->type_name("<file.png>");
  app.add_flag("--new", fresh, "Submit a new render even if the journal shows one for this draft");

  prog.set_context_on_stdout([&] { return output != "-"; });  // -o -: the video
  return prog.Run(argc, argv, [&] {
    auto timeout_ms = std::chrono::milliseconds(nemo::ParseDurationMs(timeout, "--timeout"));
    nlohmann::json ctx = prog.ReadContext();
    std::string sid = nemo::RequireSessionId(session, ctx);
    if (output_opt->count() > 0 && output.empty()) nemo::CheckOutputPath(output);  // -o ""
    if (no_download && detach) {
      throw nemo::Error(nemo::kExitUsage, "--no-download and --detach exclude each other");
    }
    bool downloading = !no_download && !detach;
    // A bad output path is refused before anything is asked of the server.
    std::string target;
    if (downloading) {
      target = nemo::CheckOutputPath(output.empty() ? nemo::SafeFileName(sid) + ".mp4" : output);
    }
    if (!output.empty() && !downloading) {
      throw nemo::Error(nemo::kExitUsage, "-o makes no sense with --no-download or --detach");
    }
    if (!contact_sheet.empty()) {  // refused before any request, like a bad -o
      std::error_code ec;          // a stream (-o -, a FIFO, /dev/stderr) cannot be read back
      bool stream = target == "-" || (std::filesystem::exists(target, ec) &&
                                      !std::filesystem::is_regular_file(target, ec));
      if (!downloading || stream) {
        throw nemo::Error(nemo::kExitUsage,
                          "--contact-sheet needs the video in a file: not with a stream (-o -), "
                          "--no-download or --detach");
      }
      contact_sheet = nemo::CheckContactSheetPath(contact_sheet);
      nemo::RequireFfmpeg("--contact-sheet");
    }
    nemo::Api api = prog.MakeApi(ctx);
    ctx["api"] = api.config().api_base;
    ctx["session_id"] = sid;

    nlohmann::json draft =
        draft_file.empty() ? nemo::ReadState(api, sid).draft : ReadDraftFile(draft_file);
    if (!nemo::DraftReady(draft)) {
      throw nemo::Error(nemo::kExitUsage, "nothing to export yet: send a generation request first",
                        "e.g. nemo-send \"a 10-second video about the sea\"; see `nemo-state "
                        "--summary`");
    }

    // The journal entry of this draft, locked until this process ends: a second nemo-export of
    // the same draft waits here, then follows (or downloads) the render the first one made.
    const std::string& base = api.config().api_base;
    std::string draft_sha256 = nemo::Sha256Hex(draft.dump());
    nemo::Journal journal(nemo::JournalDir());
    nemo::Journal::Entry entry =
        journal.Open(nemo::RenderKey(base, sid, draft_sha256, format, quality), [&] {
          nemo::PrintWarning(prog.name(),
                             "another nemo-export is rendering this draft of session " + sid +
                                 "; waiting for it to finish");
        });
    nlohmann::json record = {{"kind", "render"},  {"api", base},
                             {"session_id", sid}, {"draft_sha256", draft_sha256},
                             {"format", format},  {"quality", quality}};
    std::string session_name = nemo::ContextString(ctx, "session_name").value_or("");
    if (!session_name.empty()) record["session_name"] = session_name;
    auto save = [&](const char* status) {
      record["status"] = status;
      entry.Write(record);
      record = *entry.value();
    };

    nemo::RenderClient renders(api);
    std::optional<nemo::RenderJob> recorded =
        RecordedRender(renders, entry, fresh, prog.flags().quiet);
    nemo::RenderJob job;
    if (recorded) {
      job = *recorded;
      record = *entry.value();
    } else {
      // Each id is recorded before its request goes out: a re-run after a kill at any moment
      // finds the render on the server (and follows it) or learns it never arrived (404).
      job = renders.Submit(sid, draft, format, quality, [&](const std::string& id) {
        record["render_id"] = id;
        save("submitting");
      });
      record["render_id"] = job.id;
      save("submitted");
    }
    if (detach) {
      ctx["render"] = RenderContext(job);
      prog.WriteContext(ctx);
      return 0;
    }

    bool show = nemo::ProgressWanted(prog.flags().quiet, progress);
    nemo::FollowOptions follow;
    follow.timeout = timeout_ms;
    {
      nemo::ProgressBar bar("rendering  ", 100, show, false);
      follow.on_update = [&](const nemo::RenderJob& j) {
        if (j.progress >= 0) bar.Update(j.progress);
      };
      try {
        job = renders.Follow(job, follow);
      } catch (const nemo::Error& e) {
        if (e.exit_code() == nemo::kExitJobFailed) save("failed");  // a re-run submits again
        if (e.exit_code() != nemo::kExitInterrupted && e.exit_code() != nemo::kExitTerminated) {
          throw;
        }
        // Ctrl-C: the job is ours to stop. Clear the flag so the cancel request can go out.
        {
          nemo::InterruptPause pause;
          renders.Cancel(job.id);
          save("cancelled");
        }
        throw nemo::InterruptedRender(e.exit_code(), sid, session_name, job.id, true);
      }
      bar.Finish();
    }
    record["url"] = job.url;
    save("completed");
    ctx["render"] = RenderContext(job);
    if (no_download) {
      prog.WriteContext(ctx);
      return 0;
    }

    if (output.empty()) {  // ids from the context and the server: a name in this directory
      target = nemo::CheckOutputPath(nemo::SafeFileName(sid + "-" + job.id) + "." + format);
    }
    nemo::DownloadOptions download;
    download.url = job.url;
    download.fallback_path = nemo::paths::RenderDownload(job.id);
    download.format = format;
    download.target = target;
    nemo::ProgressBar bar("downloading", -1, show, true);
    download.on_progress = [&](int64_t done, int64_t total) {
      bar.SetTotal(total);
      bar.Update(done);
    };
    download.on_note = [&](const std::string& note) {
      if (prog.flags().verbose || nemo::StderrIsTerminal()) prog.Note(note);
    };
    nemo::DownloadResult result;
    try {
      result = nemo::Download(api, download);
    } catch (const nemo::Error& e) {
      if (!nemo::IsInterruption(e)) throw;
      throw nemo::InterruptedDownload(e.exit_code(), sid, session_name, job.id,
                                      target == "-" ? "stdout" : target);
    }
    bar.Finish();
    if (target != "-") {  // where it went, for nemo-state --journal
      record["file"] = result.file;
      try {
        save("completed");
      } catch (const nemo::Error&) {
        // The video is saved; the journal's note of its name is not worth failing for.
      }
    }
    if (prog.flags().verbose) {  // like the request log lines of -v, whatever stderr is
      std::fprintf(stderr, "nemo: saved %s (%lld ms, %lld bytes: hashed, fsync'ed, in place)\n",
                   result.file.c_str(), static_cast<long long>(result.elapsed_ms),
                   static_cast<long long>(result.bytes));
    }
    // stdout carried the video; there is no room for a context there (-O FILE has room).
    if (target == "-" && prog.flags().context_out.empty()) return 0;
    ctx["file"] = result.file;
    ctx["bytes"] = result.bytes;
    ctx["sha256"] = result.sha256;
    if (!contact_sheet.empty()) {
      nemo::MakeContactSheet(result.file, contact_sheet);
      ctx["contact_sheet"] = contact_sheet;
    }
    prog.WriteContext(ctx);
    return 0;
  });
}
