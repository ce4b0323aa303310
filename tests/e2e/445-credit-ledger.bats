#!/usr/bin/env bats
# The credit ledger: parallel jobs share one budget. Without it each nemo-send checks the balance
# alone, and eight jobs that each see credits for three together send eight.

bats_require_minimum_version 1.5.0
load lib/sandbox

setup_file() {
  nemo_test_env
  sandbox_start --work-time 300ms
  nemo-auth >"$BATS_FILE_TMPDIR/auth.json"
}
teardown_file() { sandbox_stop; }
setup() {
  nemo_test_env
  cd "$BATS_TEST_TMPDIR" || return 1
  sandbox_reset
}

messages() { sandbox_counters | jq '[.messages[]] | add // 0'; }

# Eight prompts, one video each, as a Makefile would make them.
write_makefile() {
  cat >Makefile <<'MAKE'
PROMPTS := 1 2 3 4 5 6 7 8
all: $(PROMPTS:%=out/%.json)
out/%.json:
	@mkdir -p out
	nemo-session <auth.json | nemo-send "a 10-second video of lighthouse $*" >$@.tmp && mv $@.tmp $@
MAKE
  cp "$BATS_FILE_TMPDIR/auth.json" auth.json
}

@test "make -j8 with a balance for three videos sends exactly three, twenty times over" {
  write_makefile
  for run in $(seq 20); do
    sandbox_credits 300
    rm -rf out
    before=$(messages)
    NEMO_LEDGER=$BATS_TEST_TMPDIR/build-$run.ledger run --separate-stderr make -k -s -j8
    sent=$(($(messages) - before))
    made=$(find out -name '*.json' | wc -l)
    echo "# run $run: status $status, $sent sent, $made made" >&2
    [ "$status" -ne 0 ]
    [ "$sent" -eq 3 ]
    [ "$made" -eq 3 ]
    # the five refused say why, before sending
    [ "$(grep -c 'nemo-send: not enough credits' <<<"$stderr")" -eq 5 ]
  done
}

@test "xargs -P16 under a cap of 250 credits sends two, and the refusals name the holders" {
  cp "$BATS_FILE_TMPDIR/auth.json" auth.json
  sandbox_credits 100000
  before=$(messages)
  export NEMO_MAX_CREDITS=250 NEMO_BUDGET_ID=nightly-$RANDOM
  run --separate-stderr bash -c 'seq 16 | xargs -P16 -I{} sh -c '\''nemo-session <auth.json | nemo-send "a 10-second video of harbour {}" >/dev/null'\'''
  [ "$status" -eq 123 ]  # xargs: some command failed
  [ $(($(messages) - before)) -eq 2 ]
  [ "$(grep -c "the budget's cap of 250 credits would be crossed" <<<"$stderr")" -eq 14 ]
  grep -q 'NEMO_MAX_CREDITS' <<<"$stderr"
  # the budget is the build's: its ledger is in the state directory, private
  ledger=$XDG_STATE_HOME/nemovideo/budgets/$NEMO_BUDGET_ID.json
  [ "$(jq .spent "$ledger")" -eq 200 ]
  [ "$(jq '.reservations | length' "$ledger")" -eq 0 ]
  [ "$(stat -c %a "$XDG_STATE_HOME/nemovideo/budgets")" = 700 ]
}

@test "a reservation whose process was killed is released" {
  cp "$BATS_FILE_TMPDIR/auth.json" auth.json
  sandbox_credits 100
  export NEMO_LEDGER=$BATS_TEST_TMPDIR/kill.ledger
  nemo-session <auth.json >s1.json
  nemo-session <auth.json >s2.json
  sandbox_fault '{"work_time_ms": 30000}'
  nemo-send "a 10-second video of a slow tide" <s1.json >/dev/null 2>&1 &
  pid=$!
  for _ in $(seq 100); do
    [ "$(jq '.reservations | length' "$NEMO_LEDGER" 2>/dev/null)" = 1 ] && break
    sleep 0.1
  done
  [ "$(jq '.reservations | length' "$NEMO_LEDGER")" = 1 ]
  # while it runs, a second one is refused: the credits are the first one's
  run --separate-stderr nemo-send "a 10-second video of a fast tide" <s2.json
  [ "$status" -eq 5 ]
  [[ $stderr == *"100 reserved by 1 run in flight (pid $pid: nemo-send: generation in ses_"* ]]
  # nemo-auth credits shows it beside the balance
  nemo-auth credits <auth.json | jq -e --argjson pid "$pid" \
    '.credits.reserved == 100 and .credits.reservations[0].pid == $pid and .credits.cap == null'
  kill -9 "$pid"
  wait "$pid" || true
  sandbox_reset
  sandbox_wait_run "$(jq -r .session_id s1.json)"
  sandbox_credits 100
  run --separate-stderr nemo-send "a 10-second video of a fast tide" <s2.json
  [ "$status" -eq 0 ]
}
