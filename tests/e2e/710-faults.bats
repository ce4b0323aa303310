#!/usr/bin/env bats
# Faults of the API itself, against nemo-sandbox: 5xx bursts, HTML 502s, 429s, errors on HTTP
# 200 and tokens that expire mid-pipeline. Safe requests are retried (the counters show each
# retry); a message is never sent twice; the credentials stay valid JSON.

bats_require_minimum_version 1.5.0
load lib/sandbox

setup_file() {
  nemo_test_env
  export XDG_CONFIG_HOME=$BATS_FILE_TMPDIR/config XDG_STATE_HOME=$BATS_FILE_TMPDIR/state
  export NEMO_RETRY_BASE_MS=10 NEMO_RETRY_AFTER_DEFAULT=1
  sandbox_start --work-time 200ms
  nemo-auth | nemo-session --name faults >"$BATS_FILE_TMPDIR/ctx.json"
  export CTX=$BATS_FILE_TMPDIR/ctx.json SID
  SID=$(jq -r .session_id "$CTX")
}
teardown_file() { sandbox_stop; }
setup() { sandbox_reset; cd "$BATS_TEST_TMPDIR"; }

requests() { sandbox_counters | jq .requests; }
messages() { sandbox_counters | jq --arg s "$1" '.messages[$s] // 0'; }
# nemo-state on the session context, stdout and stderr apart
state() { run --separate-stderr nemo-state <"$CTX"; }

@test "GET state is retried through fail_next=2 and succeeds; the counters show both retries" {
  before=$(requests) && state && [ "$status" -eq 0 ]
  clean=$(($(requests) - before))  # /_sandbox requests are not counted
  sandbox_fault '{"fail_next": 2}'
  before=$(requests) && state
  [ "$status" -eq 0 ]
  [ -z "$stderr" ]
  [ "$(echo "$output" | jq -r .session_id)" = "$SID" ]
  [ "$(($(requests) - before))" -eq $((clean + 2)) ]
  sandbox_curl "$SANDBOX_API/_sandbox/faults" | jq -e '.fail_next == 0'
}

@test "three 503s in a row: exit 13 after exactly three tries, one line naming HTTP 503" {
  sandbox_fault '{"fail_next": 3}'
  before=$(requests) && state
  [ "$status" -eq 13 ]
  failure_context_only "$output" "$status"
  [[ ${stderr_lines[0]} == "nemo-state: the server answered HTTP 503"* ]]
  [ "${#stderr_lines[@]}" -le 2 ]
  [[ ${stderr_lines[1]:-hint: } == "hint: "* ]]
  [ "$(($(requests) - before))" -eq 3 ]
}

@test "an HTML 502 is retried; three of them give exit 13 naming the HTML page" {
  sandbox_fault '{"html_next": 1}'
  state && [ "$status" -eq 0 ]
  sandbox_fault '{"html_next": 3}'
  state
  [ "$status" -eq 13 ]
  failure_context_only "$output" "$status"
  [[ ${stderr_lines[0]} == "nemo-state: the server answered HTTP 502 with an HTML page (502 Bad Gateway)" ]]
}

@test "a 429 on a GET is waited out once; a second 429 gives exit 9" {
  sandbox_fault '{"rate_limit_next": 1}'
  before=$(requests) && state
  [ "$status" -eq 0 ]
  [ "$(($(requests) - before))" -ge 2 ]
  sandbox_fault '{"rate_limit_next": 2}'
  state
  [ "$status" -eq 9 ]
  failure_context_only "$output" "$status"
  [[ ${stderr_lines[0]} == "nemo-state: "*429* ]]
}

# 503 or 429 on POST /run_sse itself: the sandbox's inject fault answers it (its counter faults
# such as fail_next hit the state snapshot nemo-send reads first). Each row sends its own message
# in a session of its own: the journal of another row's message must not decide what it does.
# The fault would answer a retry too, so the injected counter shows every POST.
send_with_fault() {  # STATUS → runs nemo-send on a fresh session with STATUS on POST /run_sse
  nemo-session --name "run-sse-$1" <"$CTX" >ctx.json
  sid=$(jq -r .session_id ctx.json)
  sandbox_fault "{\"inject\": \"^POST /run_sse\$\", \"inject_code\": $1, \"inject_times\": 5}"
  run --separate-stderr nemo-send "a 2-second video, refused with $1" <ctx.json
}
run_sse_posts() { sandbox_counters | jq '.injected["POST /run_sse"] // 0'; }

@test "a 503 on run_sse is not retried: exit 13, one POST, no message" {
  before=$(run_sse_posts)
  send_with_fault 503
  [ "$status" -eq 13 ]
  failure_context_only "$output" "$status"
  [[ ${stderr_lines[0]} == "nemo-send: the server answered HTTP 503"* ]]
  [ "$(($(run_sse_posts) - before))" -eq 1 ]
  [ "$(messages "$sid")" -eq 0 ]
}

@test "a 429 on run_sse is not retried: exit 9, one POST, no message" {
  before=$(run_sse_posts)
  send_with_fault 429
  [ "$status" -eq 9 ]
  failure_context_only "$output" "$status"
  [[ ${stderr_lines[0]} == "nemo-send: "*429* ]]
  [ "$(($(run_sse_posts) - before))" -eq 1 ]
  [ "$(messages "$sid")" -eq 0 ]
}

@test "errors_on_200: an unknown session is still exit 4" {
  sandbox_fault '{"errors_on_200": true}'
  run --separate-stderr nemo-state --session ses_nope <"$CTX"
  [ "$status" -eq 4 ]
  failure_context_only "$output" "$status"
  [[ ${stderr_lines[0]} == "nemo-state: "*"[1002]"* ]]
}

@test "tokens expire mid-pipeline: one refresh with the same client id, one message, credentials parse" {
  export XDG_CONFIG_HOME=$BATS_TEST_TMPDIR/config
  nemo-auth | nemo-session --name expiry >ctx.json
  cid=$(jq -r .client_id ctx.json) && sid=$(jq -r .session_id ctx.json)
  sandbox_fault '{"expire_tokens": true}'
  run --separate-stderr bash -c 'nemo-send "a 2-second video" <ctx.json | nemo-state --summary'
  [ "$status" -eq 0 ]
  [ -n "$output" ]
  [ "$(sandbox_counters | jq --arg c "$cid" '.tokens_minted[$c]')" -eq 2 ]
  [ "$(messages "$sid")" -eq 1 ]
  jq -e .tokens "$XDG_CONFIG_HOME/nemovideo/credentials.json" >/dev/null
}

@test "an expired NEMO_TOKEN mid-pipeline is exit 3 with a hint, never replaced" {
  export XDG_CONFIG_HOME=$BATS_TEST_TMPDIR/config
  NEMO_TOKEN=$(sandbox_token) && export NEMO_TOKEN
  nemo-session --name env >ctx.json
  sandbox_fault '{"expire_tokens": true}'
  run --separate-stderr nemo-send 'a 2-second video' <ctx.json
  [ "$status" -eq 3 ]
  failure_context_only "$output" "$status"
  [[ ${stderr_lines[1]} == "hint: "*NEMO_TOKEN* ]]
  [ "$(messages "$(jq -r .session_id ctx.json)")" -eq 0 ]
  [ ! -e "$XDG_CONFIG_HOME/nemovideo/credentials.json" ]
}
