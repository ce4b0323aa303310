#!/usr/bin/env bats
# nemo-state against a real nemo-sandbox: readiness, the summary, the draft, waiting.

bats_require_minimum_version 1.5.0
load lib/sandbox
load lib/pipeline

setup_file() {
  pipeline_sandbox_start
}
teardown_file() { sandbox_stop; }

setup() {
  cd "$BATS_TEST_TMPDIR"
  nemo-auth | nemo-session >empty.json
}

@test "--check exits 20 before any generation and still prints the context" {
  run --separate-stderr nemo-state --check <empty.json
  [ "$status" -eq 20 ]
  echo "$output" | jq -e '.ready == false and .summary == "Timeline is empty" and .session_id'
}

@test "--check exits 0 once a generation made a draft, with state, summary and ready" {
  generate 'a 4-second video titled "Hi"' <empty.json >made.json
  run --separate-stderr nemo-state --check <made.json
  [ "$status" -eq 0 ]
  echo "$output" | jq -e '.ready == true and (.state.draft.t | length) > 0 and (.summary | startswith("Timeline ("))'
  echo "$output" | jq -e --arg api "$SANDBOX_API" '.api == $api'
}

@test "--summary prints the one-line track summary as plain text" {
  generate 'a 4-second video titled "Hi"' <empty.json >made.json
  run --separate-stderr nemo-state --summary <made.json
  [ "$status" -eq 0 ]
  [[ $output == "Timeline ("*" tracks): 1. Video: "* ]]
  [[ $output == *'Title: "Hi"'* ]]
  [ "${#lines[@]}" -eq 1 ]
}

@test "--draft prints the session's draft alone" {
  generate 'a 4-second video titled "Hi"' <empty.json >made.json
  sid=$(jq -r .session_id made.json)
  run --separate-stderr nemo-state --draft --session "$sid"
  [ "$status" -eq 0 ]
  diff <(echo "$output" | jq -S .) <(sandbox_session "$sid" | jq -S .draft)
}

@test "--wait returns when a generation running meanwhile has made the draft ready" {
  generate 'a 4-second video titled "Later"' <empty.json >/dev/null &
  run --separate-stderr nemo-state --wait --timeout 60s <empty.json
  wait
  [ "$status" -eq 0 ]
  # Ready as soon as the raw video is in the draft (the title comes with post-production).
  echo "$output" | jq -e '.ready == true and (.state.draft.t | length) > 0'
  [[ $(echo "$output" | jq -r .summary) == "Timeline ("*"1. Video: "* ]]
}

@test "--wait gives up with exit 11 when nothing makes the draft ready" {
  run --separate-stderr nemo-state --wait --timeout 1s <empty.json
  [ "$status" -eq 11 ]
  [[ $stderr == "nemo-state: the draft is still not ready after"* ]]
  failure_context_only "$output" "$status"
}

@test "without a session id it is a usage error (exit 2)" {
  run --separate-stderr nemo-state </dev/null
  [ "$status" -eq 2 ]
  [[ $stderr == *"no session id"* ]]
}

@test "an unknown session gives exit 4" {
  run --separate-stderr nemo-state --session ses_doesnotexist
  [ "$status" -eq 4 ]
}
