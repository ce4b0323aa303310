#!/usr/bin/env bats
# Error dialects × nemo-send's endpoints (lib/dialects.bash), the SSE error event included: an
# error on /run_sse is never "exit 0, no change"; a message is sent once (twice only when the
# first was refused for its token); a run that completed is reported even when the state read
# after it fails; a stream that ended before any event is not a success.

bats_require_minimum_version 1.5.0
load lib/sandbox
load lib/dialects

setup_file() { dialects_setup_file; }
teardown_file() { sandbox_stop; }
setup() { dialects_setup; }

@test "nemo-send: the state read before sending (nothing is sent)" {
  RETRIES_5XX=2 MORE_SENDS=1 matrix_endpoint send-before '^GET /api/state/' \
    'nemo-send -q --again "make the title \"Before\"" <"$CTX"' '.reply | length > 0' 1001 1002 503
  matrix_report
}

@test "nemo-send: /run_sse in every dialect, the SSE error event included" {
  # Plain text on HTTP 200 is no event stream and no envelope: the run's fate is unknown, so it
  # is read from the state (nothing changes here: exit 10), never sent again.
  EXTRA_DIALECTS="event adk adk200" RETRIES_429=0 TEXT200_EXIT=10 matrix_endpoint run_sse '^POST /run_sse' \
    'nemo-send -q --again --recover-timeout 1s "make the title \"Run\"" <"$CTX"' '.reply | length > 0' \
    1001 1002 2001 429 503
  matrix_report
}

@test "nemo-send: an API envelope written into the stream as its error event" {
  # {"code":"2001",…} or {"success":false,"code":"1002",…} as the stream's one event: the old
  # client took it for an event of no kind and reported a run that changed nothing (exit 0).
  local DIALECTS=() shape
  for shape in envelope success; do
    EXTRA_DIALECTS=event EVENT_SHAPE=$shape RETRIES_429=0 TEXT200_EXIT=skip \
      matrix_endpoint "run_sse-$shape" '^POST /run_sse' \
      'nemo-send -q --again "make the title \"Envelope\"" <"$CTX"' '.reply | length > 0' \
      1001 1002 2001 503
  done
  matrix_report
}

@test "nemo-send: /run_sse errors labelled text/event-stream are read as the errors they are" {
  # A gateway that set the stream's type before writing the error: the code is not lost (the
  # old client took the body for a stream without events, and waited on the state).
  local DIALECTS=(api api200 success success200 success_string success_string200)
  ERROR_TYPE=text/event-stream RETRIES_429=0 TEXT200_EXIT=10 matrix_endpoint run_sse-labelled '^POST /run_sse' \
    'nemo-send -q --again --recover-timeout 1s "make the title \"Label\"" <"$CTX"' \
    '.reply | length > 0' 1001 1002 2001
  matrix_report
}

@test "nemo-send: the state read after a completed run fails: exit 0, the reply, changes unknown" {
  local d c
  for d in "${DIALECTS[@]}"; do
    for c in 1001 1002 503; do
      # The run happened and was charged: whatever the read says, the run is reported.
      INJECT_SKIP=1 MORE_SENDS=3 matrix_row send-after "$d" "$c" 99 0 '^GET /api/state/' \
        'nemo-send -q --again "make the title \"After\"" <"$CTX"' \
        '(.reply | length > 0) and .changes.unknown == true and (.summary == null)'
    done
  done
  matrix_report
}

@test "nemo-send: a close-delimited stream that ends before any event is recovered from the state" {
  sandbox_fault '{"close_delimited": true, "end_before_events": true}'
  local ctx before
  ctx=$(nemo-session --name early <"$CTX")
  before=$(sandbox_counters | jq '.messages // {} | add // 0')
  run --separate-stderr nemo-send -q 'make the title "Early"' <<<"$ctx"
  [ "$status" -eq 0 ]
  jq -e '.recovered == true and (.changes.sentence | test("Early"))' <<<"$output"
  [ "$(sandbox_counters | jq '.messages // {} | add // 0')" -eq $((before + 1)) ]
}

@test "nemo-send: a chunked stream that ends before any event is recovered too" {
  sandbox_fault '{"end_before_events": true}'
  local ctx
  ctx=$(nemo-session --name early2 <"$CTX")
  run --separate-stderr nemo-send -q 'make the title "Early Two"' <<<"$ctx"
  [ "$status" -eq 0 ]
  jq -e '.recovered == true and (.changes.sentence | test("Early Two"))' <<<"$output"
}

@test "nemo-send --timeout bounds the state reads around the run, their retries included" {
  # The gateway answers every state read with a 503, and the client's backoff between tries is a
  # minute: only --timeout can end this. (timeout 60 is a watchdog: 124 means it did not.)
  sandbox_fault '{"inject": "^GET /api/state/", "inject_code": 503, "inject_times": 1000}'
  local sends
  sends=$(sandbox_counters | jq '.hits["POST /run_sse"] // 0')
  NEMO_RETRY_BASE_MS=60000 run --separate-stderr timeout 60 nemo-send -q --timeout 1s 'hello' <"$CTX"
  echo "# $status ${stderr_lines[*]}" >&2
  [ "$status" -eq 13 ]
  [[ ${stderr_lines[0]} == "nemo-send: "*503* ]]
  [ "$(sandbox_counters | jq '.hits["POST /run_sse"] // 0')" -eq "$sends" ]
}
