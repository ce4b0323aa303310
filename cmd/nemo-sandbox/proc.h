// Child processes (ffmpeg, ffprobe, fc-match) without a shell: argv goes to posix_spawnp as is,
// so a file name or a title can never be read as shell syntax.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace sandbox {

// Starts argv[0] (searched on PATH) with stdin from /dev/null and stdout/stderr appended to
// the given files ("" = /dev/null). Returns the pid, or -1 with errno set.
pid_t Spawn(const std::vector<std::string>& argv, const std::string& out_path,
            const std::string& err_path);
// Waits for the child; its exit status, or 128+signal when a signal ended it, or -1.
int Wait(pid_t pid);
// Runs argv to completion and collects its stdout (capped at 4 MiB). True on exit status 0.
bool RunCapture(const std::vector<std::string>& argv, std::string* out);
// True when `name` is an executable on PATH.
bool OnPath(const std::string& name);

}  // namespace sandbox
