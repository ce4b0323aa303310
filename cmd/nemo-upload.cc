// nemo-upload: put files (streamed from disk, checked first) or URLs into the session, and
// append what the server stored to the context's `uploads`.
#include "cli.h"
#include "context.h"
#include "depfile.h"
#include "error.h"
#include "progress.h"
#include "upload.h"

int main(int argc, char** argv) {
  nemo::Program prog("nemo-upload", "Upload files or URLs into the session",
                     "nemo-auth | nemo-session | nemo-upload a.png b.png clip.mp4 | nemo-send "
                     "\"a video from these\"");
  std::string session;
  std::vector<std::string> files;
  std::vector<std::string> urls;
  std::string max_size = "500MiB";
  int jobs = 0;
  bool progress = false;
  CLI::App& app = prog.app();
  app.add_option("files", files,
                 "Files to upload (video mp4 mov avi webm mkv; image jpg png gif "
                 "webp; audio mp3 wav m4a aac)")
      ->type_name("<file>");
  app.add_option("--url", urls, "Register these http(s) URLs instead of uploading files")
      ->type_name("<url>");
  app.add_option("--session", session, "Session id (default: the context's session_id)")
      ->type_name("<id>");
  app.add_option("--max-size", max_size, "Refuse files larger than this (default 500MiB)")
      ->type_name("<size>");
  app.add_option("-j,--jobs", jobs,
                 "One request per file, this many at once (default: one "
                 "request for all)")
      ->type_name("<n>")
      ->check(CLI::Range(1, 64));
  app.add_flag("--progress", progress, "Show the progress bar even when stderr is not a terminal");
  std::string depfile;
  app.add_option("-M,--depfile", depfile,
                 "Write a make depfile: the -O context depends on the uploaded files (and the "
                 "context's earlier inputs)")
      ->type_name("<file>");

  return prog.Run(argc, argv, [&] {
    if (files.empty() && urls.empty()) {
      throw nemo::Error(nemo::kExitUsage, "no files to upload",
                        "usage: nemo-upload [--session <id>] <file>... | --url <url>...");
    }
    if (!files.empty() && !urls.empty()) {
      throw nemo::Error(nemo::kExitUsage, "give files or --url URLs, not both",
                        "run nemo-upload twice: the second one appends to the uploads");
    }
    nemo::CheckDepfileTarget(depfile, prog.flags().context_out);
    long long limit = nemo::ParseSize(max_size, "--max-size");
    if (limit <= 0) throw nemo::Error(nemo::kExitUsage, "--max-size: must be more than 0");

    nlohmann::json ctx = prog.ReadContext();
    std::string sid = nemo::RequireSessionId(session, ctx);
    if (ctx.contains("uploads") && !ctx["uploads"].is_array() && !ctx["uploads"].is_null()) {
      throw nemo::Error(nemo::kExitUsage, "the context's \"uploads\" is not a list");
    }

    // Every file is checked before a byte is sent: one bad file and nothing is uploaded.
    std::vector<nemo::LocalFile> checked;
    for (const auto& url : urls) nemo::CheckUploadUrl(url);
    if (urls.empty()) checked = nemo::CheckFiles(files, limit);

    nemo::Api api = prog.MakeApi(ctx);
    nlohmann::json added;
    if (urls.empty()) {
      nemo::UploadOptions options;
      options.jobs = jobs;
      options.progress = nemo::ProgressWanted(prog.flags().quiet, progress);
      added = nemo::UploadFiles(api, sid, checked, options);
    } else {
      added = nemo::UploadUrls(api, sid, urls);
    }

    nemo::SetSession(ctx, api.config().api_base, sid);
    if (!ctx.contains("uploads") || !ctx["uploads"].is_array()) {
      ctx["uploads"] = nlohmann::json::array();
    }
    for (auto& entry : added) ctx["uploads"].push_back(entry);
    nemo::AddInputs(ctx, files);
    prog.WriteContext(ctx);
    nemo::WriteDepfile(depfile, prog.flags().context_out, nemo::ContextInputs(ctx));
    return 0;
  });
}
