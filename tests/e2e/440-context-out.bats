#!/usr/bin/env bats
# -O/--context-out FILE, for every program that writes a context: the context goes to FILE
# (whole, mode as `>FILE` would make it, nothing on stdout, no temporary left), and a failure
# leaves no file at all, or the old one untouched: nothing `make` could take for a finished step.

bats_require_minimum_version 1.5.0
load lib/sandbox
load lib/pipeline

setup_file() { pipeline_sandbox_start; }
teardown_file() { sandbox_stop; }

setup() {
  session_per_test
  mkdir w && mv ctx.json w/ && cd w # bats keeps its own files in the test's directory
  umask 022
}
teardown() { sandbox_reset; }

# The directory holds exactly the files named (no temporaries beside them).
only_files() {
  local have
  have=$(ls -A | sort | tr '\n' ' ')
  [ "$have" = "$* " ] || { echo "files: $have" >&2; return 1; }
}

@test "every program writes its context to -O FILE, whole, 0644, and nothing to stdout" {
  ffmpeg -loglevel error -f lavfi -i color=c=orange:s=64x48 -frames:v 1 photo.png
  rm ctx.json
  run --separate-stderr nemo-auth -O auth.json
  [ "$status" -eq 0 ] && [ -z "$output" ]
  run --separate-stderr nemo-session -O session.json <auth.json
  [ "$status" -eq 0 ] && [ -z "$output" ]
  run --separate-stderr nemo-upload --context-out up.json photo.png <session.json
  [ "$status" -eq 0 ] && [ -z "$output" ]
  run --separate-stderr nemo-send -q -O sent.json 'a 3-second video' <up.json
  [ "$status" -eq 0 ] && [ -z "$output" ]
  run --separate-stderr nemo-state -O state.json <sent.json
  [ "$status" -eq 0 ] && [ -z "$output" ]
  run --separate-stderr nemo-export -q -o v.mp4 -O export.json <sent.json
  [ "$status" -eq 0 ] && [ -z "$output" ]
  jq -e '.client_id' auth.json
  jq -e '.session_id | startswith("ses_")' session.json
  jq -e '.uploads | length == 1' up.json
  jq -e '.summary | startswith("Timeline")' sent.json
  jq -e '.ready == true' state.json
  jq -e '.sha256 and .file' export.json
  for f in auth session up sent state export; do
    [ "$(stat -c %a $f.json)" = 644 ]
    [ "$(wc -l <$f.json)" -eq 1 ] # compact: a file is not a terminal
  done
  only_files auth.json export.json photo.png sent.json session.json state.json up.json v.mp4
}

@test "a failed nemo-send leaves no -O file, and an old one untouched" {
  sandbox_credits 0
  run --separate-stderr nemo-send -O sent.json 'a 3-second video' <ctx.json
  [ "$status" -eq 5 ]
  [ ! -e sent.json ]
  echo '{"old":true}' >sent.json
  run --separate-stderr nemo-send -O sent.json 'a 3-second video' <ctx.json
  sandbox_credits 100000
  [ "$status" -eq 5 ]
  [ "$(cat sent.json)" = '{"old":true}' ]
  only_files ctx.json sent.json
}

@test "a bad -O path is refused with exit 2 before any request" {
  mkdir dir
  before=$(sandbox_counters | jq .requests)
  for path in dir dir/ nowhere/ctx.json ""; do
    run --separate-stderr nemo-send -O "$path" 'a 3-second video' <ctx.json
    [ "$status" -eq 2 ] || { echo "-O '$path': exit $status" >&2; return 1; }
    [ -z "$output" ]
    [[ $stderr == "nemo-send: "* ]]
  done
  [[ $stderr == *"-O: the context file name is empty"* ]]
  [ "$(sandbox_counters | jq .requests)" -eq "$before" ]
  run --separate-stderr nemo-state -O nowhere/x.json <ctx.json
  [ "$status" -eq 2 ]
  [[ $stderr == *"does not exist"* ]]
  run --separate-stderr nemo-auth token -O token.json
  [ "$status" -eq 2 ]
  [ ! -e token.json ]
}

@test "-O with a program whose stdout carries something else: the stream, the video, the summary" {
  # --stream: the events stay on stdout as they come; the context goes to the file
  run --separate-stderr nemo-send -q --stream -O sent.json 'a 3-second video titled "S"' <ctx.json
  [ "$status" -eq 0 ]
  jq -e -s 'length > 2 and all(has("type"))' <<<"$output" # events only, no context line
  jq -e '.summary | contains("\"S\"")' sent.json
  # -o -: the video on stdout, the context in the file
  nemo-export -q -o - -O export.json <sent.json >v.mp4
  ffprobe -v error v.mp4
  jq -e '.render.id and .bytes > 0' export.json
  [ "$(stat -c %s v.mp4)" -eq "$(jq .bytes export.json)" ]
  # --summary: the line goes to the file
  nemo-state --summary -O summary.txt <sent.json
  [[ $(cat summary.txt) == "Timeline ("* ]]
}
