#!/usr/bin/env bats
# The README's quick start, exactly as written: its scripts/demo command runs against the sandbox
# (NEMO_BIN set, so it does not build) and leaves a real MP4 that ffprobe reads, saying one line
# per step. (901 runs every block of the README, the demo's build included.)

bats_require_minimum_version 1.5.0

README=$BATS_TEST_DIRNAME/../../README.md

# The commands of the "Quick start" section's code blocks, one per line.
quickstart_commands() {
  awk '/^## / { on = ($0 ~ /^## Quick start/) } on && /^```sh$/ { code = 1; next } /^```$/ { code = 0 } on && code' "$README"
}

setup() {
  export PATH=$NEMO_BIN:$PATH
  export XDG_CONFIG_HOME=$BATS_TEST_TMPDIR/config XDG_STATE_HOME=$BATS_TEST_TMPDIR/state
  unset NEMO_TOKEN NEMO_API_URL NEMO_CLIENT_ID
}

@test "the quick start has exactly one command: scripts/demo \"…\" (scripts/test is for maintainers)" {
  run quickstart_commands
  [ "${#lines[@]}" -eq 1 ]
  [[ ${lines[0]} == 'scripts/demo "'*'"' ]]
  [ -x "$BATS_TEST_DIRNAME/../../scripts/demo" ]
  grep -qx 'scripts/test' "$BATS_TEST_DIRNAME/../../docs/MAINTAINERS.md"
}

@test "the README's scripts/demo command makes a real 10-second MP4 through the sandbox" {
  [[ -x $NEMO_BIN/nemo-sandbox && -x $NEMO_BIN/nemo-export ]] || skip "the pipeline is not built"
  demo=$(quickstart_commands | head -1)
  # Run it as written, from a directory whose scripts/ is the repository's.
  cd "$BATS_TEST_TMPDIR"
  ln -s "$(cd "$BATS_TEST_DIRNAME/../../scripts" && pwd)" scripts
  run --separate-stderr bash -c "$demo"
  echo "$stderr"
  [ "$status" -eq 0 ]
  # stdout: the summary of the run.
  jq -e '(.session_id | startswith("ses_")) and (.render | length > 0) and .bytes > 0' <<<"$output"
  [ "$(jq -r .file <<<"$output")" = "$BATS_TEST_TMPDIR/nemo-demo.mp4" ]
  [ "$(jq -r .sha256 <<<"$output")" = "$(sha256sum <nemo-demo.mp4 | cut -d' ' -f1)" ]
  jq -e '.summary | test("Urban Dreams")' <<<"$output"
  # The file: H.264 video and AAC audio, 10 seconds, as the sentence asked.
  probe=$(ffprobe -v error -show_entries format=duration:stream=codec_type,codec_name -of json nemo-demo.mp4)
  jq -e '.streams | any(.codec_type == "video" and .codec_name == "h264")' <<<"$probe"
  jq -e '.streams | any(.codec_type == "audio" and .codec_name == "aac")' <<<"$probe"
  [ "$(jq -r '.format.duration | tonumber | round' <<<"$probe")" -eq 10 ]
  [[ $stderr == *"] wrote $BATS_TEST_TMPDIR/nemo-demo.mp4 and $BATS_TEST_TMPDIR/nemo-demo.png"* ]]
  # One progress line per step ("demo: [2/3 0m01s] …"), then ffprobe's lines: nothing else.
  [ "$(grep -c '^demo: \[[0-9]/[0-9] [0-9]*m[0-9][0-9]s\] ' <<<"$stderr")" -eq 3 ]
  [ -z "$(grep -v '^demo: \[' <<<"$stderr" | grep -vE '^(stream|format)\|')" ]
  # And its contact sheet beside it.
  [ "$(jq -r .contact_sheet <<<"$output")" = "$BATS_TEST_TMPDIR/nemo-demo.png" ]
  [ "$(ffprobe -v error -show_entries stream=codec_name -of csv=p=0 nemo-demo.png)" = png ]
  [[ $stderr != *"building"* ]]
  # The demo kept to its own config dir and stopped its sandbox.
  [ ! -e "$XDG_CONFIG_HOME/nemovideo" ]
  # and its own journal: nothing in the caller's state directory.
  [ ! -e "$XDG_STATE_HOME/nemovideo" ]
  api=$(sed -n 's/^demo: \[[^]]*\] nemo-sandbox is listening on //p' <<<"$stderr")
  [[ $api == http://127.0.0.1:* ]]
  run curl -s -o /dev/null "$api/_sandbox/counters"
  [ "$status" -ne 0 ]
}

@test "scripts/demo --help says what it does" {
  run "$BATS_TEST_DIRNAME/../../scripts/demo" --help
  [ "$status" -eq 0 ]
  [[ $output == *"MP4"* && $output == *NEMO_BIN* ]]
}
