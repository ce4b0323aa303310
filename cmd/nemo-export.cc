// nemo-export: render the session's draft on the server, follow the job, download the MP4
// safely (FILE.part, fsync, rename; resumed, with a fallback) and report id, file, size, sha256.
#include <cstdio>
#include <fstream>
#include <sstream>

#include "cli.h"
#include "download.h"
#include "draft.h"
#include "progress.h"
#include "render_job.h"
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

}  // namespace

int main(int argc, char** argv) {
  nemo::Program prog("nemo-export", "Render the session's draft and download the video",
                     "nemo-session | nemo-send \"a 10-second video\" | nemo-export -o video.mp4");
  std::string session, output, format = "mp4", quality = "high", timeout = "30m", draft_file;
  bool no_download = false, detach = false, progress = false;
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

    nemo::RenderClient renders(api);
    nemo::RenderJob job = renders.Submit(sid, draft, format, quality);
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
        if (e.exit_code() != nemo::kExitInterrupted && e.exit_code() != nemo::kExitTerminated) {
          throw;
        }
        // Ctrl-C: the job is ours to stop. Clear the flag so the cancel request can go out.
        int sig = nemo::InterruptSignal();
        nemo::RequestInterrupt(0);
        renders.Cancel(job.id);
        nemo::RequestInterrupt(sig);
        throw nemo::Error(e.exit_code(), "interrupted; render " + job.id + " cancelled");
      }
      bar.Finish();
    }
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
    download.target = target;
    nemo::ProgressBar bar("downloading", -1, show, true);
    download.on_progress = [&](int64_t done, int64_t total) {
      bar.SetTotal(total);
      bar.Update(done);
    };
    download.on_note = [&](const std::string& note) {
      if (prog.flags().verbose || nemo::StderrIsTerminal()) prog.Note(note);
    };
    nemo::DownloadResult result = nemo::Download(api, download);
    bar.Finish();
    if (target == "-") return 0;  // stdout carried the video; there is no room for a context
    ctx["file"] = result.file;
    ctx["bytes"] = result.bytes;
    ctx["sha256"] = result.sha256;
    prog.WriteContext(ctx);
    return 0;
  });
}
