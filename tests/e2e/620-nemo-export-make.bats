#!/usr/bin/env bats
# examples/Makefile: make -j4 turns four prompts into four MP4s; a failed export leaves no
# video behind, and a rerun reuses the cached sessions and drafts. Short of credits it says so
# and leaves no empty context; killed at any moment and run again, it sends each prompt once.

bats_require_minimum_version 1.5.0
load lib/sandbox

setup_file() {
  sandbox_start --work-time 300ms --render-time 1s --credits 100000
  export NEMO_RETRY_BASE_MS=10 NEMO_RETRY_AFTER_DEFAULT=1 NEMO_POLL_BASE_MS=50
}
teardown_file() { sandbox_stop; }

setup() {
  cd "$BATS_TEST_TMPDIR"
  cp -r "$NEMO_SOURCE_DIR/examples" ex
  rm -rf ex/out
  send=nemo-send
  sandbox_reset
}
teardown() { sandbox_credits 100000; }

@test "make -j4 builds one playable MP4 per prompt" {
  run make -j4 -C ex NEMO="$NEMO_BIN/" NEMO_SEND="$send"
  [ "$status" -eq 0 ]
  for p in ex/prompts/*.txt; do
    name=$(basename "$p" .txt)
    [ -s "ex/out/$name.mp4" ]
    ffprobe -v error "ex/out/$name.mp4"
    jq -e .session_id "ex/out/$name.session.json"
  done
  [ "$(ls ex/out/*.mp4 | wc -l)" -eq 4 ]
  [ -z "$(ls ex/out | grep '\.part$')" ]
  [ "$(sandbox_counters | jq '.tokens_minted_total')" -eq 1 ]
}

@test "a failed render leaves no MP4; the rerun reuses the sessions and sends nothing again" {
  sandbox_fault '{"fail_render":true}'
  run make -j4 -C ex NEMO="$NEMO_BIN/" NEMO_SEND="$send"
  [ "$status" -ne 0 ]
  [ -z "$(ls ex/out | grep -E '\.mp4(\.part)?$')" ]
  [ "$(ls ex/out/*.session.json | wc -l)" -eq 4 ]
  messages=$(sandbox_counters | jq '[.messages // {} | .[]] | add')
  sandbox_reset
  run make -j4 -C ex NEMO="$NEMO_BIN/" NEMO_SEND="$send"
  [ "$status" -eq 0 ]
  [ "$(ls ex/out/*.mp4 | wc -l)" -eq 4 ]
  [ "$(sandbox_counters | jq '[.messages // {} | .[]] | add')" -eq "$messages" ]
}

# Messages the sandbox received for each prompt's session, as "name=count" lines.
sends_per_prompt() {
  local f sid counters
  counters=$(sandbox_counters)
  for f in ex/out/*.session.json; do
    sid=$(jq -r .session_id "$f")
    echo "$(basename "$f" .session.json)=$(jq -r --arg s "$sid" '.messages[$s] // 0' <<<"$counters")"
  done
}
# No context file is empty or half-written.
contexts_whole() {
  local f
  [ -z "$(find ex/out -name '*.json' -empty)" ] || { echo "empty: $(find ex/out -name '*.json' -empty)" >&2; return 1; }
  for f in ex/out/*.json; do
    [ -e "$f" ] || continue
    jq -e . "$f" >/dev/null || { echo "$f does not parse" >&2; return 1; }
  done
}

@test "short of credits: make says what the balance allows, fails, leaves no empty context; the rerun finishes" {
  sandbox_credits 150
  run --separate-stderr make -j4 -C ex NEMO="$NEMO_BIN/" NEMO_SEND="$send"
  sandbox_credits 100000
  [ "$status" -ne 0 ]
  [[ $stderr == *"examples: warning: 150 credits available: enough for 1 of the 4 video(s) to send"* ]]
  contexts_whole
  [ "$(ls ex/out/*.session.json | wc -l)" -eq 4 ]
  [ "$(ls ex/out/*.sent.json 2>/dev/null | wc -l)" -le 1 ]
  run --separate-stderr make -j4 -C ex NEMO="$NEMO_BIN/" NEMO_SEND="$send"
  [ "$status" -eq 0 ]
  [[ $stderr == *"credits available: enough for the 3 video(s) to send"* ]]
  [ "$(ls ex/out/*.mp4 | wc -l)" -eq 4 ]
  contexts_whole
}

@test "make -j4 killed with kill -9 at random moments, then run again: one send per prompt, every video" {
  export NEMO_POLL_BASE_MS=300
  # How long a whole build takes here: the kills land at random points inside that span.
  t0=$(date +%s%N)
  make -j4 -C ex NEMO="$NEMO_BIN/" NEMO_SEND="$send" >/dev/null 2>&1
  span=$((($(date +%s%N) - t0) / 1000))
  for round in 1 2 3; do
    rm -rf ex/out
    renders=$(sandbox_counters | jq .render_requests)
    # its own process group, so one kill takes make and every program it started
    setsid make -j4 -C ex NEMO="$NEMO_BIN/" NEMO_SEND="$send" >/dev/null 2>&1 3>&- &
    pid=$!
    delay=$(random_sleep "$span")
    kill -9 -- "-$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    sleep 0.2 # the group's last processes are gone
    contexts_whole
    run --separate-stderr make -j4 -C ex NEMO="$NEMO_BIN/" NEMO_SEND="$send --recover-timeout 3s"
    if [ "$status" -ne 0 ]; then
      # A kill in the instant between a message's record and its request leaving (the record's
      # directory fsync is most of it) leaves it unknown whether the message arrived: the re-run
      # does not send it on a guess and ends with exit 10, naming --again (nemo-send(1)). Only
      # for a prompt whose session got nothing is that what the user then runs.
      [[ $stderr == *"(--recover-timeout)"*"--again"* ]] || { echo "round $round: make: $stderr" >&2; return 1; }
      for f in ex/prompts/*.txt; do
        name=$(basename "$f" .txt)
        [ -e "ex/out/$name.sent.json" ] && continue
        [ "$(sends_per_prompt | grep "^$name=")" = "$name=0" ] ||
          { echo "round $round: $name failed after its message arrived: $stderr" >&2; return 1; }
      done
      run --separate-stderr make -j4 -C ex NEMO="$NEMO_BIN/" NEMO_SEND="$send --again"
      [ "$status" -eq 0 ] || { echo "round $round: make with --again: $stderr" >&2; return 1; }
      echo "# round $round: a message killed before it left, sent with --again" >&3
    fi
    [ "$(ls ex/out/*.mp4 | wc -l)" -eq 4 ]
    for v in ex/out/*.mp4; do ffprobe -v error "$v"; done
    contexts_whole
    sends=$(sends_per_prompt)
    [ "$(grep -c '=1$' <<<"$sends")" -eq 4 ] || { echo "round $round: $sends" >&2; return 1; }
    [ "$(($(sandbox_counters | jq .render_requests) - renders))" -eq 4 ]
    echo "# round $round: killed after $((delay / 1000)) ms of $((span / 1000)) ms" >&3
  done
}
