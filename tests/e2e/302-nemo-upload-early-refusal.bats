#!/usr/bin/env bats
# Uploads refused before their body. A gateway in front of the service may answer an upload
# (413, an expired token, 429) after its headers alone and close with the body unread, which
# resets a connection the client is still sending on: the answer must still be what the user
# sees. lib/refusing_gateway.py plays that gateway; each case runs five times, since a client
# that sends the body at once loses the answer to the reset often, not always (exit 10 in 34 to
# 39 runs of 40, measured). The sandbox refuses the same way when the client asks first
# (Expect: 100-continue), counting each request once.

bats_require_minimum_version 1.5.0
load lib/sandbox

setup_file() {
  nemo_test_env
  export XDG_CONFIG_HOME=$BATS_FILE_TMPDIR/config XDG_STATE_HOME=$BATS_FILE_TMPDIR/state
  export NEMO_RETRY_BASE_MS=10 NEMO_RETRY_AFTER_DEFAULT=0
  sandbox_start
  # A real MP4 padded with a sparse hole: 200 MiB to send, nothing on disk. BIG is refused
  # before it is sent (or reset while it is); MID goes all the way.
  export BIG=$BATS_FILE_TMPDIR/big.mp4 MID=$BATS_FILE_TMPDIR/mid.mp4
  export BIG_SIZE=$((200 << 20)) MID_SIZE=$((64 << 20))
  ffmpeg -loglevel error -f lavfi -i testsrc=s=160x120:r=25:d=1 -pix_fmt yuv420p "$BIG"
  cp "$BIG" "$MID"
  truncate -s "$BIG_SIZE" "$BIG"
  truncate -s "$MID_SIZE" "$MID"
  nemo-auth | nemo-session --name early >"$BATS_FILE_TMPDIR/ctx.json"
  export CTX=$BATS_FILE_TMPDIR/ctx.json SID CID
  SID=$(jq -r .session_id "$CTX")
  CID=$(jq -r .client_id "$CTX")
  export UPLOAD_PATH="POST /api/upload-video/nemo_agent/me/$SID"
}
teardown_file() { sandbox_stop; }
setup() { sandbox_reset; cd "$BATS_TEST_TMPDIR"; }
teardown() { gateway_stop; }

RUNS=5

# STATUS KIND [CODE]: a gateway refusing every upload, in front of the sandbox, at $GW.
gateway_start() {
  export GATEWAY_LOG=$BATS_TEST_TMPDIR/gateway.log
  : >"$GATEWAY_LOG"
  python3 "$BATS_TEST_DIRNAME/lib/refusing_gateway.py" "$SANDBOX_API" "$@" \
    >gateway.json 2>gateway.err 3>&- &
  GATEWAY_PID=$!
  for _ in $(seq 100); do grep -q api gateway.json && break; sleep 0.1; done
  GW=$(jq -er .api gateway.json)
}
# Stops it once its connections are done: then its log is complete.
gateway_stop() {
  [ -n "${GATEWAY_PID:-}" ] || return 0
  kill -TERM "$GATEWAY_PID" 2>/dev/null || true
  wait "$GATEWAY_PID" 2>/dev/null || true
  unset GATEWAY_PID
}

counter() { sandbox_counters | jq --arg k "${2:-}" ".$1${2:+[\$k]} // 0"; }

# After `run --separate-stderr`: nothing on stdout, one "nemo-upload: " line matching PATTERN
# on stderr, then only "hint: " lines, and no token anywhere.
one_error() {
  failure_context_only "$output" "$status"
  [[ ${stderr_lines[0]} == "nemo-upload: "$1 ]] || { echo "stderr: $stderr"; return 1; }
  local line
  for line in "${stderr_lines[@]:1}"; do
    [[ $line == "hint: "* ]] || { echo "stderr: $stderr"; return 1; }
  done
  [[ $stderr != *nmv_usr_* ]]
}

# EXIT PATTERN PER_RUN: $RUNS uploads of BIG through the gateway, each exit EXIT with one_error
# PATTERN; the gateway refused PER_RUN requests a run, none after the whole file had come, and
# none reached the sandbox.
refused_through_gateway() {
  local code=$1 pattern=$2 per_run=$3 before nth
  before=$(counter upload_requests)
  for ((nth = 1; nth <= RUNS; nth++)); do
    run --separate-stderr nemo-upload --api "$GW" "$BIG" <"$CTX"
    [ "$status" -eq "$code" ] || { echo "run $nth: exit $status: $stderr"; return 1; }
    one_error "$pattern"
  done
  gateway_stop
  cat "$GATEWAY_LOG"
  [ "$(wc -l <"$GATEWAY_LOG")" -eq $((RUNS * per_run)) ]
  # "STATUS expect BYTES": asked first, so the gateway could answer before the body, and
  # BYTES, what came of the body all the same, is never the whole file
  awk -v size="$BIG_SIZE" '$2 != "expect" || $3 >= size { bad = 1 } END { exit bad }' \
    "$GATEWAY_LOG"
  [ "$(counter upload_requests)" -eq "$before" ]
}

@test "a gateway's 413 HTML page before the body, then a reset: exit 7, five times of five" {
  gateway_start 413 html
  refused_through_gateway 7 \
    "the server answered HTTP 413 with an HTML page (413 Request Entity Too Large)" 1
}

@test "a gateway's 413 {code 4002} before the body, then a reset: exit 7, five times of five" {
  gateway_start 413 json 4002
  refused_through_gateway 7 "the server answered HTTP 413: refused by the gateway \[4002\]" 1
}

@test "a gateway's 401 {code 1001} before the body: one token refresh, refused again, exit 3" {
  gateway_start 401 json 1001
  nemo-auth --api "$GW" >/dev/null  # the gateway's base has its token before the runs
  before=$(counter anon_token_requests "$CID")
  refused_through_gateway 3 "*\[1001\]" 2
  [ "$(counter anon_token_requests "$CID")" -eq $((before + RUNS)) ]
}

@test "a gateway's 429 before the body: one wait (Retry-After: 0), refused again, exit 9" {
  gateway_start 429 json 429
  refused_through_gateway 9 "*429*" 2
}

# curl as a client that asks first (or, with -H 'Expect:', one that does not): what the sandbox
# answers to an upload of BIG into the session SID, "HTTP_CODE BYTES_SENT".
curl_upload() {  # SID [CURL ARGS…]
  local sid=$1
  shift
  sandbox_curl "$@" -F "files=@$BIG" -o /dev/null -w '%{http_code} %{size_upload}' \
    "$SANDBOX_API/api/upload-video/nemo_agent/me/$sid"
}

@test "the sandbox refuses an injected 4002 before the body: nothing of the file is sent, exit 7, counted once" {
  TOKEN=$(sandbox_token)
  sid=$(sandbox_new_session)
  sandbox_replace_faults '{"inject": "^POST /api/upload-video/", "inject_code": 4002, "inject_times": 3}'
  [ "$(curl_upload "$sid" -H 'Expect: 100-continue')" = "413 0" ]
  # without Expect the sandbox reads the whole body first, as before
  reply=$(curl_upload "$sid" -H 'Expect:')
  [ "${reply% *}" = 413 ]
  [ "${reply#* }" -gt "$BIG_SIZE" ]
  unset TOKEN
  refused=$(counter refused_before_body "$UPLOAD_PATH") injected=$(counter injected "$UPLOAD_PATH")
  hits=$(counter hits "$UPLOAD_PATH") requests=$(counter requests) uploads=$(counter upload_requests)
  run --separate-stderr nemo-upload "$BIG" <"$CTX"
  [ "$status" -eq 7 ]
  one_error "*file too large (injected) \[4002\]"
  [ "$(counter refused_before_body "$UPLOAD_PATH")" -eq $((refused + 1)) ]
  [ "$(counter injected "$UPLOAD_PATH")" -eq $((injected + 1)) ]
  [ "$(counter hits "$UPLOAD_PATH")" -eq $((hits + 1)) ]
  [ "$(counter requests)" -eq $((requests + 1)) ]
  [ "$(counter upload_requests)" -eq "$uploads" ]
}

@test "the sandbox refuses a bad token (1001) and an unknown session (1002) before the body" {
  TOKEN=nmv_usr_notatoken
  [ "$(curl_upload "$SID" -H 'Expect: 100-continue')" = "401 0" ]
  TOKEN=$(sandbox_token)
  [ "$(curl_upload ses_nope -H 'Expect: 100-continue')" = "404 0" ]
  unset TOKEN
  refused=$(counter refused_before_body "$UPLOAD_PATH")
  run --separate-stderr nemo-upload --session ses_nope "$BIG" <"$CTX"
  [ "$status" -eq 4 ]
  one_error "*\[1002\]"
  [ "$(counter refused_before_body "POST /api/upload-video/nemo_agent/me/ses_nope")" -eq 2 ]
  NEMO_TOKEN=nmv_usr_testtesttest run --separate-stderr nemo-upload "$BIG" <"$CTX"
  [ "$status" -eq 3 ]
  one_error "*\[1001\]"
  [[ ${stderr_lines[1]} == "hint: "*NEMO_TOKEN* ]]
  [ "$(counter refused_before_body "$UPLOAD_PATH")" -eq $((refused + 1)) ]
}

@test "1001 once before the body: one refresh, the upload sent again from byte 0, the sandbox's sha256 is the file's" {
  sandbox_replace_faults '{"inject": "^POST /api/upload-video/", "inject_code": 1001, "inject_times": 1}'
  refreshes=$(counter anon_token_requests "$CID") hits=$(counter hits "$UPLOAD_PATH")
  refused=$(counter refused_before_body "$UPLOAD_PATH") injected=$(counter injected "$UPLOAD_PATH")
  run --separate-stderr nemo-upload "$MID" <"$CTX"
  [ "$status" -eq 0 ]
  [ -z "$stderr" ]
  sum=$(sha256sum <"$MID" | cut -d' ' -f1)
  echo "$output" | jq -e --arg s "$sum" --argjson n "$MID_SIZE" \
    '.uploads[-1] | .sha256 == $s and .size == $n and .filename == "mid.mp4"'
  sandbox_session "$SID" | jq -e --arg s "$sum" --argjson n "$MID_SIZE" \
    '.video_infos[-1] | .sha256 == $s and .size == $n'
  [ "$(counter anon_token_requests "$CID")" -eq $((refreshes + 1)) ]
  [ "$(counter refused_before_body "$UPLOAD_PATH")" -eq $((refused + 1)) ]
  [ "$(counter injected "$UPLOAD_PATH")" -eq $((injected + 1)) ]
  [ "$(counter hits "$UPLOAD_PATH")" -eq $((hits + 2)) ]
}

@test "request faults before the body are taken once, in every envelope; an admitted upload is counted once" {
  refused=$(counter refused_before_body "$UPLOAD_PATH") injected=$(counter injected "$UPLOAD_PATH")
  # fail_next=2: the upload (never re-sent) takes one 503, the other is left
  sandbox_replace_faults '{"fail_next": 2}'
  run --separate-stderr nemo-upload "$BIG" <"$CTX"
  [ "$status" -eq 13 ]
  one_error "the server answered HTTP 503*"
  sandbox_curl "$SANDBOX_API/_sandbox/faults" | jq -e '.fail_next == 1'
  # an injected 429 is waited out once, then exit 9: two refusals
  sandbox_replace_faults '{"inject": "^POST /api/upload-video/", "inject_code": 429, "inject_times": 2}'
  run --separate-stderr nemo-upload "$BIG" <"$CTX"
  [ "$status" -eq 9 ]
  one_error "*429*"
  # the same refusal on HTTP 200, and as a proxy's HTML page
  sandbox_replace_faults '{"inject": "^POST /api/upload-video/", "inject_code": 4002, "inject_times": 1, "errors_on_200": true}'
  run --separate-stderr nemo-upload "$BIG" <"$CTX"
  [ "$status" -eq 7 ]
  one_error "file too large (injected) \[4002\]"
  sandbox_replace_faults '{"inject": "^POST /api/upload-video/", "inject_code": 4002, "inject_times": 1, "error_dialect": "html"}'
  run --separate-stderr nemo-upload "$BIG" <"$CTX"
  [ "$status" -eq 7 ]
  one_error "the server answered HTTP 413 with an HTML page (413 Request Entity Too Large)"
  [ "$(counter refused_before_body "$UPLOAD_PATH")" -eq $((refused + 5)) ]
  [ "$(counter injected "$UPLOAD_PATH")" -eq $((injected + 4)) ]
  # admitted before the body, then received: one request, one hit, one upload request
  sandbox_reset
  hits=$(counter hits "$UPLOAD_PATH") requests=$(counter requests) uploads=$(counter upload_requests)
  run --separate-stderr nemo-upload "$MID" <"$CTX"
  [ "$status" -eq 0 ]
  [ "$(counter hits "$UPLOAD_PATH")" -eq $((hits + 1)) ]
  [ "$(counter requests)" -eq $((requests + 1)) ]
  [ "$(counter upload_requests)" -eq $((uploads + 1)) ]
  [ "$(counter refused_before_body "$UPLOAD_PATH")" -eq $((refused + 5)) ]
}
