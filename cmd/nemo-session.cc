// nemo-session: creates a session (the workspace a video is made in), or prints its browser link.
#include <cstdlib>
#include <string>
#include <vector>

#include "cli.h"
#include "context.h"
#include "error.h"

int main(int argc, char** argv) {
  nemo::Program prog("nemo-session", "Create a NemoVideo session, or print its browser link",
                     "nemo-auth | nemo-session --name promo | jq -r .session_id");
  auto& app = prog.app();
  app.require_subcommand(0, 1);
  std::string name = "project", language = "en", session, task;
  auto* create = app.add_subcommand("new", "Create a session (the default)");
  std::vector<CLI::Option*> name_options;
  for (CLI::App* cmd : {&app, create}) {
    name_options.push_back(cmd->add_option("--name", name, "Project name shown in the web app")
                               ->type_name("<name>")
                               ->capture_default_str());
    cmd->add_option("--language", language, "Language of the agent's replies")
        ->type_name("<code>")
        ->capture_default_str();
  }
  auto* link = app.add_subcommand("link", "Add the browser link (a claim token, never the bearer)");
  link->add_option("--session", session, "Session id (default: the context's session_id)")
      ->type_name("<id>");
  link->add_option("--task", task, "Task id of that session (default: the context's task_id)")
      ->type_name("<id>");

  return prog.Run(argc, argv, [&] {
    nlohmann::json ctx = prog.ReadContext();
    nemo::Api api = prog.MakeApi(ctx);

    if (link->parsed()) {
      std::string sid = nemo::RequireSessionId(session, ctx);
      // A claim token is for a task and its session together: the server refuses (400) an empty
      // task id, or the context's when --session names another session.
      std::string task_id = task;
      if (task_id.empty() && nemo::ContextString(ctx, "session_id") == sid) {
        task_id = nemo::ContextString(ctx, "task_id").value_or("");
      }
      if (task_id.empty()) {
        throw nemo::Error(nemo::kExitUsage, "link: no task id for session " + sid,
                          "pipe in the context nemo-session printed when it made the session "
                          "(it has the task_id), or give --task <id>");
      }
      nlohmann::json data =
          api.Post(nemo::paths::kClaimToken, {{"task_id", task_id}, {"session_id", sid}});
      std::string claim = data.value("claim_token", "");
      if (claim.empty())
        throw nemo::Error(nemo::kExitBadResponse, "the claim-token reply has no claim_token");
      nemo::SetSession(ctx, api.config().api_base, sid);
      ctx["link"] = api.config().web_base + "/workspace/claim?ct=" + nemo::EscapePathSegment(claim);
      // A server that serves the claim page itself (nemo-sandbox) names it in claim_url. Taken
      // only on the API's own origin (the bearer token's host already) and when NEMO_WEB_URL
      // does not name the web app on purpose.
      std::string offered = data.value("claim_url", "");
      const char* web = std::getenv("NEMO_WEB_URL");
      if ((!web || !*web) && offered.rfind(api.config().api_base + "/", 0) == 0) {
        ctx["link"] = offered;
      }
      prog.WriteContext(ctx);
      return 0;
    }

    if (name.empty()) throw nemo::Error(nemo::kExitUsage, "--name must not be empty");
    nlohmann::json data =
        api.Post(nemo::paths::kCreateSession, {{"task_name", name}, {"language", language}});
    std::string sid = data.value("session_id", "");
    if (sid.empty())
      throw nemo::Error(nemo::kExitBadResponse, "the session reply has no session_id");
    nemo::StartNewSession(ctx, api.config().api_base, sid);
    // A name the user chose names what comes of the session (nemo-export's promo.mp4); the
    // default one does not, and a name from an earlier session does not carry over.
    ctx.erase("session_name");
    for (const CLI::Option* option : name_options) {
      if (option->count() > 0) ctx["session_name"] = name;
    }
    if (data.contains("task_id")) ctx["task_id"] = data["task_id"];
    if (data.contains("user_id")) ctx["user_id"] = data["user_id"];
    prog.WriteContext(ctx);
    return 0;
  });
}
