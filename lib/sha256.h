// A streaming SHA-256 (OpenSSL's EVP interface): feed bytes as they pass by (a download being
// written, a file being uploaded) and read the digest at the end. Memory does not grow with input.
#pragma once

#include <string>
#include <string_view>

namespace nemo {

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void Update(std::string_view bytes);
  // Lower-case hex digest of everything fed so far; Update may continue afterwards.
  std::string HexDigest() const;
  // Back to the digest of nothing (a download that restarts from byte 0).
  void Reset();

 private:
  void* ctx_;  // EVP_MD_CTX*
};

// The digest of a string, and of a file read in chunks (Error(kExitUsage) if it cannot be read).
std::string Sha256Hex(std::string_view bytes);
std::string Sha256OfFile(const std::string& path);

}  // namespace nemo
