#!/usr/bin/env bats
# nemo-export --contact-sheet FILE.png: a grid of frames of the verified download, made with
# ffmpeg, its path in the context; what makes it impossible is refused before any render.

bats_require_minimum_version 1.5.0
load lib/sandbox
load lib/pipeline

setup_file() {
  pipeline_sandbox_start
}
teardown_file() { sandbox_stop; }
setup() {
  mkdir "$BATS_TEST_TMPDIR/w" && cd "$BATS_TEST_TMPDIR/w"
  sandbox_reset
  nemo-auth | nemo-session | generate 'a 4-second video titled "Hi"' >ctx.json
}

counter() { sandbox_counters | jq -r ".$1 // 0"; }

@test "after the download, a PNG grid of frames whose path the context reports" {
  run --separate-stderr nemo-export -o out.mp4 --contact-sheet sheet.png <ctx.json
  [ "$status" -eq 0 ]
  echo "$output" | jq -e --arg f "$PWD/sheet.png" '.contact_sheet == $f and .file != null'
  [ "$(ffprobe -v error -select_streams v:0 -show_entries stream=codec_name -of csv=p=0 sheet.png)" = png ]
  # Four frames of 320 pixels a row, with 4-pixel gaps and margins; three rows of 16:9 frames.
  size=$(ffprobe -v error -select_streams v:0 -show_entries stream=width,height -of csv=p=0:s=x sheet.png)
  [ "$size" = "1300x556" ]
  [ -z "$(find . -name '*.part*')" ]
}

@test "a sheet in another directory gets the absolute path; the video goes where -o said" {
  mkdir sheets
  run --separate-stderr nemo-export -o out.mp4 --contact-sheet sheets/a.png <ctx.json
  [ "$status" -eq 0 ]
  echo "$output" | jq -e --arg f "$PWD/sheets/a.png" '.contact_sheet == $f'
  [ -s sheets/a.png ]
  [ -s out.mp4 ]
}

@test "without ffmpeg on PATH: one clear line and a hint, exit 2, no render requested" {
  bin=$(dirname "$(command -v nemo-export)")
  before=$(counter render_requests)
  run --separate-stderr env PATH="$bin" nemo-export -o out.mp4 --contact-sheet sheet.png <ctx.json
  [ "$status" -eq 2 ]
  [ "${stderr_lines[0]}" = "nemo-export: --contact-sheet needs ffmpeg, which is not installed (not on PATH)" ]
  [[ ${stderr_lines[1]} == "hint: "*"apt-get install ffmpeg"* ]]
  failure_context_only "$output" "$status"
  [ "$(counter render_requests)" -eq "$before" ]
  [ ! -e out.mp4 ]
  [ ! -e sheet.png ]
}

@test "a sheet not named .png, in a missing directory, or with -o -/--no-download is exit 2 before any render" {
  before=$(counter render_requests)
  run --separate-stderr nemo-export -o out.mp4 --contact-sheet sheet.jpg <ctx.json
  [ "$status" -eq 2 ]
  [[ $stderr == *"sheet.jpg: a contact sheet is a PNG file"* ]]
  run --separate-stderr nemo-export -o out.mp4 --contact-sheet nowhere/sheet.png <ctx.json
  [ "$status" -eq 2 ]
  [[ $stderr == *"nowhere/sheet.png: no such directory"* ]]
  run --separate-stderr nemo-export -o - --contact-sheet sheet.png <ctx.json
  [ "$status" -eq 2 ]
  [[ $stderr == *"--contact-sheet needs the video in a file"* ]]
  run --separate-stderr nemo-export --no-download --contact-sheet sheet.png <ctx.json
  [ "$status" -eq 2 ]
  [[ $stderr == *"--contact-sheet needs the video in a file"* ]]
  [ "$(counter render_requests)" -eq "$before" ]
  [ ! -e out.mp4 ]
}
