#!/usr/bin/env bats
# nemo-export when things go wrong: failed renders, broken downloads, a CDN 404, a failing
# submit, Ctrl-C, SIGTERM and timeouts. A failure never leaves a file at the target.

bats_require_minimum_version 1.5.0
load lib/sandbox
load lib/pipeline

setup_file() {
  pipeline_sandbox_start
  nemo-auth | nemo-session | generate 'a 12-second video titled "Hi"' >"$BATS_FILE_TMPDIR/ctx.json"
}
teardown_file() { sandbox_stop; }
# Each test its own journal: every test here exports the same draft, and a render recorded by
# an earlier test would be followed instead of submitted (nemo-export(1), FILES).
setup() {
  cd "$BATS_TEST_TMPDIR"
  export XDG_STATE_HOME=$BATS_TEST_TMPDIR/state
  sandbox_reset
  cp "$BATS_FILE_TMPDIR/ctx.json" .
}

counter() { sandbox_counters | jq -r ".$1 // 0"; }
job_status() {  # the server's view of a render
  TOKEN=$(nemo-auth token) sandbox_curl "$SANDBOX_API/api/render/proxy/lambda/$1" | jq -r '.data.status // .status'
}

@test "a failed render exits 12 with the server's reason and leaves no file or .part" {
  sandbox_fault '{"fail_render":true}'
  run --separate-stderr nemo-export -o out.mp4 <ctx.json
  [ "$status" -eq 12 ]
  [[ $stderr == "nemo-export: render render_"*" failed: render failed: the renderer crashed"* ]]
  [ ! -e out.mp4 ]
  [ ! -e out.mp4.part ]
}

@test "a download broken after 100000 bytes is resumed to the right sha256" {
  sandbox_fault '{"break_download_after":100000}'
  cdn=$(counter cdn_requests)
  run --separate-stderr nemo-export -o out.mp4 <ctx.json
  [ "$status" -eq 0 ]
  [ "$(stat -c %s out.mp4)" -gt 100000 ]  # the break happened inside the file
  [ "$(echo "$output" | jq -r .sha256)" = "$(sha256sum out.mp4 | cut -d' ' -f1)" ]
  [ "$(counter cdn_requests)" -eq $((cdn + 2)) ]
  [ "$(counter fallback_downloads)" -eq 0 ]
  ffprobe -v error out.mp4
}

@test "a CDN 404 falls back to the API's download endpoint; the CDN never sees the token" {
  sandbox_fault '{"cdn_404":true}'
  before=$(counter fallback_downloads)
  run --separate-stderr nemo-export -o out.mp4 <ctx.json
  [ "$status" -eq 0 ]
  [ "$(counter fallback_downloads)" -eq $((before + 1)) ]
  [ "$(echo "$output" | jq -r .sha256)" = "$(sha256sum out.mp4 | cut -d' ' -f1)" ]
  [ "$(counter cdn_auth_headers)" -eq 0 ]
}

@test "a failing submit is retried once with a new id" {
  nemo-state --draft <ctx.json >draft.json
  before=$(counter render_requests)
  sandbox_fault '{"fail_next":1}'
  run --separate-stderr nemo-export --draft draft.json -o out.mp4 <ctx.json
  [ "$status" -eq 0 ]
  [ "$(counter render_requests)" -eq $((before + 2)) ]
  [ -s out.mp4 ]
}

@test "Ctrl-C cancels the render, removes nothing of the user's and exits 130" {
  sandbox_fault '{"render_time_ms":30000}'
  echo "mine" >out.mp4
  polls() { sandbox_counters | jq '[.polls // {} | .[]] | add // 0'; }
  before=$(polls)
  nemo-export -o out.mp4 <ctx.json >stdout.txt 2>stderr.txt &
  pid=$!
  # Earlier tests' polls count too: wait for this render's first poll, so Ctrl-C comes after submit.
  for _ in $(seq 400); do [ "$(polls)" -gt "$before" ] && break; sleep 0.05; done
  kill -INT "$pid"
  rc=0; wait "$pid" || rc=$?
  [ "$rc" -eq 130 ]
  [ "$(cat out.mp4)" = mine ]
  [ ! -e out.mp4.part ]
  id=$(grep -o 'render_[0-9]*_[0-9a-f]*' stderr.txt | head -1)
  [ "$(job_status "$id")" = cancelled ]
  failure_context_only "$(cat stdout.txt)" 130
}

@test "SIGTERM exits 143" {
  sandbox_fault '{"render_time_ms":30000}'
  nemo-export -o out.mp4 <ctx.json >/dev/null 2>&1 &
  pid=$!
  for _ in $(seq 200); do [ "$(sandbox_counters | jq '[.polls // {} | .[]] | add // 0')" -gt 0 ] && break; sleep 0.05; done
  kill -TERM "$pid"
  rc=0; wait "$pid" || rc=$?
  [ "$rc" -eq 143 ]
  [ ! -e out.mp4 ]
}

@test "--timeout gives up with exit 11 and says the job was left running" {
  sandbox_fault '{"render_time_ms":30000}'
  run --separate-stderr nemo-export --timeout 500ms -o out.mp4 <ctx.json
  [ "$status" -eq 11 ]
  [[ $stderr == *"left running"* ]]
  id=$(echo "$stderr" | grep -o 'render_[0-9]*_[0-9a-f]*' | head -1)
  # Left running: still queued behind an earlier test's render, or rendering (not cancelled).
  run job_status "$id"
  [[ $output == processing || $output == pending ]]
  [ ! -e out.mp4 ]
}
