#!/usr/bin/env bats
# nemo-sandbox's faults with curl: 503/502/429 on the next N requests, errors on HTTP 200,
# broken and missing CDN downloads, canned render files, and the fault control itself.

load lib/sandbox

setup_file() {
  sandbox_start --work-time 200ms --render-time 300ms --fault errors_on_200=false
  export TOKEN SID
  TOKEN=$(sandbox_token)
  SID=$(sandbox_new_session)
  sandbox_send "$SID" 'a 2-second video' >/dev/null
  head -c 100000 /dev/urandom >"$BATS_FILE_TMPDIR/canned.mp4"
}
teardown_file() { sandbox_stop; }
setup() { sandbox_reset; cd "$BATS_TEST_TMPDIR"; }

balance_status() {
  sandbox_curl -o body -w '%{http_code}' -D headers "$SANDBOX_API/api/credits/balance/simple"
}

render() {  # ID → the output URL of a finished render
  sandbox_curl -d "{\"id\":\"$1\",\"sessionId\":\"$SID\"}" "$SANDBOX_API/api/render/proxy/lambda" >/dev/null
  for _ in $(seq 100); do
    url=$(sandbox_curl "$SANDBOX_API/api/render/proxy/lambda/$1" | jq -r '.data.outputUrl // empty')
    [ -n "$url" ] && break
    sleep 0.1
  done
  printf '%s\n' "$url"
}

@test "the fault control: GET shows all, POST merges, DELETE resets, unknown names are refused" {
  sandbox_fault '{"silent": true, "drop_after": "3"}'
  sandbox_curl "$SANDBOX_API/_sandbox/faults" | jq -e '.silent and .drop_after == 3
    and .job_shape == "data" and .fail_next == 0 and has("render_file")' >/dev/null
  run curl -sS -w '\n%{http_code}' -d '{"no_such": 1}' "$SANDBOX_API/_sandbox/faults"
  [ "${lines[-1]}" = 400 ]
  run curl -sS -w '\n%{http_code}' -d '{"fail_next": "many"}' "$SANDBOX_API/_sandbox/faults"
  [ "${lines[-1]}" = 400 ]
  sandbox_reset
  sandbox_curl "$SANDBOX_API/_sandbox/faults" | jq -e '.silent == false and .drop_after == 0' >/dev/null
}

@test "fail_next: N JSON 503s, then service again; /_sandbox is never affected" {
  sandbox_fault '{"fail_next": 2}'
  sandbox_counters >/dev/null
  [ "$(balance_status)" = 503 ] && jq -e '.code == 503' body
  [ "$(balance_status)" = 503 ]
  [ "$(balance_status)" = 200 ]
}

@test "html_next: an nginx-style HTML 502" {
  sandbox_fault '{"html_next": 1}'
  [ "$(balance_status)" = 502 ]
  grep -qi '^content-type: text/html' headers
  grep -q '<center>nginx</center>' body
  [ "$(balance_status)" = 200 ]
}

@test "rate_limit_next: 429 with Retry-After: 1, also on /run_sse" {
  sandbox_fault '{"rate_limit_next": 2}'
  [ "$(balance_status)" = 429 ]
  grep -qi '^retry-after: 1' headers
  run sandbox_curl -o /dev/null -w '%{http_code}' -d '{}' "$SANDBOX_API/run_sse"
  [ "$output" = 429 ]
}

@test "errors_on_200: the error body rides on HTTP 200" {
  sandbox_fault '{"errors_on_200": true}'
  run sandbox_curl -w '\n%{http_code}' "$SANDBOX_API/api/state/nemo_agent/me/ses_nope/latest"
  [ "${lines[-1]}" = 200 ]
  jq -e '.code == 1002' <<<"${lines[0]}"
}

@test "break_download_after: that many bytes, then a dropped connection, break_download_times times" {
  sandbox_fault "{\"render_file\": \"$BATS_FILE_TMPDIR/canned.mp4\"}"
  url=$(render r-break)
  sandbox_fault '{"break_download_after": 4096, "break_download_times": 2}'
  run curl -sS -o part1 "$url"
  [ "$status" -ne 0 ]
  [ "$(stat -c %s part1)" -eq 4096 ]
  run sandbox_curl -o part2 "$SANDBOX_API/api/render/proxy/r-break/download"
  [ "$status" -ne 0 ]
  [ "$(stat -c %s part2)" -eq 4096 ]
  curl -sS -o whole "$url"
  cmp whole "$BATS_FILE_TMPDIR/canned.mp4"
  # A resumed download completes the file.
  curl -sS -r 4096- -o rest "$url"
  cat part1 rest | cmp - "$BATS_FILE_TMPDIR/canned.mp4"
}

@test "cdn_404: the CDN answers 404, and counts requests with and without Authorization" {
  sandbox_fault "{\"render_file\": \"$BATS_FILE_TMPDIR/canned.mp4\"}"
  url=$(render r-404)
  before=$(sandbox_counters)
  sandbox_fault '{"cdn_404": true}'
  run curl -sS -o /dev/null -w '%{http_code}' "$url"
  [ "$output" = 404 ]
  sandbox_curl -o /dev/null "$url"
  sandbox_counters | jq -e --argjson b "$before" '.cdn_requests == $b.cdn_requests + 2
    and .cdn_auth_headers == $b.cdn_auth_headers + 1' >/dev/null
}

@test "render_file: the render completes with exactly that file" {
  sandbox_fault "{\"render_file\": \"$BATS_FILE_TMPDIR/canned.mp4\"}"
  curl -sS -o got "$(render r-canned)"
  cmp got "$BATS_FILE_TMPDIR/canned.mp4"
}
