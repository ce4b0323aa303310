#!/usr/bin/env bats
# nemo-sandbox, with curl only: its command line, anonymous tokens (one per client id), 1001 on
# bad and expired tokens, claim tokens, and a request log that never shows a token.

load lib/sandbox

# --credits 100: what a real anonymous account starts with (the sandbox's default is more).
setup_file() { sandbox_start --work-time 300ms --render-time 500ms --credits 100; }
teardown_file() { sandbox_stop; }
setup() { sandbox_reset; }

anon() {  # CLIENT_ID → the whole reply
  curl -sS -X POST -H "X-Client-Id: $1" "$SANDBOX_API/api/auth/anonymous-token"
}

@test "the command line: --version; a bad flag, a bad duration, a remote host, a busy port are refused" {
  run nemo-sandbox --version
  [ "$status" -eq 0 ]
  [ "$output" = "nemo-sandbox 0.1.0" ]
  run nemo-sandbox --no-such-flag
  [ "$status" -eq 2 ]
  [ "${#lines[@]}" -eq 1 ]
  run nemo-sandbox --work-time soon
  [ "$status" -eq 2 ]
  [[ $output == *"--work-time"* ]]
  run nemo-sandbox --host 0.0.0.0
  [ "$status" -eq 2 ]
  [[ $output == *"loopback"* ]]
  run nemo-sandbox --fault no_such_fault
  [ "$status" -eq 2 ]
  run nemo-sandbox --port "${SANDBOX_API##*:}"  # in use: refused, not shared
  [ "$status" -eq 1 ]
  [ "${#lines[@]}" -eq 2 ]
  [[ ${lines[0]} == *": address already in use" && ${lines[1]} == "hint: "* ]]
  run nemo-sandbox --help
  [ "$status" -eq 0 ]
  [[ $output == *"--list-faults"* ]]
  [[ $output == *"Example"* ]]
  run nemo-sandbox --list-faults
  [[ $output == *"break_download_after"$'\t'* ]]
}

@test "a token request without X-Client-Id is HTTP 400" {
  run curl -sS -o /dev/null -w '%{http_code}' -X POST "$SANDBOX_API/api/auth/anonymous-token"
  [ "$output" = 400 ]
  curl -sS -X POST "$SANDBOX_API/api/auth/anonymous-token" |
    jq -e '.code == 400 and .message == "X-Client-Id header required"'
}

@test "one live token per client id: asked twice, the same token; another id, another user" {
  a=$(anon cid-a)
  echo "$a" | jq -e '.code == 0 and (.data.token | test("^nmv_usr_[0-9a-f]{32}$"))
    and (.data.user_id | test("^anon_[0-9a-f]{12}$")) and .data.credits == 100
    and (.data.expires_at | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z$"))' >/dev/null
  b=$(anon cid-a)
  c=$(anon cid-c)
  [ "$(jq -r .data.token <<<"$a")" = "$(jq -r .data.token <<<"$b")" ]
  [ "$(jq -r .data.token <<<"$a")" != "$(jq -r .data.token <<<"$c")" ]
  [ "$(jq -r .data.user_id <<<"$a")" != "$(jq -r .data.user_id <<<"$c")" ]
  sandbox_counters | jq -e '.anon_token_requests["cid-a"] == 2 and .tokens_minted["cid-a"] == 1
    and .tokens_minted["cid-c"] == 1' >/dev/null
}

@test "no token or an unknown one is 401 code 1001" {
  run curl -sS -w '\n%{http_code}' "$SANDBOX_API/api/credits/balance/simple"
  [ "${lines[1]}" = 401 ]
  jq -e '.code == 1001 and .message == "invalid token" and .data == null' <<<"${lines[0]}"
  TOKEN=nmv_usr_00000000000000000000000000000000
  sandbox_curl "$SANDBOX_API/api/credits/balance/simple" | jq -e '.code == 1001' >/dev/null
}

@test "expire_tokens: old tokens get 1001 token expired; the same client id gets a new one, same user" {
  first=$(anon cid-exp)
  TOKEN=$(jq -r .data.token <<<"$first")
  sandbox_credits 77 "$(jq -r .data.user_id <<<"$first")"
  sandbox_fault '{"expire_tokens": true}'
  sandbox_curl "$SANDBOX_API/api/credits/balance/simple" |
    jq -e '.code == 1001 and .message == "token expired"' >/dev/null
  second=$(anon cid-exp)
  [ "$(jq -r .data.token <<<"$second")" != "$TOKEN" ]
  [ "$(jq -r .data.user_id <<<"$second")" = "$(jq -r .data.user_id <<<"$first")" ]
  TOKEN=$(jq -r .data.token <<<"$second")
  sandbox_curl "$SANDBOX_API/api/credits/balance/simple" | jq -e '.data.available == 77' >/dev/null
  sandbox_counters | jq -e '.tokens_minted["cid-exp"] == 2' >/dev/null
}

@test "a claim token for an own session and its task; 400 for another task; 1002 for an unknown session" {
  TOKEN=$(sandbox_token)
  created=$(sandbox_curl -H 'Content-Type: application/json' -d '{"task_name":"t","language":"en"}' \
    "$SANDBOX_API/api/tasks/me/with-session/nemo_agent")
  body=$(jq -c '.data | {task_id, session_id}' <<<"$created")
  sandbox_curl -H 'Content-Type: application/json' -d "$body" "$SANDBOX_API/api/auth/claim-token" |
    jq -e '.code == 0 and (.data.claim_token | startswith("clm_")) and .data.expires_in == 604800' >/dev/null
  body=$(jq -c '.data | {task_id: "task_other", session_id}' <<<"$created")
  run sandbox_curl -w '\n%{http_code}' -d "$body" "$SANDBOX_API/api/auth/claim-token"
  [ "${lines[1]}" = 400 ]
  run sandbox_curl -w '\n%{http_code}' -d '{"session_id":"ses_nope"}' "$SANDBOX_API/api/auth/claim-token"
  [ "${lines[1]}" = 404 ] && jq -e '.code == 1002' <<<"${lines[0]}"
}

@test "the request log names method, path, status and time, and redacts tokens" {
  log="$BATS_TEST_TMPDIR/verbose.log"
  nemo-sandbox --port 0 >"$BATS_TEST_TMPDIR/ready" 2>"$log" 3>&- &
  pid=$!
  for _ in $(seq 100); do [ -s "$BATS_TEST_TMPDIR/ready" ] && break; sleep 0.1; done
  api=$(jq -r .api "$BATS_TEST_TMPDIR/ready")
  fake=nmv_usr_0123456789abcdef0123456789abcdef
  curl -sS -o /dev/null "$api/api/state/nemo_agent/me/$fake/latest"
  curl -sS -o /dev/null -X POST -H 'X-Client-Id: log' "$api/api/auth/anonymous-token"
  kill -TERM "$pid"
  wait "$pid"
  grep -q '^POST /api/auth/anonymous-token 200 [0-9]*ms$' "$log"
  grep -q 'nmv_usr_…' "$log"
  ! grep -q "$fake" "$log"
}
