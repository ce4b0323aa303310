// Type sniffing: a file is sent only when its extension and its first bytes agree.
#include "media_type.h"

#include <sys/stat.h>

#include <gtest/gtest.h>

#include <string>

namespace nemo {
namespace {

std::string Bytes(std::initializer_list<unsigned char> b) {
  return std::string(b.begin(), b.end());
}

bool Sniff(const char* ext, std::string_view head) {
  const MediaType* t = MediaTypeForExtension(ext);
  EXPECT_NE(t, nullptr) << ext;
  return t && SniffMatches(*t, head);
}
// String literals keep their embedded NUL bytes (a const char* would stop at the first).
template <std::size_t N>
bool Sniff(const char* ext, const char (&head)[N]) {
  return Sniff(ext, std::string_view(head, N - 1));
}
bool Sniff(const char* ext, const std::string& head) { return Sniff(ext, std::string_view(head)); }
template <std::size_t N>
std::string Describe(const char (&head)[N]) {
  return DescribeContent(std::string_view(head, N - 1));
}
std::string Describe(const std::string& head) { return DescribeContent(head); }

// The extension is taken from the base name, lower-cased, without the dot.
TEST(MediaTypeTest, ExtensionOfIgnoresCaseAndDirectories) {
  EXPECT_EQ(ExtensionOf("Clip.MP4"), "mp4");
  EXPECT_EQ(ExtensionOf("dir.v2/noext"), "");
  EXPECT_EQ(ExtensionOf(".png"), "");
  EXPECT_EQ(ExtensionOf("a.tar.gz"), "gz");
}

// Exactly the documented types (plus .jpeg) are supported, with their kind and MIME type.
TEST(MediaTypeTest, SupportedExtensions) {
  for (const char* e : {"mp4", "mov", "avi", "webm", "mkv"})
    EXPECT_EQ(MediaTypeForExtension(e)->kind, "video") << e;
  for (const char* e : {"jpg", "jpeg", "png", "gif", "webp"})
    EXPECT_EQ(MediaTypeForExtension(e)->kind, "image") << e;
  for (const char* e : {"mp3", "wav", "m4a", "aac"})
    EXPECT_EQ(MediaTypeForExtension(e)->kind, "audio") << e;
  EXPECT_EQ(MediaTypeForExtension(".PNG")->mime, "image/png");
  for (const char* e : {"txt", "pdf", "flv", "", "mp"})
    EXPECT_EQ(MediaTypeForExtension(e), nullptr);
  EXPECT_TRUE(HasSupportedExtension("x/Photo.JPG"));
  EXPECT_FALSE(HasSupportedExtension("notes.txt"));
}

// Each format's own signature is accepted.
TEST(MediaTypeTest, MagicNumbersMatchTheirExtension) {
  std::string ftyp = Bytes({0, 0, 0, 0x18}) + "ftypisom";
  EXPECT_TRUE(Sniff("mp4", ftyp));
  EXPECT_TRUE(Sniff("mov", Bytes({0, 0, 0, 0x14}) + "ftypqt  "));
  EXPECT_TRUE(Sniff("mov", Bytes({0, 0, 0, 8}) + "wide"));
  EXPECT_TRUE(Sniff("m4a", Bytes({0, 0, 0, 0x20}) + "ftypM4A "));
  EXPECT_TRUE(Sniff("avi", "RIFF\x10\0\0\0AVI LIST"));
  EXPECT_TRUE(Sniff("webm", "\x1a\x45\xdf\xa3\x9f"));
  EXPECT_TRUE(Sniff("mkv", "\x1a\x45\xdf\xa3\x9f"));
  EXPECT_TRUE(Sniff("jpg", "\xff\xd8\xff\xe0"));
  EXPECT_TRUE(Sniff("jpeg", "\xff\xd8\xff\xdb"));
  EXPECT_TRUE(Sniff("png", "\x89PNG\r\n\x1a\n\0\0"));
  EXPECT_TRUE(Sniff("gif", "GIF89a\x40\0"));
  EXPECT_TRUE(Sniff("gif", "GIF87a"));
  EXPECT_TRUE(Sniff("webp", "RIFF\x10\0\0\0WEBPVP8 "));
  EXPECT_TRUE(Sniff("mp3", "ID3\x04\0"));
  EXPECT_TRUE(Sniff("mp3", "\xff\xfb\x90\x64"));
  EXPECT_TRUE(Sniff("mp3", "\xff\xe3\x18"));
  EXPECT_TRUE(Sniff("wav", "RIFF\x24\0\0\0WAVEfmt "));
  EXPECT_TRUE(Sniff("aac", "\xff\xf1\x50\x80"));
  EXPECT_TRUE(Sniff("aac", "\xff\xf9\x50\x80"));
}

// A file whose bytes belong to another format (or to none) is refused.
TEST(MediaTypeTest, ForeignContentIsRefused) {
  EXPECT_FALSE(Sniff("mp4", "hello, world\n"));
  EXPECT_FALSE(Sniff("mp4", "\x89PNG\r\n\x1a\n"));
  EXPECT_FALSE(Sniff("png", "\xff\xd8\xff\xe0"));
  EXPECT_FALSE(Sniff("webp", "RIFF\x24\0\0\0WAVEfmt "));  // RIFF, but a WAV
  EXPECT_FALSE(Sniff("wav", "RIFF\x10\0\0\0AVI LIST"));
  EXPECT_FALSE(Sniff("avi", "RIFF\x10\0\0\0WEBPVP8 "));
  EXPECT_FALSE(Sniff("mkv", "GIF89a"));
  EXPECT_FALSE(Sniff("gif", "GIF90a"));
  EXPECT_FALSE(Sniff("aac", "\xff\xfb\x90\x64"));  // an MP3 frame (layer III), not ADTS
  EXPECT_FALSE(Sniff("mp3", "\xfe\xff"));
  EXPECT_FALSE(Sniff("jpg", "\xff\xd8"));  // cut short
  EXPECT_FALSE(Sniff("mp4", ""));
}

// The refusal message says what the content looks like instead.
// A download in a known format must start the way it starts; ISO media with any top-level box.
TEST(MediaTypeTest, ContentFitsFormatChecksDownloads) {
  EXPECT_TRUE(ContentFitsFormat("mp4", Bytes({0, 0, 0, 0x18}) + "ftypisom"));
  EXPECT_TRUE(ContentFitsFormat("mp4", Bytes({0, 0, 0, 0x08}) + "free"));
  EXPECT_TRUE(ContentFitsFormat("mp4", Bytes({0, 0, 0x10, 0}) + "mdat"));
  EXPECT_FALSE(ContentFitsFormat("mp4", "Forbidden\n"));
  EXPECT_FALSE(ContentFitsFormat("mp4", "session not found"));
  EXPECT_FALSE(ContentFitsFormat("mp4", Bytes({0x1a, 0x45, 0xdf, 0xa3})));
  EXPECT_TRUE(ContentFitsFormat("webm", Bytes({0x1a, 0x45, 0xdf, 0xa3})));
  EXPECT_TRUE(ContentFitsFormat("", "anything"));        // no format: nothing to check
  EXPECT_TRUE(ContentFitsFormat("prores", "anything"));  // a format this table does not know
}

TEST(MediaTypeTest, DescribeContentNamesWhatItSees) {
  EXPECT_EQ(Describe("hello, world\n"), "text");
  EXPECT_EQ(Describe("<html><body>"), "text");
  EXPECT_EQ(Describe("\x89PNG\r\n\x1a\n"), "PNG");
  EXPECT_EQ(Describe(Bytes({0, 0, 0, 0x20}) + "ftypM4A "), "M4A");
  EXPECT_EQ(Describe(Bytes({0, 0, 0, 0x18}) + "ftypisom"), "MP4");
  EXPECT_EQ(Describe("%PDF-1.7"), "PDF");
  EXPECT_EQ(Describe(Bytes({0x00, 0x01, 0x02, 0x03})), "");
}

// The one namer of what a path is when it is not a regular file (upload's refusals, the
// download's target).
TEST(FileKindOf, NamesEachKindOfFile) {
  EXPECT_EQ(FileKindOf(S_IFDIR | 0755), "a directory");
  EXPECT_EQ(FileKindOf(S_IFIFO | 0644), "a FIFO");
  EXPECT_EQ(FileKindOf(S_IFCHR | 0666), "a character device");
  EXPECT_EQ(FileKindOf(S_IFBLK | 0660), "a block device");
  EXPECT_EQ(FileKindOf(S_IFSOCK | 0755), "a socket");
  EXPECT_EQ(FileKindOf(S_IFLNK | 0777), "a symbolic link");
}

}  // namespace
}  // namespace nemo
