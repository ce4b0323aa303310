// Inputs make can see. Each program adds the local files that went into its output to the
// context ("inputs": the -f documents, the uploaded files), so the last stage knows all of them,
// and -M FILE writes them as a make depfile, as `gcc -MD -MP` does: "TARGET: INPUT…" and an empty
// rule per input, so that a deleted input rebuilds the target instead of stopping make.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace nemo {

// The context's "inputs" (none when absent or not an array of strings).
std::vector<std::string> ContextInputs(const nlohmann::json& context);

// Appends `paths` to the context's "inputs", each once, in order.
void AddInputs(nlohmann::json& context, const std::vector<std::string>& paths);

// "TARGET: A B\n\nA:\n\nB:\n", each name escaped for make (spaces, '#', '$', ':').
std::string DepfileText(const std::string& target, const std::vector<std::string>& inputs);

// Error(kExitUsage) when -M `depfile` is given without a target name (empty or "-"): a depfile
// needs the name of what it describes. Checked before any work, and again by WriteDepfile.
void CheckDepfileTarget(const std::string& depfile, const std::string& target);

// Writes DepfileText atomically (a make that reads it never sees half of it); nothing when
// `depfile` is empty.
void WriteDepfile(const std::filesystem::path& depfile, const std::string& target,
                  const std::vector<std::string>& inputs);

}  // namespace nemo
