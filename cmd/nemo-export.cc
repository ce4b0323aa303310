// nemo-export: render the session's draft on the server, follow the job, download the MP4
// safely and report id, file, size, sha256 (lib/export: the journaled render, Ctrl-C's cancel,
// the download). Here: the flags, the context in and out.
// --contact-sheet FILE.png: after the download, a grid of frames to look at instead of playing.
#include "cli.h"
#include "context.h"
#include "depfile.h"
#include "export.h"
#include "journal.h"

int main(int argc, char** argv) {
  nemo::Program prog("nemo-export", "Render the session's draft and download the video",
                     "nemo-session | nemo-send \"a 10-second video\" | nemo-export -o video.mp4");
  nemo::ExportRequest r;
  std::string session, timeout = "30m", depfile;
  auto& app = prog.app();
  app.add_option("--session", session, "Session id (default: the context's session_id)")
      ->type_name("<id>");
  CLI::Option* output_opt =
      app.add_option("-o,--output", r.output,
                     "Output file; - for stdout (default: <session>-<render id>.mp4)")
          ->type_name("<file>");
  app.add_option("--format", r.format, "Container (default mp4)")
      ->check(CLI::IsMember({"mp4"}))
      ->type_name("{mp4}");
  app.add_option("--quality", r.quality, "Render quality (default high)")
      ->check(CLI::IsMember({"low", "medium", "high"}))
      ->type_name("{low|medium|high}");
  app.add_option("--timeout", timeout, "Give up following the render after this (default 30m)")
      ->type_name("<duration>");
  app.add_option("--draft", r.draft_file, "Render this draft (JSON file) instead of the session's")
      ->type_name("<file>");
  app.add_flag("--no-download", r.no_download, "Wait for the render, print its URL only");
  app.add_flag("--detach", r.detach, "Submit and exit at once (the render keeps going)");
  app.add_flag("--progress", r.progress, "Show progress on stderr even when it is not a terminal");
  app.add_option("--contact-sheet", r.contact_sheet,
                 "After the download, write a grid of frames with their times (needs ffmpeg)")
      ->type_name("<file.png>");
  app.add_flag("--new", r.fresh,
               "Submit a new render even if the journal shows one for this draft");
  app.add_option("-M,--depfile", depfile,
                 "Write a make depfile: the video depends on every local file that went into it "
                 "(the context's inputs: uploads, documents)")
      ->type_name("<file>");

  prog.set_context_on_stdout([&] { return r.output != "-"; });  // -o -: the video
  return prog.Run(argc, argv, [&] {
    r.timeout = std::chrono::milliseconds(nemo::ParseDurationMs(timeout, "--timeout"));
    // The depfile's target is the video (or, without one, the -O context).
    bool video_file = !r.no_download && !r.detach && r.output != "-";
    nemo::CheckDepfileTarget(depfile, video_file ? "video" : prog.flags().context_out);
    nlohmann::json ctx = prog.ReadContext();
    r.session_id = nemo::RequireSessionId(session, ctx);
    r.session_name = nemo::ContextString(ctx, "session_name").value_or("");
    r.output_given = output_opt->count() > 0;
    r.quiet = prog.flags().quiet;
    r.verbose = prog.flags().verbose;
    nemo::Exporter exporter(r);  // a bad flag or output path is refused before any request
    nemo::Api api = prog.MakeApi(ctx);
    nemo::SetSession(ctx, api.config().api_base, r.session_id);
    nemo::Journal journal(nemo::JournalDir());
    nemo::ExportResult result = exporter.Run(api, journal);
    ctx.update(result.context);
    // The target as the make rule names it: -o's value, else the name the video was given.
    std::string target =
        r.output_given && r.output != "-" ? r.output : ctx.value("file", prog.flags().context_out);
    nemo::WriteDepfile(depfile, target, nemo::ContextInputs(ctx));
    // stdout carried the video; there is no room for a context there (-O FILE has room).
    if (result.video_on_stdout && prog.flags().context_out.empty()) return 0;
    prog.WriteContext(ctx);
    return 0;
  });
}
