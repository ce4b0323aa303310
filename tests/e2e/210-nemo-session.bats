#!/usr/bin/env bats
# nemo-session and the nemo front door against a real nemo-sandbox.

bats_require_minimum_version 1.5.0
load lib/sandbox

setup_file() { sandbox_start; }
teardown_file() { sandbox_stop; }

@test "nemo-auth | nemo-session --name demo | jq -r .session_id prints a session id" {
  run bash -c 'nemo-auth | nemo-session --name demo | jq -r .session_id'
  [ "$status" -eq 0 ]
  [[ $output == ses_* ]]
}

@test "a session carries session_id, task_id, user_id and the api it was made on" {
  run nemo-session new --name demo --language en
  [ "$status" -eq 0 ]
  echo "$output" | jq -e --arg api "$SANDBOX_API" '.session_id and .task_id and .user_id and .api == $api'
}

@test "a new session drops the previous session's results from the context" {
  run bash -c 'echo "{\"uploads\":[{\"f\":1}],\"render\":{\"id\":\"r\"},\"keep\":1}" | nemo-session'
  [ "$status" -eq 0 ]
  echo "$output" | jq -e '(has("uploads") | not) and (has("render") | not) and .keep == 1'
}

# Every key a program adds about a session's work, including a re-run's replayed/recovered and
# the export's contact_sheet; what is about the user (client_id, credits) and unknown keys stay.
@test "a new session drops every key about the previous session's work, and only those" {
  cd "$BATS_TEST_TMPDIR"
  dropped='["uploads","reply","texts","tools","changes","silent","recovered","replayed","state","summary","ready","render","file","bytes","sha256","contact_sheet","link"]'
  jq -n --argjson keys "$dropped" \
    '[$keys[] | {(.): 1}] | add + {session_id: "ses_old", task_id: "task_old", client_id: "c1", credits: {available: 5}, keep: 1}' >old.json
  run --separate-stderr nemo-session <old.json
  [ "$status" -eq 0 ]
  echo "$output" | jq -e --argjson keys "$dropped" '[$keys[] as $k | has($k)] | any | not'
  echo "$output" | jq -e '.session_id != "ses_old" and .task_id != "task_old" and .client_id == "c1" and .credits.available == 5 and .keep == 1'
}

@test "a context that went through nemo-send starts over in a new session: no recovered, no reply" {
  run --separate-stderr bash -c 'nemo-session | nemo-send "make a short clip about the sea" | nemo-session'
  [ "$status" -eq 0 ]
  echo "$output" | jq -e '(has("recovered") | not) and (has("reply") | not) and (has("changes") | not) and .session_id'
}

@test "link is a claim-token URL on the web host and never contains the bearer token" {
  run bash -c 'nemo-session | NEMO_WEB_URL=https://web.example nemo-session link'
  [ "$status" -eq 0 ]
  link=$(echo "$output" | jq -r .link)
  [[ $link == https://web.example/workspace/claim\?ct=clm_* ]]
  [[ $output != *nmv_usr_* ]]
}

@test "link --session ID of another session: its own --task, never the context's task id" {
  cd "$BATS_TEST_TMPDIR"
  nemo-session >first.json
  nemo-session >other.json
  other=$(jq -r .session_id other.json)
  run --separate-stderr nemo-session link --session "$other" <first.json
  [ "$status" -eq 2 ]
  failure_context_only "$output" "$status"
  [ "${stderr_lines[0]}" = "nemo-session: link: no task id for session $other" ]
  [[ ${stderr_lines[1]} == "hint: "*"--task"* ]]
  run --separate-stderr nemo-session link --session "$other" </dev/null
  [ "$status" -eq 2 ]
  # A task that is not the session's own is refused by the service (the sandbox checks, too).
  run --separate-stderr nemo-session link --session "$other" --task task_given </dev/null
  [ "$status" -eq 2 ]
  run --separate-stderr nemo-session link --session "$other" --task "$(jq -r .task_id other.json)" </dev/null
  [ "$status" -eq 0 ]
  jq -e --arg s "$other" '.session_id == $s and (.link | contains("ct=clm_"))' <<<"$output"
  # the session in the context: its task id goes along
  run --separate-stderr nemo-session link --session "$(jq -r .session_id first.json)" <first.json
  [ "$status" -eq 0 ]
}

@test "a session that does not exist gives exit 4" {
  run --separate-stderr nemo-session link --session ses_doesnotexist --task task_x
  [ "$status" -eq 4 ]
  failure_context_only "$output" "$status"
  [[ $stderr == nemo-session:* ]]
}

@test "link without a session id is a usage error" {
  run --separate-stderr nemo-session link
  [ "$status" -eq 2 ]
  [[ $stderr == *"no session id"* ]]
}

@test "the api in the context keeps a pipeline on one backend" {
  run bash -c 'nemo-auth | NEMO_API_URL=http://127.0.0.1:9 nemo-session | jq -r .api'
  [ "$status" -eq 0 ]
  [ "$output" = "$SANDBOX_API" ]
}

@test "nemo-video CMD runs nemo-CMD and passes its exit code through" {
  run bash -c 'nemo-video auth | nemo-video session --name front | jq -r .session_id'
  [ "$status" -eq 0 ]
  [[ $output == ses_* ]]
  run nemo-video session link --session ses_nope --task task_nope
  [ "$status" -eq 4 ]
}

@test "nemo-video help lists every command and nemo-video --version names them" {
  run nemo-video help
  [ "$status" -eq 0 ]
  for c in auth session upload send state export sandbox; do [[ $output == *"  $c "* ]]; done
  run nemo-video --version
  [[ $output == "nemo-video 0.1.0 (libcurl/"* ]]
}

@test "a mistyped command is exit 2 with a suggestion" {
  run --separate-stderr nemo-video sesion
  [ "$status" -eq 2 ]
  [ "${stderr_lines[0]}" = "nemo-video: sesion: not a command" ]
  [ "${stderr_lines[1]}" = "hint: did you mean 'nemo-video session'?" ]
}
