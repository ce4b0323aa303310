#!/usr/bin/env bats
# examples/Makefile: make -j4 turns four prompts into four MP4s; a failed export leaves no
# video behind, and a rerun reuses the cached sessions and drafts.

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
