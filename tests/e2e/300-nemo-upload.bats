#!/usr/bin/env bats
# nemo-upload against a real nemo-sandbox: checked before sending, streamed, verified, appended.

bats_require_minimum_version 1.5.0
load lib/sandbox
load lib/unprivileged

setup_file() {
  nemo_test_env
  export XDG_CONFIG_HOME=$BATS_FILE_TMPDIR/config XDG_STATE_HOME=$BATS_FILE_TMPDIR/state
  export NEMO_RETRY_BASE_MS=10 NEMO_RETRY_AFTER_DEFAULT=1
  sandbox_start
  export M=$BATS_FILE_TMPDIR/media && mkdir -p "$M"
  for c in a.png:red b.jpg:green c.gif:blue; do
    ffmpeg -loglevel error -f lavfi -i "color=c=${c#*:}:s=64x64" -frames:v 1 "$M/${c%%:*}"
  done
  ffmpeg -loglevel error -f lavfi -i testsrc=s=160x120:r=25:d=1 -pix_fmt yuv420p "$M/clip.mp4"
  nemo-auth | nemo-session --name uploads >"$BATS_FILE_TMPDIR/ctx.json"
  export CTX=$BATS_FILE_TMPDIR/ctx.json
}
teardown_file() { sandbox_stop; }
setup() { sandbox_reset; cd "$M"; }
teardown() { unprivileged_cleanup; }

count() { sandbox_counters | jq ".$1"; }
# upload with the session context on stdin; stdout and stderr kept apart
upload() { run --separate-stderr nemo-upload "$@" <"$CTX"; }
# refused CODE PATTERN ARGS...: exit CODE, one stderr line matching PATTERN, nothing sent or printed
refused() {
  local code=$1 pattern=$2 before; shift 2
  before=$(count requests)
  upload "$@"
  [ "$status" -eq "$code" ]
  [[ ${stderr_lines[0]} == "nemo-upload: "$pattern ]]
  failure_context_only "$output" "$status"
  [ "$(count requests)" -eq "$before" ]
}

@test "three images and a clip go up in one request, hashed as sha256sum does" {
  before=$(count upload_requests)
  upload a.png b.jpg c.gif clip.mp4
  [ "$status" -eq 0 ]
  [ -z "$stderr" ]
  [ "$(count upload_requests)" -eq $((before + 1)) ]
  [ "$(echo "$output" | jq -c '[.uploads[].filename]')" = '["a.png","b.jpg","c.gif","clip.mp4"]' ]
  echo "$output" | jq -e '.uploads[3] | .file_type == "video" and .duration > 0 and .width == 160'
  for i in 0 1 2 3; do
    f=$(echo "$output" | jq -r ".uploads[$i].filename")
    [ "$(echo "$output" | jq -r ".uploads[$i].sha256")" = "$(sha256sum <"$f" | cut -d' ' -f1)" ]
    [ "$(echo "$output" | jq -r ".uploads[$i].size")" -eq "$(stat -c %s "$f")" ]
    # what the server stored is byte for byte the local file
    [ "$(curl -sS "$(echo "$output" | jq -r ".uploads[$i].cdn_url")" | sha256sum)" = "$(sha256sum <"$f")" ]
  done
}

@test "--jobs 3 sends one request per file and keeps the order" {
  before=$(count upload_requests)
  upload --jobs 3 clip.mp4 a.png b.jpg c.gif
  [ "$status" -eq 0 ]
  [ "$(count upload_requests)" -eq $((before + 4)) ]
  [ "$(echo "$output" | jq -c '[.uploads[].filename]')" = '["clip.mp4","a.png","b.jpg","c.gif"]' ]
  [ "$(echo "$output" | jq -r '.uploads[0].sha256')" = "$(sha256sum <clip.mp4 | cut -d' ' -f1)" ]
}

@test "the context round-trips: each upload appends to uploads" {
  run bash -c 'nemo-auth | nemo-session | nemo-upload a.png | nemo-upload b.jpg | jq ".uploads|length"'
  [ "$status" -eq 0 ]
  [ "$output" = 2 ]
}

@test "URL mode registers http(s) URLs in one JSON request" {
  upload --url https://example.com/v/clip.mp4 http://example.com/p.png?x=1
  [ "$status" -eq 0 ]
  echo "$output" | jq -e '.uploads | length == 2 and .[0].file_type == "video"'
  echo "$output" | jq -e '.uploads[1].source_url == "http://example.com/p.png?x=1"'
}

@test "a URL that is not http(s) is a usage error" { refused 2 "ftp://x/a.mp4: not an http(s) URL" --url ftp://x/a.mp4; }
@test "a missing file sends nothing (exit 2)" { refused 2 "nope.png: no such file" a.png nope.png; }
@test "a directory is refused (exit 2)" { refused 2 "$M: is a directory*" a.png "$M"; }
@test "a FIFO is refused without blocking (exit 2)" {
  mkfifo "$BATS_TEST_TMPDIR/pipe.mp4"
  refused 2 "*pipe.mp4: is a FIFO, not a regular file" a.png "$BATS_TEST_TMPDIR/pipe.mp4"
}
@test "an empty file is refused (exit 6)" {
  : >"$BATS_TEST_TMPDIR/empty.png"
  refused 6 "*empty.png: empty file" a.png "$BATS_TEST_TMPDIR/empty.png"
}
@test "an unreadable file is refused (exit 2)" {
  unprivileged_setup  # root reads files whatever their mode: as root, this runs as another user
  cp a.png "$UNPRIV/a.png" && cp a.png "$UNPRIV/locked.png" && chmod 000 "$UNPRIV/locked.png"
  before=$(count requests)
  run --separate-stderr as_unprivileged nemo-upload a.png locked.png <"$CTX"
  [ "$status" -eq 2 ]
  [[ ${stderr_lines[0]} == "nemo-upload: "*"locked.png: cannot read: Permission denied" ]]
  failure_context_only "$output" "$status"
  [ "$(count requests)" -eq "$before" ]
}
@test "text named .mp4 is refused by its content (exit 6)" {
  echo "not a video" >"$BATS_TEST_TMPDIR/fake.mp4"
  refused 6 "*fake.mp4: the content does not look like MP4 (it looks like text) \[4001\]" a.png "$BATS_TEST_TMPDIR/fake.mp4"
}
@test "a file over --max-size is refused (exit 7)" {
  refused 7 "clip.mp4: file too large (* KiB; limit 1.0 KiB) \[4002\]" --max-size 1KiB a.png clip.mp4
}
@test "an unsupported extension is refused (exit 6)" {
  echo hi >"$BATS_TEST_TMPDIR/notes.txt"
  refused 6 "*notes.txt: unsupported file type .txt \[4001\]" a.png "$BATS_TEST_TMPDIR/notes.txt"
}
@test "no files, or no session, is a usage error" {
  upload
  [ "$status" -eq 2 ]
  [[ $stderr == *"no files to upload"* ]]
  run --separate-stderr nemo-upload a.png </dev/null
  [ "$status" -eq 2 ]
  [[ $stderr == *"no session id"* ]]
}

@test "a 503 during the upload fails clearly after exactly one request" {
  sandbox_fault '{"fail_next":1}'
  before=$(count requests)
  upload a.png clip.mp4
  [ "$status" -eq 13 ]
  failure_context_only "$output" "$status"
  [[ ${stderr_lines[0]} == "nemo-upload: the server answered HTTP 5"* ]]
  [ "$(count requests)" -eq $((before + 1)) ]
}

@test "an HTML error page fails clearly after exactly one request" {
  sandbox_fault '{"html_next":1}'
  before=$(count requests)
  upload a.png
  [ "$status" -eq 13 ]
  failure_context_only "$output" "$status"
  [[ ${stderr_lines[0]} == *"HTML page"* ]]
  [ "$(count requests)" -eq $((before + 1)) ]
}

# Whether the sandbox answers a faulted multipart upload with the fault's status (a sandbox that
# does not read the refused body answers 500 and cannot show the client's retry).
faulted_upload_answers_429() {
  sandbox_fault '{"rate_limit_next":1}'
  local code
  code=$(curl -s -o /dev/null -w '%{http_code}' -F files=@a.png "$SANDBOX_API/api/upload-video/nemo_agent/me/x")
  sandbox_reset
  [ "$code" = 429 ]
}

@test "a 429 is retried once and the hash starts over" {
  faulted_upload_answers_429 || skip "nemo-sandbox answers a refused multipart upload with 500 (its Drain bug)"
  sandbox_fault '{"rate_limit_next":1}'
  before=$(count requests)
  upload clip.mp4
  [ "$status" -eq 0 ]
  [ "$(count requests)" -eq $((before + 2)) ]
  [ "$(echo "$output" | jq -r '.uploads[0].sha256')" = "$(sha256sum <clip.mp4 | cut -d' ' -f1)" ]
}

@test "the progress bar shows only on a terminal or with --progress" {
  upload a.png
  [ "$status" -eq 0 ]
  [ -z "$stderr" ]
  upload --progress a.png
  [ "$status" -eq 0 ]
  [[ $stderr == *"a.png"*"100%"* ]]
  run --separate-stderr env NEMO_FORCE_TTY=1 nemo-upload --compact clip.mp4 <"$CTX"
  [ "$status" -eq 0 ]
  [[ $stderr == *"clip.mp4"*"100%"* ]]
}

@test "--jobs: when a file fails, the files that reached the session are named, after the error's own hint" {
  # A sandbox of its own (this test's process only) whose size limit refuses the clip: 4002, an
  # error with a hint of its own.
  sandbox_start --max-upload 4096
  nemo-session </dev/null >"$BATS_TEST_TMPDIR/small.json"
  run --separate-stderr nemo-upload --jobs 1 a.png b.jpg clip.mp4 <"$BATS_TEST_TMPDIR/small.json"
  sandbox_stop
  [ "$status" -eq 7 ]
  failure_context_only "$output" "$status"
  [[ ${stderr_lines[0]} == "nemo-upload: "*"[4002]" ]]
  [[ ${stderr_lines[1]} == "hint: compress or trim"*"; 2 of 3 files reached the session before the failure (a.png, b.jpg); they are not in the output" ]]
}
