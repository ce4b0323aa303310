#!/usr/bin/env bats
# nemo-send against a real nemo-sandbox: a generation end to end, the reply and its GUI phrases,
# the ways to give a message, --stream, --text, and the errors before a run starts.

bats_require_minimum_version 1.5.0
load lib/sandbox
load lib/pipeline

setup_file() {
  sandbox_start --work-time 300ms --credits 100000
  export NEMO_RETRY_BASE_MS=10 NEMO_RETRY_AFTER_DEFAULT=1 NEMO_POLL_BASE_MS=100
}
teardown_file() { sandbox_stop; }

setup() { session_per_test; }
teardown() { sandbox_reset; }

@test "a generation run end to end: reply, tools, summary with the title, one message" {
  run --separate-stderr bash -c 'nemo-auth | nemo-session \
    | nemo-send "a 10-second video titled \"Urban Dreams\" with upbeat music" | jq -c .'
  [ "$status" -eq 0 ]
  sid=$(jq -r .session_id <<<"$output")
  jq -e '.reply != "" and .silent == false and .recovered == false' <<<"$output"
  jq -e '[.tools[].name] | index("generate_video")' <<<"$output"
  jq -e '.tools | all(.ok == true and (.seconds | type == "number"))' <<<"$output"
  jq -e '.summary | contains("Title: \"Urban Dreams\"")' <<<"$output"
  jq -e '.changes.sentence | contains("Title added: \"Urban Dreams\"")' <<<"$output"
  # the session's empty draft had the default canvas: a generation adds tracks, not a canvas
  jq -e '.changes.sentence | startswith("Video added: ")' <<<"$output"
  [ "$(sandbox_counters | jq -r --arg s "$sid" '.messages[$s]')" -eq 1 ]
}

@test "the reply names nemo-export where the agent said to click the Export button" {
  run --separate-stderr nemo-send 'a 5-second video titled "Hi"' <ctx.json
  [ "$status" -eq 0 ]
  jq -e '.reply | contains("nemo-export")' <<<"$output"
  jq -e '.reply | contains("Export button") | not' <<<"$output"
  jq -e '.texts | map(contains("Export button")) | any' <<<"$output"
}

@test "--text prints only the reply text" {
  run --separate-stderr nemo-send --text 'a 5-second video titled "Hi"' <ctx.json
  [ "$status" -eq 0 ]
  [[ "$output" == *nemo-export* ]]
  ! jq -e . <<<"$output" >/dev/null 2>&1
}

@test "--message-stdin reads the message from stdin and no context" {
  run --separate-stderr bash -c "printf 'a 5-second video titled \"Caf\xc3\xa9 \xe6\x98\xa0\"' \
    | nemo-send --message-stdin --session '$SID'"
  [ "$status" -eq 0 ]
  jq -e '.summary | contains("Café 映")' <<<"$output"
  [ "$(messages)" -eq 1 ]
}

@test "-f reads a markdown file as it is" {
  printf '# Brief\n\na 6-second video titled "From File"\n' >brief.md
  run --separate-stderr nemo-send -f brief.md <ctx.json
  [ "$status" -eq 0 ]
  jq -e '.summary | contains("From File")' <<<"$output"
}

@test "empty, invalid UTF-8 and oversized messages exit 2 and send nothing" {
  run --separate-stderr nemo-send '   ' <ctx.json
  [ "$status" -eq 2 ]
  [[ "$stderr" == "nemo-send: message: the message is empty"* ]]
  run --separate-stderr nemo-send "$(printf 'caf\xe9')" <ctx.json
  [ "$status" -eq 2 ]
  [[ "$stderr" == *"not valid UTF-8"* ]]
  head -c 1048577 /dev/zero | tr '\0' a >big.txt
  run --separate-stderr nemo-send -f big.txt <ctx.json
  [ "$status" -eq 2 ]
  [[ "$stderr" == *"1 MiB"* ]]
  [ "$(messages)" -eq 0 ]
}

@test "an unknown session exits 4 before anything is sent" {
  run --separate-stderr nemo-send --session ses_doesnotexist 'hello'
  [ "$status" -eq 4 ]
  [[ "$stderr" == nemo-send:* ]]
  [ "$(sandbox_counters | jq '.messages.ses_doesnotexist // 0')" -eq 0 ]
}

@test "no credits left exits 5 with the API code" {
  sandbox_credits 0
  # --cost 0: past nemo-send's own check, to the server's 2001
  run --separate-stderr nemo-send --cost 0 'a 5-second video' <ctx.json
  sandbox_credits 100000
  [ "$status" -eq 5 ]
  [[ "$stderr" == *"[2001]"* ]]
  [[ "$stderr" != *"[2001] [2001]"* ]]
}

@test "--stream prints events while the run works, and the context as the last line" {
  sandbox_fault '{"work_time_ms": 3000}'
  mkfifo events
  nemo-send --stream 'a 5-second video titled "Live"' <ctx.json >events 2>/dev/null &
  pid=$!
  exec 4<events
  read -r first <&4
  # The first event is out while the sandbox still runs the generation.
  sandbox_session "$SID" | jq -e '.run_active == true'
  jq -e '.type' <<<"$first"
  cat <&4 >rest
  exec 4<&-
  wait "$pid"
  jq -e '.type' <(head -n -1 rest) >/dev/null
  [ "$(jq -s 'last | .session_id' rest)" = "\"$SID\"" ]
  grep -q '"type":"tool_call"' rest
  ! grep -q '"raw"' rest
}

@test "--stream --raw-events keeps the server's event under raw" {
  run --separate-stderr nemo-send --stream --raw-events 'a 5-second video' <ctx.json
  [ "$status" -eq 0 ]
  head -n -1 <<<"$output" | jq -se 'map(select(.type == "tool_call")) | .[0].raw.content.parts'
}

@test "the token never appears in any output, even with --verbose" {
  token=$(nemo-auth token)
  run nemo-send --verbose --stream --raw-events 'a 5-second video' <ctx.json
  [ "$status" -eq 0 ]
  [[ "$output" != *"$token"* ]]
  NEMO_FORCE_TTY=1 nemo-send --verbose 'make it 6 seconds' <ctx.json >out 2>err
  ! grep -qF "$token" out err
}

@test "a live status line on a terminal; nothing with --quiet" {
  NEMO_FORCE_TTY=1 nemo-send 'a 5-second video' <ctx.json >out 2>err
  grep -q $'\r''nemo-send: generating video' err
  NEMO_FORCE_TTY=1 nemo-send --quiet 'make it 6 seconds' <ctx.json >out 2>err
  [ ! -s err ]
}

@test "on a terminal the new draft is drawn on stderr after the run; not with --quiet, not in a pipe" {
  NEMO_FORCE_TTY=1 COLUMNS=60 LANG=C nemo-send 'a 4-second video titled "Drawn"' <ctx.json >out 2>err
  # The chart follows the cleared status line: keep what starts at its heading.
  sed -n 's/.*\(Timeline: \)/\1/; /^Timeline: /,$p' err >chart
  grep -q '^Timeline: .* tracks, .* segments, 4s' chart
  [ "$(wc -l <chart)" -ge 4 ]
  [ "$(awk '{ if (length($0) >= 60) n++ } END { print n + 0 }' chart)" -eq 0 ]
  # stdout, a terminal too, has the summary for people instead of the context.
  grep -q '^session ses_' out
  NEMO_FORCE_TTY=1 nemo-send --quiet 'make it 5 seconds' <ctx.json >out 2>err
  [ ! -s err ]
  nemo-send 'make it 6 seconds' <ctx.json >out 2>err
  run grep -c 'Timeline' err
  [ "$output" -eq 0 ]
}
