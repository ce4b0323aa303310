#!/usr/bin/env bats
# nemo-send's journal: a message goes to a session once across processes too. A finished one is
# repeated, not sent (unless --again); one whose nemo-send was killed is recovered from the
# session state; one the server refused is sent again. Kills at random moments, the journal's
# own writes included, never lead to a second send or a damaged entry. And the credits check
# refuses before sending.

bats_require_minimum_version 1.5.0
load lib/sandbox
load lib/pipeline

setup_file() {
  sandbox_start --work-time 300ms --keepalive-interval 100ms --credits 100000
  export NEMO_RETRY_BASE_MS=10 NEMO_RETRY_AFTER_DEFAULT=1
}
teardown_file() { sandbox_stop; }

setup() {
  export XDG_STATE_HOME=$BATS_TEST_TMPDIR/state # each test its own journal
  JOURNAL=$XDG_STATE_HOME/nemovideo/journal
  session_per_test
}
teardown() {
  sandbox_reset
  sandbox_credits 100000
  sandbox_wait_run "$SID"
}

# Every journal entry parses (a kill mid-write leaves the old entry or the new, never half).
journal_parses() {
  local f
  for f in "$JOURNAL"/*.json; do
    [ -e "$f" ] || continue
    jq -e '.status | type == "string"' "$f" >/dev/null || {
      echo "$f does not parse:" >&2
      head -c 300 "$f" >&2
      return 1
    }
  done
}

@test "a finished message is not sent again: its result is repeated, with a warning; --again sends" {
  nemo-send -q 'a 4-second video titled "Once"' <ctx.json >first.json
  [ "$(messages)" -eq 1 ]
  run --separate-stderr nemo-send -q 'a 4-second video titled "Once"' <ctx.json
  [ "$status" -eq 0 ]
  [[ $stderr == *"already went to session $SID"*"not sending it again"*"--again"* ]]
  jq -e '.replayed == true' <<<"$output"
  [ "$(jq -c 'del(.replayed)' <<<"$output")" = "$(jq -c . first.json)" ]
  [ "$(messages)" -eq 1 ]
  # the same words on another session, or other words on this one, are other messages
  nemo-send -q 'a 4-second video titled "Twice"' <ctx.json >/dev/null
  [ "$(messages)" -eq 2 ]
  run --separate-stderr nemo-send -q --again 'a 4-second video titled "Once"' <ctx.json
  [ "$status" -eq 0 ]
  jq -e 'has("replayed") | not' <<<"$output"
  [ "$(messages)" -eq 3 ]
}

@test "a message the server refused is sent again by the re-run" {
  sandbox_credits 0
  run --separate-stderr nemo-send --cost 0 'a 4-second video' <ctx.json
  [ "$status" -eq 5 ]
  [[ $stderr == *"[2001]"* ]]
  sandbox_credits 100000
  run --separate-stderr nemo-send 'a 4-second video' <ctx.json
  [ "$status" -eq 0 ]
  jq -e '.recovered == false and (.replayed | not)' <<<"$output"
  [ "$(messages)" -eq 2 ]
}

@test "a nemo-send cut short by its timeout: the re-run recovers the run, without sending" {
  sandbox_fault '{"work_time_ms": 2000}'
  run --separate-stderr nemo-send --timeout 1s 'a 4-second video titled "Slow"' <ctx.json
  [ "$status" -eq 11 ]
  sandbox_reset
  NEMO_POLL_BASE_MS=500 run --separate-stderr nemo-send 'a 4-second video titled "Slow"' <ctx.json
  [ "$status" -eq 0 ]
  [[ $stderr == *"ended before its run did (journal); not sending it again"* ]]
  jq -e '.recovered == true and (.summary | contains("Slow"))' <<<"$output"
  [ "$(messages)" -eq 1 ]
  # and now the journal says done: a third run repeats the recovered result
  run --separate-stderr nemo-send -q 'a 4-second video titled "Slow"' <ctx.json
  [ "$status" -eq 0 ]
  jq -e '.replayed == true and .recovered == true' <<<"$output"
  [ "$(messages)" -eq 1 ]
}

@test "kill -9 at random moments of a run, then the same command: one send, the recovered result" {
  # How long one whole run takes here: the kills land at random points inside that span.
  t0=$(now_us) && nemo-send -q 'a 3-second video' <ctx.json >/dev/null && span=$(($(now_us) - t0))
  sandbox_wait_run "$SID"
  recovered=0 replayed=0 resent=0 unknown=0
  for k in $(seq 8); do # k, not i: bats 1.8's run sets i
    nemo-session <ctx.json >"s$k.json"
    sid=$(jq -r .session_id "s$k.json")
    msg="a 3-second video titled \"Kill $k\""
    nemo-send -q "$msg" <"s$k.json" >/dev/null 2>&1 3>&- &
    pid=$!
    random_sleep "$span" >/dev/null
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    journal_parses
    sent_before=$(sandbox_counters | jq -r --arg s "$sid" '.messages[$s] // 0')
    NEMO_POLL_BASE_MS=400 run --separate-stderr nemo-send --recover-timeout 3s "$msg" <"s$k.json"
    sandbox_wait_run "$sid"
    sent=$(sandbox_counters | jq -r --arg s "$sid" '.messages[$s] // 0')
    if [ "$status" -eq 10 ] && [ "$sent" -eq 0 ]; then
      # Killed between recording the message and the request leaving: whether it arrived is
      # unknown to the client, so it is never sent again on a guess; --again sends it.
      [[ $stderr == *"--again"* ]]
      unknown=$((unknown + 1))
      nemo-send -q --again "$msg" <"s$k.json" >/dev/null
      sent=$(sandbox_counters | jq -r --arg s "$sid" '.messages[$s] // 0')
    else
      [ "$status" -eq 0 ] || { echo "run $k: exit $status: $stderr" >&2; return 1; }
      jq -e '.summary | contains("Kill")' <<<"$output"
      if jq -e '.replayed == true' <<<"$output" >/dev/null; then
        replayed=$((replayed + 1))
      elif [ "$sent_before" -eq 1 ]; then
        jq -e '.recovered == true' <<<"$output"
        recovered=$((recovered + 1))
      else
        resent=$((resent + 1)) # killed before the message was recorded: this run sent it
      fi
    fi
    [ "$sent" -eq 1 ] || { echo "run $k: $sent sends" >&2; return 1; }
  done
  echo "# 8 kills: $recovered recovered, $replayed repeated, $resent sent by the re-run, $unknown unknown" >&3
}

@test "the journal survives kill -9 during its own writes: every entry parses after every kill" {
  nemo-send -q 'a 3-second video' <ctx.json >made.json
  t0=$(now_us) && nemo-send -q --again 'make the title "X"' <made.json >/dev/null && span=$(($(now_us) - t0))
  killed=0
  for k in $(seq 30); do # k, not i: bats 1.8's run sets i
    nemo-send -q --again 'make the title "X"' <made.json >/dev/null 2>&1 3>&- &
    pid=$!
    random_sleep "$span" >/dev/null
    if kill -9 "$pid" 2>/dev/null; then killed=$((killed + 1)); fi
    wait "$pid" 2>/dev/null || true
    journal_parses
    sandbox_wait_run "$SID"
  done
  echo "# $killed of 30 runs still running at the kill" >&3
  [ "$killed" -gt 0 ]
  run --separate-stderr nemo-state --journal <ctx.json
  [ "$status" -eq 0 ]
  jq -e '.journal | length == 2 and all(.kind == "send")' <<<"$output"
}

@test "two nemo-send of one message at once: the second waits, then repeats the first's result" {
  sandbox_fault '{"work_time_ms": 1500}'
  nemo-send -q 'a 3-second video titled "Pair"' <ctx.json >a.json 2>/dev/null &
  a=$!
  for ((i = 0; i < 100; i++)); do [ "$(messages)" -eq 1 ] && break; sleep 0.05; done
  run --separate-stderr nemo-send -q 'a 3-second video titled "Pair"' <ctx.json
  wait "$a"
  [ "$status" -eq 0 ]
  [[ $stderr == *"another nemo-send is sending this message"*"waiting"* ]]
  jq -e '.replayed == true and (.summary | contains("Pair"))' <<<"$output"
  [ "$(messages)" -eq 1 ]
}

@test "nemo-state --journal lists the session's entries without the kept draft" {
  nemo-send -q 'a 3-second video titled "Listed"' <ctx.json >made.json
  run --separate-stderr nemo-state --journal <ctx.json
  [ "$status" -eq 0 ]
  jq -e --arg sid "$SID" --arg api "$SANDBOX_API" '.session_id == $sid and (.journal | length == 1)
    and (.journal[0] | .kind == "send" and .status == "done" and .session_id == $sid
      and .api == $api and (.message | startswith("a 3-second video"))
      and (.message_sha256 | test("^[0-9a-f]{64}$")) and (.key | startswith("send-"))
      and .exit == 0 and (.result.summary | contains("Listed")) and (has("before") | not)
      and (.expires_at > .created_at))' <<<"$output"
  # another session's entry is listed without a session, not with this one
  nemo-auth | nemo-session | nemo-send -q 'a 2-second video' >/dev/null
  [ "$(nemo-state --journal <ctx.json | jq '.journal | length')" -eq 1 ]
  [ "$(nemo-state --journal </dev/null | jq '.journal | length')" -eq 2 ]
  run --separate-stderr nemo-state --journal --summary <ctx.json
  [ "$status" -eq 2 ]
}

@test "credits short of a generation: exit 5 before sending, nothing on stdout" {
  sandbox_credits 40
  run --separate-stderr nemo-send 'a 4-second video' <ctx.json
  [ "$status" -eq 5 ]
  failure_context_only "$output" "$status"
  [[ $stderr == "nemo-send: not enough credits: this generation costs about 100, 40 available; nothing was sent"* ]]
  [[ $stderr == *"hint: "*"--cost 0"* ]]
  [ "$(messages)" -eq 0 ]
  # the costs are the user's to set
  NEMO_GENERATION_COST=40 run --separate-stderr nemo-send -q 'a 4-second video' <ctx.json
  [ "$status" -eq 5 ] # the sandbox charges 100 all the same: its own 2001
  [[ $stderr == *"[2001]"* ]]
  [ "$(messages)" -eq 1 ]
}

@test "credits enough for an edit but not a generation: the edit goes" {
  nemo-send -q 'a 4-second video' <ctx.json >made.json
  sandbox_credits 60
  run --separate-stderr nemo-send -q 'add a title "Edit"' <made.json
  [ "$status" -eq 0 ]
  [ "$(messages)" -eq 2 ]
  run --separate-stderr nemo-send -q --cost 70 'add a title "Dear"' <made.json
  [ "$status" -eq 5 ]
  [[ $stderr == *"this edit costs about 70, 10 available"* ]]
  [ "$(messages)" -eq 2 ]
}

@test "a journal that cannot be written stops nemo-send before it sends" {
  echo "not a directory" >state-file
  XDG_STATE_HOME=$PWD/state-file run --separate-stderr nemo-send 'a 4-second video' <ctx.json
  [ "$status" -eq 2 ]
  failure_context_only "$output" "$status"
  [[ ${stderr_lines[0]} == "nemo-send: $PWD/state-file/nemovideo"*": cannot create the directory: "* ]]
  [[ ${stderr_lines[1]} == "hint: the journal lives in"* ]]
  [ "$(messages)" -eq 0 ]
}
