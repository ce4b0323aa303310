#!/usr/bin/env bats
# nemo-sandbox's /run_sse with curl: ADK events, streaming partials, the typed dialect,
# keep-alives, ADK's own errors, and runs that outlive their connection.

load lib/sandbox

setup_file() { sandbox_start --work-time 300ms --render-time 500ms --keepalive-interval 50ms; }
teardown_file() { sandbox_stop; }
setup() {
  sandbox_reset
  sandbox_credits 1000
  TOKEN=$(sandbox_token)
  SID=$(sandbox_new_session)
}

@test "ADK events: tool call and result in two stages, then the final reply; the response ends" {
  run sandbox_send "$SID" 'a 10-second city timelapse'
  [ "$status" -eq 0 ]
  ev=$(sandbox_events <<<"$output" | jq -sc .)
  jq -e 'all(.author == "nemo_agent" and (.invocationId | length) > 0 and (.timestamp | type) == "number"
    and .actions.stateDelta == {})' <<<"$ev"
  jq -e '[.[] | .content.parts[0] | keys[0]] ==
    ["functionCall", "functionResponse", "text", "functionCall", "functionResponse", "text"]' <<<"$ev"
  jq -e '.[0].content.parts[0].functionCall as $c | .[1].content.parts[0].functionResponse as $r
    | $c.name == "generate_video" and ($c.id | startswith("adk-")) and $r.id == $c.id
    and .[1].content.role == "user" and .[0].content.role == "model"' <<<"$ev"
  jq -e '.[3].content.parts[0].functionCall.name == "auto_post_production"' <<<"$ev"
  jq -e '.[-1].content.parts[0].text | test("^Your 10-second video is ready: .*Export.*\\(nemo-sandbox scripted agent\\)$")' <<<"$ev"
  grep -q '^: keep-alive$' <<<"$output"
}

@test "streaming: 2 to 4 partial chunks per text, then the whole text once" {
  out=$(sandbox_send "$SID" 'a 10-second video' '{"streaming": true}' | sandbox_events)
  texts=$(jq -c 'select(.content.parts[0].text)' <<<"$out" | jq -sc .)
  jq -e 'map(select(.partial != true)) | length == 2' <<<"$texts"
  jq -e '(.[0:index(map(select(.partial != true))[0])] | map(.content.parts[0].text) | add)
    == (map(select(.partial != true))[0].content.parts[0].text)' <<<"$texts"
  jq -e '[.[] | select(.partial == true)] | length >= 4 and length <= 8' <<<"$texts"
}

@test "the typed dialect: text, tool_call, tool_result" {
  sandbox_fault '{"dialect": "typed"}'
  sandbox_send "$SID" 'a 10-second video' | sandbox_events | jq -se '
    map(.type) == ["tool_call", "tool_result", "text", "tool_call", "tool_result", "text"]
    and .[0].name == "generate_video" and (.[1].result.status == "success")
    and (.[-1].content | contains("scripted agent"))' >/dev/null
}

@test "ADK's errors: unknown session is 404 without a code; empty parts is one error event" {
  run sandbox_curl -w '\n%{http_code}' -H 'Content-Type: application/json' \
    -d '{"app_name":"nemo_agent","user_id":"me","session_id":"ses_nope","new_message":{"parts":[{"text":"hi"}]}}' \
    "$SANDBOX_API/run_sse"
  [ "${lines[-1]}" = 404 ]
  jq -e '. == {error: "Session not found: ses_nope"}' <<<"${lines[0]}"
  body=$(jq -nc --arg s "$SID" '{app_name:"nemo_agent",user_id:"me",session_id:$s,new_message:{parts:[]}}')
  sandbox_curl -d "$body" "$SANDBOX_API/run_sse" | sandbox_events |
    jq -e '. == {error: "No parts in the newMessage."}' >/dev/null
}

@test "silent: tool events only, and the draft still changes" {
  sandbox_fault '{"silent": true}'
  sandbox_send "$SID" 'a 10-second video' | sandbox_events |
    jq -se 'length == 4 and all(.content.parts[0].text == null)' >/dev/null
  sandbox_session "$SID" | jq -e '.draft.t | length == 3' >/dev/null
}

@test "drop_after: the stream breaks after K events; the draft lands anyway" {
  sandbox_fault '{"drop_after": 2}'
  run sandbox_send "$SID" 'a 10-second video'
  [ "$status" -ne 0 ]  # curl: transfer closed with outstanding read data
  [ "$(sandbox_events <<<"$output" | wc -l)" -eq 2 ]
  sandbox_wait_run "$SID"
  sandbox_session "$SID" | jq -e '.draft.t | length == 3' >/dev/null
}

@test "a client that disconnects early: the run completes, once" {
  sandbox_fault '{"work_time_ms": 1000}'
  body=$(jq -nc --arg s "$SID" '{app_name:"nemo_agent",user_id:"me",session_id:$s,
    new_message:{parts:[{text:"a 10-second video"}]}}')
  run sandbox_curl -N --max-time 0.3 -d "$body" "$SANDBOX_API/run_sse"
  [ "$status" -eq 28 ]
  sandbox_wait_run "$SID"
  sandbox_session "$SID" | jq -e '.messages == 1 and (.draft.t | length) == 3' >/dev/null
}

@test "trailing_issue, flood, keepalive_only" {
  sandbox_fault '{"trailing_issue": true}'
  sandbox_send "$SID" 'a 10-second video' | sandbox_events | tail -n 1 |
    jq -e '.content.parts[0].text == "I encountered a temporary issue. Please try again."' >/dev/null
  sandbox_fault '{"trailing_issue": false, "flood": 50}'
  sandbox_send "$SID" 'anything' | sandbox_events | jq -se '
    length == 51 and (.[0:50] | all(.partial and .content.parts[0].text == "x"))
    and (.[50].content.parts[0].text | length) == 50' >/dev/null
  sandbox_fault '{"keepalive_only": true}'
  run sandbox_curl -N --max-time 0.5 -d "$(jq -nc --arg s "$SID" \
    '{app_name:"nemo_agent",user_id:"me",session_id:$s,new_message:{parts:[{text:"hi"}]}}')" \
    "$SANDBOX_API/run_sse"
  [ "$status" -eq 28 ]
  grep -q '^: keep-alive$' <<<"$output"
  [ -z "$(sandbox_events <<<"$output")" ]
  sandbox_wait_run "$SID"
}

@test "--keepalive heartbeat sends heartbeat events; empty sends empty data lines" {
  for style in heartbeat empty; do
    sandbox_stop  # this test's own sandboxes; teardown_file stops the last one
    sandbox_start --work-time 300ms --keepalive "$style" --keepalive-interval 50ms
    TOKEN=$(sandbox_token)
    SID=$(sandbox_new_session)
    sandbox_send "$SID" 'a 10-second video' >"$BATS_TEST_TMPDIR/$style"
  done
  sandbox_stop
  grep -q '^data: {"type":"heartbeat"}$' "$BATS_TEST_TMPDIR/heartbeat"
  grep -qx 'data:' "$BATS_TEST_TMPDIR/empty"
}
