// Switchable faults for the tests: set with --fault at start or POST /_sandbox/faults at run time.
// Counter faults (fail_next, html_next, rate_limit_next, flood) are consumed as they fire; the
// others stay until changed or reset.
#pragma once

#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace sandbox {

class Faults {
 public:
  Faults();

  // Merges `patch` in after checking every name and type; on error changes nothing and returns
  // the reason. `expire_tokens` is an action, not a state: it is reported back in *expire.
  std::string Merge(const nlohmann::json& patch, bool* expire);
  // Parses a command-line `NAME[=VALUE]` into a one-key patch; returns "" or the reason.
  static std::string ParseFlag(const std::string& flag, nlohmann::json* patch);

  nlohmann::json Snapshot();
  void Reset();

  bool Flag(const std::string& name);
  int64_t Int(const std::string& name);
  std::string Str(const std::string& name);

  // Decrements a counter fault and says whether it fired for this request.
  bool TakeOne(const std::string& name);
  // Returns a counter fault's value and zeroes it (flood applies to the next run only).
  int64_t TakeAll(const std::string& name);
  // For a download starting now: the byte count after which to break it, or 0.
  int64_t TakeBreak();

  // Every fault's name and one-line description, in the table's order (--list-faults).
  static std::vector<std::pair<std::string, std::string>> List();

 private:
  std::mutex mu_;
  nlohmann::json values_;
};

}  // namespace sandbox
