// The streaming SHA-256: known vectors, any chunking gives the same digest, the digest can be
// read mid-stream, and files hash like their bytes.
#include "sha256.h"

#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "error.h"
#include "test_server.h"

TEST(Sha256, EmptyInputHasTheStandardDigest) {
  nemo::Sha256 h;
  EXPECT_EQ(h.HexDigest(), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(Sha256, AbcHasTheStandardDigest) {
  EXPECT_EQ(nemo::Sha256Hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Sha256, ChunkingDoesNotChangeTheDigest) {
  std::string data;
  for (unsigned i = 0; i < 300000; ++i) data.push_back(static_cast<char>((i * 7919u) & 0xff));
  nemo::Sha256 pieces;
  std::size_t at = 0, step = 1;
  while (at < data.size()) {
    std::size_t n = std::min(step, data.size() - at);
    pieces.Update(std::string_view(data).substr(at, n));
    at += n;
    step = step * 3 + 1;
  }
  EXPECT_EQ(pieces.HexDigest(), nemo::Sha256Hex(data));
}

TEST(Sha256, ReadingTheDigestLetsTheStreamContinue) {
  nemo::Sha256 h;
  h.Update("a");
  EXPECT_EQ(h.HexDigest(), nemo::Sha256Hex("a"));
  h.Update("bc");
  EXPECT_EQ(h.HexDigest(), nemo::Sha256Hex("abc"));
}

TEST(Sha256, ResetStartsOver) {
  nemo::Sha256 h;
  h.Update("garbage");
  h.Reset();
  h.Update("abc");
  EXPECT_EQ(h.HexDigest(), nemo::Sha256Hex("abc"));
}

TEST(Sha256, FileDigestEqualsTheDigestOfItsBytes) {
  nemo_test::TempDir tmp;
  std::string data(1 << 20, 'x');
  data += "tail";
  std::ofstream(tmp.path / "f.bin", std::ios::binary) << data;
  EXPECT_EQ(nemo::Sha256OfFile((tmp.path / "f.bin").string()), nemo::Sha256Hex(data));
}

TEST(Sha256, MissingFileIsAUsageError) {
  try {
    nemo::Sha256OfFile("/nonexistent/nemo-file");
    FAIL();
  } catch (const nemo::Error& e) {
    EXPECT_EQ(e.exit_code(), nemo::kExitUsage);
  }
}
