#!/usr/bin/env bats
# nemo-export against a real nemo-sandbox: the whole pipeline to a verified MP4, both job
# shapes, and what is refused before any render request.

bats_require_minimum_version 1.5.0
load lib/sandbox
load lib/pipeline

setup_file() {
  pipeline_sandbox_start
}
teardown_file() { sandbox_stop; }
setup() { mkdir "$BATS_TEST_TMPDIR/w" && cd "$BATS_TEST_TMPDIR/w"; sandbox_reset; }

counter() { sandbox_counters | jq -r ".$1 // 0"; }

@test "the pipeline yields an MP4 of the draft's duration whose sha256 the context reports" {
  run --separate-stderr bash -c 'nemo-auth | nemo-session | generate "a 4-second video titled \"Hi\"" | nemo-export -o out.mp4'
  [ "$status" -eq 0 ]
  ctx=$output
  echo "$ctx" | jq -e --arg f "$PWD/out.mp4" '.file == $f and .render.status == "completed" and (.render.id | length) > 0 and (.render.url | startswith("http"))'
  [ "$(echo "$ctx" | jq -r .sha256)" = "$(sha256sum out.mp4 | cut -d' ' -f1)" ]
  [ "$(echo "$ctx" | jq -r .bytes)" -eq "$(stat -c %s out.mp4)" ]
  want=$(nemo-state --draft --session "$(echo "$ctx" | jq -r .session_id)" | jq '[.t[] | select(.tt == 0) | .sg[].d] | add / 1000')
  got=$(ffprobe -v error -show_entries format=duration -of csv=p=0 out.mp4)
  awk -v a="$got" -v b="$want" 'BEGIN { d = a - b; exit !(d < 0.1 && d > -0.1) }'
  [ ! -e out.mp4.part ]
  [ "$(counter cdn_auth_headers)" -eq 0 ]
  # -v says when the file was in place, and its size (bench/export reads this line)
  run --separate-stderr nemo-export -v --new -o again.mp4 <<<"$ctx"
  [ "$status" -eq 0 ]
  grep -qE "^nemo-export: saved $PWD/again\.mp4 \([0-9]+ ms, $(stat -c %s again.mp4) bytes" <<<"$stderr"
}

@test "the top-level job shape (status, output.url, render_id) works the same" {
  sandbox_fault '{"job_shape":"toplevel"}'
  nemo-auth | nemo-session | generate 'a 4-second video' >ctx.json
  run --separate-stderr nemo-export -o top.mp4 <ctx.json
  [ "$status" -eq 0 ]
  [ "$(echo "$output" | jq -r .sha256)" = "$(sha256sum top.mp4 | cut -d' ' -f1)" ]
  echo "$output" | jq -e '.render.status == "completed" and (.render.url | length) > 0'
}

@test "an empty draft is refused before any render request (exit 2)" {
  before=$(counter render_requests)
  run --separate-stderr bash -c 'nemo-auth | nemo-session | nemo-export -o out.mp4'
  [ "$status" -eq 2 ]
  [[ $stderr == *"nemo-export: nothing to export yet: send a generation request first"* ]]
  [ "$(counter render_requests)" -eq "$before" ]
  [ ! -e out.mp4 ]
}

@test "bad -o paths are refused with exit 2 and no render request" {
  nemo-auth | nemo-session | generate 'a 4-second video' >ctx.json
  mkdir adir && touch afile
  before=$(counter render_requests)
  for bad in adir adir/ missing/out.mp4 afile/out.mp4; do
    run --separate-stderr nemo-export -o "$bad" <ctx.json
    [ "$status" -eq 2 ]
    [[ $stderr == "nemo-export: $bad"* ]]
  done
  [ "$(counter render_requests)" -eq "$before" ]
}

@test "--no-download prints render.url only and writes no file" {
  nemo-auth | nemo-session | generate 'a 4-second video' >ctx.json
  cdn=$(counter cdn_requests)
  run --separate-stderr nemo-export --no-download <ctx.json
  [ "$status" -eq 0 ]
  echo "$output" | jq -e '(.render.url | startswith("http")) and (has("file") | not) and (has("sha256") | not)'
  [ "$(counter cdn_requests)" -eq "$cdn" ]
  [ "$(ls -A)" = ctx.json ]
}

@test "-o - streams the MP4 to stdout for ffprobe and prints no context" {
  nemo-auth | nemo-session | generate 'a 4-second video' >ctx.json
  run bash -c 'nemo-export -q -o - <ctx.json | ffprobe -v error -show_entries format=format_name -of csv=p=0 -'
  [ "$status" -eq 0 ]
  [[ $output == *mp4* ]]
}

@test "--detach submits and exits with the render id, without waiting or a file" {
  nemo-auth | nemo-session | generate 'a 4-second video' >ctx.json
  run --separate-stderr nemo-export --detach <ctx.json
  [ "$status" -eq 0 ]
  echo "$output" | jq -e '(.render.id | startswith("render_")) and (.render.status == "pending" or .render.status == "processing")'
  [ "$(ls -A)" = ctx.json ]
}

@test "without -o the file is <session>-<render id>.mp4 in the current directory" {
  nemo-auth | nemo-session | generate 'a 4-second video' >ctx.json
  run --separate-stderr nemo-export <ctx.json
  [ "$status" -eq 0 ]
  name="$(echo "$output" | jq -r '.session_id + "-" + .render.id').mp4"
  [ "$(echo "$output" | jq -r .file)" = "$PWD/$name" ]
  [ -s "$name" ]
}

@test "--draft FILE renders that draft instead of the session's" {
  nemo-auth | nemo-session | generate 'a 4-second video' >ctx.json
  nemo-state --draft <ctx.json | jq '.t[0].sg[0].d = 2000 | .t |= map(.sg |= map(select(.st < 2000) | .d = ([.d, 2000 - .st] | min)))' >short.json
  run --separate-stderr nemo-export --draft short.json -o short.mp4 <ctx.json
  [ "$status" -eq 0 ]
  got=$(ffprobe -v error -show_entries format=duration -of csv=p=0 short.mp4)
  awk -v a="$got" 'BEGIN { exit !(a > 1.9 && a < 2.1) }'
}
