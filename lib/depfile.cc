#include "depfile.h"

#include <algorithm>

#include "atomic_file.h"
#include "error.h"

namespace nemo {

namespace {

// make's escapes in a rule's names: a space or '#' takes a backslash, '$' doubles, and ':' (a
// drive letter elsewhere; here a name with a colon) takes a backslash.
std::string Escape(const std::string& name) {
  std::string out;
  for (char c : name) {
    if (c == ' ' || c == '#' || c == ':' || c == '\\') out += '\\';
    if (c == '$') out += '$';
    out += c;
  }
  return out;
}

}  // namespace

std::vector<std::string> ContextInputs(const nlohmann::json& context) {
  std::vector<std::string> inputs;
  auto it = context.find("inputs");
  if (it == context.end() || !it->is_array()) return inputs;
  for (const auto& v : *it) {
    if (v.is_string()) inputs.push_back(v.get<std::string>());
  }
  return inputs;
}

void AddInputs(nlohmann::json& context, const std::vector<std::string>& paths) {
  std::vector<std::string> inputs = ContextInputs(context);
  for (const auto& p : paths) {
    if (std::find(inputs.begin(), inputs.end(), p) == inputs.end()) inputs.push_back(p);
  }
  if (!inputs.empty()) context["inputs"] = inputs;
}

std::string DepfileText(const std::string& target, const std::vector<std::string>& inputs) {
  std::string text = Escape(target) + ":";
  for (const auto& input : inputs) text += " " + Escape(input);
  text += "\n";
  for (const auto& input : inputs) text += "\n" + Escape(input) + ":\n";
  return text;
}

void CheckDepfileTarget(const std::string& depfile, const std::string& target) {
  if (depfile.empty() || (!target.empty() && target != "-")) return;
  throw Error(kExitUsage, "-M " + depfile + ": a depfile needs the target's name",
              "name the output with -O FILE (nemo-export: -o FILE), as the make rule does");
}

void WriteDepfile(const std::filesystem::path& depfile, const std::string& target,
                  const std::vector<std::string>& inputs) {
  if (depfile.empty()) return;
  CheckDepfileTarget(depfile.string(), target);
  ReplaceFileAtomically(depfile, DepfileText(target, inputs), DefaultFileMode(), kExitUsage);
}

}  // namespace nemo
