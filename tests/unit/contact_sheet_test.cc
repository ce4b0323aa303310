// The contact sheet with the real ffmpeg: the path checks made before any work, the absence of
// ffmpeg, and a sheet made of a real short video (skipped where ffmpeg is not installed).
#include "contact_sheet.h"

#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>

#include <gtest/gtest.h>

#include "exit_code.h"
#include "temp_files.h"

namespace nemo {
namespace {

using nemo::testing::ExitOf;
using nemo::testing::HaveProgram;
using nemo::testing::MessageOf;
using nemo::testing::RunIn;
using nemo::testing::TempDir;

TEST(ContactSheetTest, ThePathMustBeAPngInAWritableDirectory) {
  TempDir dir;
  EXPECT_EQ(CheckContactSheetPath(dir.path.string() + "/a.png"), dir.path.string() + "/a.png");
  EXPECT_EQ(ExitOf([&] { CheckContactSheetPath(dir.path.string() + "/a.jpg"); }), kExitUsage);
  EXPECT_EQ(ExitOf([&] { CheckContactSheetPath(".png"); }), kExitUsage);
  EXPECT_EQ(ExitOf([&] { CheckContactSheetPath(dir.path.string() + "/no/a.png"); }), kExitUsage);
  std::filesystem::create_directory(dir.path.string() + "/d.png");
  EXPECT_EQ(MessageOf([&] { CheckContactSheetPath(dir.path.string() + "/d.png"); }),
            dir.path.string() + "/d.png: is a directory");
}

TEST(ContactSheetTest, WithoutFfmpegOnPathTheFlagIsRefusedByName) {
  TempDir empty;
  std::string message;
  {
    nemo_test::ScopedEnv env;
    env.Set("PATH", empty.path.string());
    message = MessageOf([] { RequireFfmpeg("--contact-sheet"); });
  }
  EXPECT_EQ(message, "--contact-sheet needs ffmpeg, which is not installed (not on PATH)");
}

TEST(ContactSheetTest, ASheetOfARealVideoIsAPngGridAndNothingElseIsLeft) {
  if (!HaveProgram("ffmpeg") || !HaveProgram("ffprobe")) GTEST_SKIP() << "no ffmpeg";
  TempDir dir;
  ASSERT_TRUE(RunIn(dir.path.string(),
                    "ffmpeg -v error -f lavfi -i testsrc2=s=160x90:r=10:d=3 -pix_fmt yuv420p "
                    "v.mp4"));
  // Two columns of 100-pixel frames (16:9: 56 high), 4-pixel gaps and margins.
  MakeContactSheet(dir.path.string() + "/v.mp4", dir.path.string() + "/s.png", {2, 2, 100});
  ASSERT_TRUE(RunIn(dir.path.string(),
                    "test \"$(ffprobe -v error -show_entries stream=codec_name,width,height "
                    "-of csv=p=0 s.png)\" = png,212,124"));
  int files = 0;
  for (auto& entry : std::filesystem::directory_iterator(dir.path.string()))
    files += !entry.is_directory();
  EXPECT_EQ(files, 2);  // the video and the sheet: no temporary file left
}

TEST(ContactSheetTest, AFileThatIsNoVideoIsAnUnusableAnswerAndLeavesNoSheet) {
  if (!HaveProgram("ffmpeg") || !HaveProgram("ffprobe")) GTEST_SKIP() << "no ffmpeg";
  TempDir dir;
  std::string video = dir.Write("v.mp4", "<html>not a video</html>");
  EXPECT_EQ(ExitOf([&] { MakeContactSheet(video, dir.path.string() + "/s.png"); }),
            kExitBadResponse);
  EXPECT_FALSE(std::filesystem::exists(dir.path.string() + "/s.png"));
}

}  // namespace
}  // namespace nemo
