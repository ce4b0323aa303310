// nemo: the git-style front door. `nemo send …` runs `nemo-send …` (exec, so exit codes and
// signals pass through unchanged); `nemo help` lists the commands.
#include <limits.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "http.h"

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
               "usage: nemo <command> [<args>...]\n"
               "       nemo help | --help | --version\n\n"
               "Turn text, images and clips into videos through the NemoVideo API.\n"
               "Each command is also a program of its own (nemo-<command>).\n\n"
               "Commands:\n");
  for (const auto& c : kCommands) std::fprintf(out, "  %-9s %s\n", c.name, c.summary);
  std::fprintf(out,
               "\nExample:\n"
               "  nemo auth | nemo session --name promo | nemo send \"a 10-second clip\" \\\n"
               "    | nemo export -o promo.mp4\n\n"
               "See nemo(7) for the pipeline contract, exit codes and files.\n");
}

// Levenshtein distance, for "did you mean …?".
std::size_t Distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t prev = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t cur = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] == b[j - 1] ? 0 : 1)});
      prev = cur;
    }
  }
  return row[b.size()];
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
      // `nemo help send` is `nemo-send --help`.
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
      std::fprintf(stderr, "nemo: '%s' is not a nemo command. See 'nemo help'.\n", cmd.c_str());
      return 2;
    }
    PrintHelp(stdout);
    return 0;
  }
  if (cmd == "--version") {
    std::printf("nemo %s (%s)\n", NEMO_VERSION, nemo::CurlVersion().c_str());
    for (const auto& c : kCommands) std::printf("  nemo-%-8s %s\n", c.name, c.summary);
    return 0;
  }
  if (cmd.empty() || cmd[0] == '-' || cmd.find('/') != std::string::npos) {
    std::fprintf(stderr, "nemo: unknown option '%s'\nhint: run `nemo help`\n", cmd.c_str());
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
    std::fprintf(stderr, "nemo: cannot run %s: %s\n", prog.c_str(), std::strerror(errno));
    return 1;
  }
  std::fprintf(stderr, "nemo: '%s' is not a nemo command. See 'nemo help'.\n", cmd.c_str());
  for (const auto& c : kCommands) {
    if (Distance(cmd, c.name) <= 2) std::fprintf(stderr, "hint: did you mean 'nemo %s'?\n", c.name);
  }
  return 2;
}
