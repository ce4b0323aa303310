// nemo-auth: makes sure a token exists and tells what is known about it, without ever showing it
// (except `nemo-auth token`, for scripts that ask on purpose).
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <string>

#include "cli.h"
#include "context.h"
#include "error.h"
#include "ledger.h"

namespace {

nlohmann::json CreditsOf(nemo::Api& api) {
  nlohmann::json data = api.Get(nemo::paths::kCredits);
  nlohmann::json credits = nlohmann::json::object();
  for (const char* key : {"available", "frozen", "total"}) {
    if (data.contains(key)) credits[key] = data[key];
  }
  return credits;
}

// A registered token arrives on stdin (never argv); a trailing newline is not part of it.
std::string ReadTokenFromStdin() {
  if (isatty(STDIN_FILENO) == 1) {
    std::fputs("Paste the token, then press Enter: ", stderr);
  }
  std::string token;
  std::getline(std::cin, token);
  while (!token.empty() && (token.back() == '\r' || token.back() == ' ')) token.pop_back();
  if (token.empty()) throw nemo::Error(nemo::kExitUsage, "no token on stdin");
  for (unsigned char c : token) {
    if (c < 0x21 || c == 0x7f) {
      throw nemo::Error(nemo::kExitUsage,
                        "the token on stdin contains whitespace or control characters");
    }
  }
  return token;
}

}  // namespace

int main(int argc, char** argv) {
  nemo::Program prog("nemo-auth", "Get, inspect and forget the NemoVideo token",
                     "nemo-auth | nemo-session --name promo | nemo-send \"a 10-second clip\"");
  auto& app = prog.app();
  app.require_subcommand(0, 1);
  bool with_token = false;
  auto* login = app.add_subcommand("login", "Ensure a valid token (the default)");
  login->add_flag("--with-token", with_token, "Read a registered token from stdin and store it");
  auto* status =
      app.add_subcommand("status", "Is the token valid? When does it expire? Which API?");
  auto* credits = app.add_subcommand("credits", "Credits available, frozen by running work, total");
  auto* token =
      app.add_subcommand("token", "Print the raw token (for scripts that ask on purpose)");
  auto* logout =
      app.add_subcommand("logout", "Remove the stored token for this API (keeps the client id)");

  prog.set_context_on_stdout([&] { return !token->parsed(); });  // the token alone
  return prog.Run(argc, argv, [&] {
    // `login --with-token` reads the token from stdin, so stdin carries no context then.
    nlohmann::json ctx = with_token ? nlohmann::json::object() : prog.ReadContext();
    nemo::Api api = prog.MakeApi(ctx);
    const nemo::Config& config = api.config();
    nemo::SetApi(ctx, config.api_base);

    if (logout->parsed()) {
      bool removed = nemo::RemoveCredentials(config.config_dir, config.api_base);
      prog.Note(removed ? "removed the stored token for " + config.api_base
                        : "no stored token for " + config.api_base);
      ctx["logged_out"] = removed;
      prog.WriteContext(ctx);
      return 0;
    }

    if (status->parsed()) {
      // Reports without acquiring anything: status must be safe to run at any time.
      nlohmann::json st = {{"api", config.api_base}};
      std::optional<nemo::Credentials> stored;
      bool from_env = config.environment_token && std::getenv("NEMO_TOKEN") != nullptr;
      if (!from_env) stored = api.StoredCredentials();
      st["token_source"] = from_env ? "environment" : stored ? "stored" : "none";
      if (stored) {
        // Unknown is null, not "" (a registered token comes with no user id or expiry).
        auto known = [](const std::string& v) {
          return v.empty() ? nlohmann::json() : nlohmann::json(v);
        };
        st["user_id"] = known(stored->user_id);
        st["expires_at"] = known(stored->expires_at);
        st["kind"] = known(stored->kind);
      }
      bool valid = false;
      if (from_env || (stored && !nemo::IsExpired(*stored))) {
        try {
          st["credits"] = CreditsOf(api);
          valid = true;
        } catch (const nemo::Error& e) {
          if (e.exit_code() != nemo::kExitAuth) throw;
          st["error"] = e.what();
        }
      }
      st["valid"] = valid;
      ctx["auth"] = st;
      prog.WriteContext(ctx);
      return valid ? 0 : static_cast<int>(nemo::kExitAuth);
    }

    if (token->parsed()) {
      if (!prog.flags().context_out.empty()) {
        throw nemo::Error(nemo::kExitUsage,
                          "-O writes a context; `nemo-auth token` prints no context");
      }
      // The one place the token is printed, because the user asked for it.
      std::printf("%s\n", api.Token().c_str());
      std::fflush(stdout);
      return 0;
    }

    if (with_token) {
      std::string registered = ReadTokenFromStdin();
      api.UseToken(registered);  // checked as-is, never replaced
      nlohmann::json balance;
      try {
        balance = CreditsOf(api);
      } catch (const nemo::Error& e) {
        if (e.exit_code() != nemo::kExitAuth) throw;
        // The library's hint (run nemo-auth) is no help for the token being checked.
        throw nemo::Error(
            e.exit_code(), std::string("the token on stdin was refused: ") + e.what(),
            "check that it is a registered token for " + config.api_base + " (nothing was stored)",
            e.api_code(), e.http_status());
      }
      nemo::Credentials c;
      c.api = config.api_base;
      c.token = registered;
      c.kind = "registered";
      nemo::StoreCredentials(config.config_dir, c);
      ctx["credits"] = balance;
      ctx["token_source"] = "stored";
      prog.Note("stored the registered token for " + config.api_base);
      prog.WriteContext(ctx);
      return 0;
    }

    if (credits->parsed()) {
      ctx["credits"] = CreditsOf(api);
      // What the build's ledger holds against the balance: parallel jobs' reservations, the cap.
      nlohmann::json available = ctx["credits"].value("available", nlohmann::json());
      nlohmann::json ledger = nemo::Ledger::ForThisBuild().Status(
          available.is_number_integer() ? std::optional(available.get<long long>()) : std::nullopt);
      for (const char* key : {"reserved", "spent", "cap", "reservations"}) {
        ctx["credits"][key] = ledger[key];
      }
      ctx["credits"]["ledger"] = ledger["file"];
      prog.WriteContext(ctx);
      return 0;
    }

    // login (the default): a valid token, and what is known about it.
    api.Token();
    const nemo::Credentials& c = api.credentials();
    ctx["client_id"] =
        c.client_id.empty() ? nemo::LoadOrCreateClientId(config.config_dir) : c.client_id;
    if (!c.user_id.empty()) ctx["user_id"] = c.user_id;
    if (!c.expires_at.empty()) ctx["expires_at"] = c.expires_at;
    ctx["token_source"] = nemo::TokenSourceName(api.token_source());
    ctx["credits"] = CreditsOf(api);
    prog.WriteContext(ctx);
    return 0;
  });
}
