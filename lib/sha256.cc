#include "sha256.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "error.h"

namespace nemo {
namespace {

EVP_MD_CTX* Ctx(void* p) { return static_cast<EVP_MD_CTX*>(p); }

}  // namespace

Sha256::Sha256() : ctx_(EVP_MD_CTX_new()) {
  if (!ctx_) throw Error(kExitInternal, "cannot allocate a SHA-256 context");
  Reset();
}

Sha256::~Sha256() { EVP_MD_CTX_free(Ctx(ctx_)); }

void Sha256::Reset() {
  if (EVP_DigestInit_ex(Ctx(ctx_), EVP_sha256(), nullptr) != 1) {
    throw Error(kExitInternal, "cannot initialise SHA-256");
  }
}

void Sha256::Update(std::string_view bytes) {
  if (bytes.empty()) return;
  if (EVP_DigestUpdate(Ctx(ctx_), bytes.data(), bytes.size()) != 1) {
    throw Error(kExitInternal, "SHA-256 update failed");
  }
}

std::string Sha256::HexDigest() const {
  // Finalise a copy, so that the running digest can go on.
  EVP_MD_CTX* copy = EVP_MD_CTX_new();
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  bool ok = copy && EVP_MD_CTX_copy_ex(copy, Ctx(ctx_)) == 1 &&
            EVP_DigestFinal_ex(copy, digest, &length) == 1;
  EVP_MD_CTX_free(copy);
  if (!ok) throw Error(kExitInternal, "SHA-256 final failed");
  static const char* kHex = "0123456789abcdef";
  std::string out;
  out.reserve(length * 2);
  for (unsigned int i = 0; i < length; ++i) {
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 15]);
  }
  return out;
}

std::string Sha256Hex(std::string_view bytes) {
  Sha256 hasher;
  hasher.Update(bytes);
  return hasher.HexDigest();
}

std::string Sha256OfFile(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw Error(kExitUsage, path + ": cannot open: " + std::strerror(errno));
  Sha256 hasher;
  std::vector<char> buffer(256 * 1024);
  for (;;) {
    ssize_t n = read(fd, buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      close(fd);
      throw Error(kExitUsage, path + ": read failed: " + std::strerror(err));
    }
    if (n == 0) break;
    hasher.Update(std::string_view(buffer.data(), static_cast<std::size_t>(n)));
  }
  close(fd);
  return hasher.HexDigest();
}

}  // namespace nemo
