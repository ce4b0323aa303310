// Finished renders kept by what produced them (--render-cache DIR), so that a draft rendered
// again, by this sandbox or another one sharing the directory, is linked instead of encoded
// again. The renderer is a function of its ffmpeg command and its inputs: the key is the
// command with the job's own paths taken out, the title text, and the bytes of every input file.
// The test suite shares one directory between its sandboxes, where most renders repeat.
#pragma once

#include <string>

#include "render.h"

namespace sandbox {

class RenderCache {
 public:
  explicit RenderCache(std::string dir) : dir_(std::move(dir)) {}  // "": no cache

  bool enabled() const { return !dir_.empty(); }
  // `out` and `work` are the paths BuildRender was given for this job.
  std::string Key(const RenderCommand& cmd, const std::string& out, const std::string& work) const;
  // Links (or copies) the render kept under `key` to `out`; false when there is none.
  bool Fetch(const std::string& key, const std::string& out) const;
  // Keeps `out` under `key` (atomically: a concurrent Fetch sees all of it or nothing).
  void Keep(const std::string& key, const std::string& out) const;

 private:
  std::string dir_;
};

// `to` becomes the same file as `from` (a hard link, else a copy); false when neither works.
bool LinkOrCopy(const std::string& from, const std::string& to);

}  // namespace sandbox
