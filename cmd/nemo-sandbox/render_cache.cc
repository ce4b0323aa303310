#include "render_cache.h"

#include <openssl/evp.h>
#include <unistd.h>

#include <array>
#include <filesystem>
#include <fstream>
#include <memory>

namespace sandbox {
namespace fs = std::filesystem;

namespace {

class Digest {
 public:
  Digest() : ctx_(EVP_MD_CTX_new(), EVP_MD_CTX_free) {
    EVP_DigestInit_ex(ctx_.get(), EVP_sha256(), nullptr);
  }
  // Each part is length-prefixed, so that ("ab","c") and ("a","bc") differ.
  void Part(const std::string& s) {
    std::string size = std::to_string(s.size()) + ":";
    EVP_DigestUpdate(ctx_.get(), size.data(), size.size());
    EVP_DigestUpdate(ctx_.get(), s.data(), s.size());
  }
  void File(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::array<char, 1 << 16> buffer;
    while (in.read(buffer.data(), buffer.size()) || in.gcount() > 0) {
      EVP_DigestUpdate(ctx_.get(), buffer.data(), static_cast<size_t>(in.gcount()));
    }
  }
  std::string Hex() {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_DigestFinal_ex(ctx_.get(), md, &len);
    static const char* kHex = "0123456789abcdef";
    std::string out;
    for (unsigned int i = 0; i < len; ++i) {
      out += kHex[md[i] >> 4];
      out += kHex[md[i] & 15];
    }
    return out;
  }

 private:
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx_;
};

// `s` with every occurrence of `from` replaced by `to`.
std::string ReplaceAll(std::string s, const std::string& from, const std::string& to) {
  if (from.empty()) return s;
  for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) {
    s.replace(at, from.size(), to);
  }
  return s;
}

}  // namespace

bool LinkOrCopy(const std::string& from, const std::string& to) {
  std::error_code ec;
  fs::remove(to, ec);
  fs::create_hard_link(from, to, ec);
  if (ec) fs::copy_file(from, to, fs::copy_options::overwrite_existing, ec);
  return !ec;
}

std::string RenderCache::Key(const RenderCommand& cmd, const std::string& out,
                             const std::string& work) const {
  Digest d;
  for (size_t i = 0; i < cmd.argv.size(); ++i) {
    const std::string& arg = cmd.argv[i];
    if (i > 0 && cmd.argv[i - 1] == "-i" && fs::is_regular_file(arg)) {
      d.Part("<input>");  // an upload: what counts is its bytes, not where this sandbox keeps it
      d.File(arg);
      continue;
    }
    d.Part(ReplaceAll(ReplaceAll(arg, out, "<out>"), work, "<work>"));
  }
  d.Part(cmd.title_text);
  return d.Hex();
}

bool RenderCache::Fetch(const std::string& key, const std::string& out) const {
  std::string kept = dir_ + "/" + key + ".mp4";
  return enabled() && fs::exists(kept) && LinkOrCopy(kept, out);
}

void RenderCache::Keep(const std::string& key, const std::string& out) const {
  if (!enabled()) return;
  std::error_code ec;
  fs::create_directories(dir_, ec);
  std::string tmp = dir_ + "/." + key + "." + std::to_string(getpid()) + ".tmp";
  if (LinkOrCopy(out, tmp)) fs::rename(tmp, dir_ + "/" + key + ".mp4", ec);
  if (ec) fs::remove(tmp, ec);
}

}  // namespace sandbox
