// nemo-video: the git-style front door. `nemo-video send …` runs `nemo-send …` (exec, so exit
// codes and signals pass through unchanged); `nemo-video help` lists the commands. Not `nemo`:
// Debian's Cinnamon file manager owns /usr/bin/nemo and nemo.1.
#include <limits.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "http.h"
#include "text.h"

namespace {

struct Command {
  const char* name;
  const char* summary;
};

constexpr Command kCommands[] = {
    {"auth", "get, inspect and forget the token; credits"},
    {"session", "create a session; print its browser link"},
    {"upload", "upload images, clips and music (streamed, checked)"},
    {"send", "send one message and follow the run to its end"},
    {"state", "read the session state: draft, track summary, readiness"},
    {"export", "render the draft and download the MP4 safely"},
    {"sandbox", "a local server that speaks the same API (offline, tests)"},
};

std::string SelfDir() {
  char buf[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return "";
  buf[n] = 0;
  return std::filesystem::path(buf).parent_path().string();
}

void PrintHelp(std::FILE* out) {
  std::fprintf(out,
               "usage: nemo-video <command> [<args>...]\n"
               "       nemo-video help | --help | --version\n\n"
               "Turn text, images and clips into videos through the NemoVideo API.\n"
               "Each command is also a program of its own (nemo-<command>).\n\n"
               "Commands:\n");
  for (const auto& c : kCommands) std::fprintf(out, "  %-9s %s\n", c.name, c.summary);
  std::fprintf(out,
               "\nExample:\n"
               "  nemo-video auth | nemo-video session --name promo \\\n"
               "    | nemo-video send \"a 10-second clip\" | nemo-video export -o promo.mp4\n\n"
               "See nemo-video(7) for the pipeline contract, exit codes and files.\n");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    PrintHelp(stderr);
    return 2;
  }
  std::string cmd = argv[1];
  if (cmd == "help" || cmd == "--help" || cmd == "-h") {
    if (argc > 2) {
      // `nemo-video help send` is `nemo-send --help`.
      cmd = argv[2];
      std::vector<char*> args = {argv[0], argv[2], const_cast<char*>("--help"), nullptr};
      argv = args.data();
      argc = 3;
      (void)argc;
      std::string prog = "nemo-" + cmd;
      std::string local = SelfDir() + "/" + prog;
      args[0] = prog.data();
      if (access(local.c_str(), X_OK) == 0) execv(local.c_str(), args.data() + 0);
      execvp(prog.c_str(), args.data());
      std::fprintf(stderr,
                   "nemo-video: %s: not a command\nhint: run `nemo-video help` for the list\n",
                   cmd.c_str());
      return 2;
    }
    PrintHelp(stdout);
    return 0;
  }
  if (cmd == "--version") {
    std::printf("nemo-video %s (%s)\n", NEMO_VERSION, nemo::CurlVersion().c_str());
    for (const auto& c : kCommands) std::printf("  nemo-%-8s %s\n", c.name, c.summary);
    return 0;
  }
  if (cmd.empty() || cmd[0] == '-' || cmd.find('/') != std::string::npos) {
    std::fprintf(stderr, "nemo-video: %s: unknown option\nhint: run `nemo-video help`\n",
                 cmd.c_str());
    return 2;
  }
  std::string prog = "nemo-" + cmd;
  std::vector<char*> args;
  args.push_back(prog.data());
  for (int i = 2; i < argc; ++i) args.push_back(argv[i]);
  args.push_back(nullptr);
  // The program next to this one first, so an uninstalled build tree runs its own programs.
  std::string local = SelfDir() + "/" + prog;
  if (access(local.c_str(), X_OK) == 0) execv(local.c_str(), args.data());
  execvp(prog.c_str(), args.data());
  if (errno != ENOENT) {
    std::fprintf(stderr, "nemo-video: cannot run %s: %s\n", prog.c_str(), std::strerror(errno));
    return 1;
  }
  std::vector<std::string> names;
  for (const auto& c : kCommands) names.emplace_back(c.name);
  std::string suggestion = nemo::ClosestMatch(cmd, names);
  std::fprintf(stderr, "nemo-video: %s: not a command\n", cmd.c_str());
  if (suggestion.empty()) {
    std::fprintf(stderr, "hint: run `nemo-video help` for the list\n");
  } else {
    std::fprintf(stderr, "hint: did you mean 'nemo-video %s'?\n", suggestion.c_str());
  }
  return 2;
}
