#!/usr/bin/env bats
# A pipeline fails like one program: the stage that fails says why once (with its hint) and passes
# a failure context down the pipe; the stages after it print nothing, send nothing and exit with
# the same code, so `$?` is the first failure's code with or without pipefail. Each stage of
# pipelines of 2 to 5 stages is failed in turn: network, token, session, credits, server error,
# bad input, bad flag.

bats_require_minimum_version 1.5.0
load lib/sandbox
load lib/pipeline

setup_file() { pipeline_sandbox_start; }
teardown_file() { sandbox_stop; }
setup() {
  sandbox_reset
  sandbox_credits 100000
  cd "$BATS_TEST_TMPDIR"
}

# run_pipeline PIPEFAIL COMMAND: runs the pipeline in bash (with `set -o pipefail` when PIPEFAIL
# is 1), its stdout in out, its stderr in err; STATUS is $?, CODES the PIPESTATUS.
run_pipeline() {
  local opt=""
  [ "$1" = 1 ] && opt="set -o pipefail;"
  bash -c "$opt $2"'
    st=("$?" "${PIPESTATUS[@]}"); echo "${st[*]:1}" >codes; exit "${st[0]}"' >out 2>err && STATUS=0 || STATUS=$?
  CODES=$(cat codes)
}

# check_failure PROGRAM EXIT STAGES: one error from PROGRAM (and its hint, if it gave one), no
# other program's error, every stage from the failing one on exited EXIT, and `$?` is EXIT.
check_failure() {
  local program=$1 code=$2 stages=$3
  local errors
  errors=$(pipeline_errors err)
  [ "$(grep -c . <<<"$errors")" -eq 1 ] || { cat err; return 1; }
  [[ $errors == "$program: "* ]] || { cat err; return 1; }
  [ "$STATUS" -eq "$code" ] || { echo "status $STATUS, codes $CODES"; return 1; }
  local last
  last=$(awk '{ print $NF }' <<<"$CODES")
  [ "$last" -eq "$code" ] || { echo "codes $CODES"; return 1; }
  [ "$(wc -w <<<"$CODES")" -eq "$stages" ]
  # Never a usage error (2) from a stage that had only a failure to pass on.
  if [ "$code" -ne 2 ]; then
    [[ " $CODES " != *" 2 "* ]] || { echo "codes $CODES"; return 1; }
  fi
}

messages_total() { sandbox_counters | jq '[.messages // {} | .[]] | add // 0'; }
renders_total() { sandbox_counters | jq '.render_requests // 0'; }

@test "network: a wrong NEMO_API_URL through auth | session | send | export is one error, exit 10" {
  for pf in 0 1; do
    run_pipeline $pf 'NEMO_API_URL=http://127.0.0.1:9 nemo-auth | nemo-session | nemo-send "a 10-second video" | nemo-export -o y.mp4'
    check_failure nemo-auth 10 4
    [ "$CODES" = "10 10 10 10" ]
    grep -q '^hint: ' err
    [ "$(grep -c '^hint: ' err)" -eq 1 ]
    [ ! -e y.mp4 ]
  done
}

@test "token: NEMO_TOKEN=garbage through the same pipeline is one error, exit 3, nothing sent" {
  for pf in 0 1; do
    run_pipeline $pf 'NEMO_TOKEN=garbage nemo-auth | nemo-session | nemo-send "a 10-second video" | nemo-export -o y.mp4'
    check_failure nemo-auth 3 4
    [ "$CODES" = "3 3 3 3" ]
    [ ! -e y.mp4 ]
  done
  [ "$(messages_total)" -eq 0 ]
  [ "$(renders_total)" -eq 0 ]
}

@test "session: an unknown session at the third stage of five is exit 4 from there on" {
  for pf in 0 1; do
    run_pipeline $pf 'nemo-auth | nemo-session | nemo-send --session ses_doesnotexist "a 10-second video" | nemo-state | nemo-export -o y.mp4'
    check_failure nemo-send 4 5
    [[ $CODES == "0 0 4 4 4" ]]
    [ ! -e y.mp4 ]
  done
  [ "$(messages_total)" -eq 0 ]
}

@test "credits: no credits stops nemo-send before sending; nemo-export renders nothing; exit 5" {
  sandbox_credits 0
  for pf in 0 1; do
    run_pipeline $pf 'nemo-auth | nemo-session | nemo-send "a 10-second video" | nemo-export -o y.mp4'
    check_failure nemo-send 5 4
    [ "$CODES" = "0 0 5 5" ]
    grep -q '^hint: ' err
  done
  [ "$(messages_total)" -eq 0 ]
  [ "$(renders_total)" -eq 0 ]
}

@test "server error: a 500 on session creation is exit 13 for the rest of the pipe" {
  sandbox_fault '{"inject": "^POST /api/tasks/me/with-session", "inject_code": 500, "inject_times": 1000}'
  for pf in 0 1; do
    run_pipeline $pf 'nemo-auth | nemo-session | nemo-send "a 10-second video" | nemo-export -o y.mp4'
    check_failure nemo-session 13 4
    [ "$CODES" = "0 13 13 13" ]
  done
  [ "$(messages_total)" -eq 0 ]
  [ "$(renders_total)" -eq 0 ]
}

@test "bad input: a missing file for nemo-upload is its exit code through the last stage" {
  for pf in 0 1; do
    run_pipeline $pf 'nemo-auth | nemo-session | nemo-upload missing.png | nemo-send "a 10-second video" | nemo-export -o y.mp4'
    code=$(awk '{ print $3 }' <<<"$CODES")
    [ "$code" -ne 0 ]
    check_failure nemo-upload "$code" 5
    [ "$CODES" = "0 0 $code $code $code" ]
  done
  [ "$(messages_total)" -eq 0 ]
}

@test "bad flag: a usage error at the second of two stages, and at the first of three" {
  for pf in 0 1; do
    run_pipeline $pf 'nemo-auth | nemo-session --no-such-flag'
    check_failure nemo-session 2 2
    # nemo-auth may find its reader gone: a quiet 141, not a second message.
    [[ $CODES == "0 2" || $CODES == "141 2" ]]
    run_pipeline $pf 'nemo-session --no-such-flag | nemo-send "a 10-second video" | nemo-export'
    check_failure nemo-session 2 3
    [ "$CODES" = "2 2 2" ]
    grep -q '^hint: run `nemo-session --help`' err
  done
  [ "$(messages_total)" -eq 0 ]
}

@test "the failure context: one JSON line on stdout when piped, none on a terminal; --error-format json on stderr is the same object" {
  run --separate-stderr env NEMO_API_URL=http://127.0.0.1:9 nemo-auth
  [ "$status" -eq 10 ]
  failure_context_only "$output" 10 nemo-auth
  run --separate-stderr env NEMO_API_URL=http://127.0.0.1:9 nemo-auth --error-format json
  [ "$status" -eq 10 ]
  [ "$(jq -c . <<<"$output")" = "$(jq -c . <<<"$stderr")" ]
  # A terminal gets the error on stderr only.
  run --separate-stderr env NEMO_FORCE_TTY=1 NEMO_API_URL=http://127.0.0.1:9 nemo-auth
  [ "$status" -eq 10 ]
  [ -z "$output" ]
  # Passed on unchanged, exit code and all, and silently.
  printf '%s\n' '{"error":{"exit":9,"message":"rate limited","program":"nemo-upload"}}' >failed.json
  run --separate-stderr nemo-export <failed.json
  [ "$status" -eq 9 ]
  [ -z "$stderr" ]
  failure_context_only "$output" 9 nemo-upload
}

@test "an empty pipe is exit 15 with one short line, never a usage error; run alone, a program still says what is missing" {
  for pf in 0 1; do
    run_pipeline $pf 'true | nemo-send "a 10-second video" | nemo-export -o y.mp4'
    check_failure nemo-send 15 3
    [ "$CODES" = "0 15 15" ]
    [ "$(wc -l <err)" -eq 1 ]
  done
  # A stdin that is not a pipe and empty: the old rule (no session id), with its hint.
  run --separate-stderr nemo-send "a 10-second video" </dev/null
  [ "$status" -eq 2 ]
  [[ $stderr == *"no session id"* ]]
  [[ $stderr == *"hint: "* ]]
  [ "$(messages_total)" -eq 0 ]
}

@test "-O FILE: a failure passed down leaves no file and says nothing" {
  run_pipeline 0 'NEMO_TOKEN=garbage nemo-auth | nemo-session -O s.json'
  check_failure nemo-auth 3 2
  [ ! -e s.json ]
  [ ! -s out ]
}
