#!/usr/bin/env bats
# nemo-export's journal: the render submitted for a draft is followed, not submitted again, by a
# re-run: after a kill -9 at any moment, after --detach, after the video was deleted. A failed
# render, another draft or --new make a new one.

bats_require_minimum_version 1.5.0
load lib/sandbox
load lib/pipeline

setup_file() { pipeline_sandbox_start; }
teardown_file() { sandbox_stop; }

setup() {
  export XDG_STATE_HOME=$BATS_TEST_TMPDIR/state # each test its own journal
  session_per_test
  generate 'a 3-second video titled "Render"' <ctx.json >made.json
  sandbox_reset
  RENDERS0=$(sandbox_counters | jq -r '.render_requests // 0')
}

# Render requests since the test began.
renders() { echo $(($(sandbox_counters | jq -r '.render_requests // 0') - RENDERS0)); }

@test "kill -9 at random moments of an export, then the same command: one render, one video" {
  # How long one export takes here: the kills land at random points inside that span.
  t0=$(now_us) && nemo-export -q -o first.mp4 <made.json >/dev/null && span=$(($(now_us) - t0))
  followed=0 submitted=0
  for k in $(seq 5); do # k, not i: bats 1.8's run sets i
    nemo-send -q "make the title \"Take $k\"" <made.json >"m$k.json" # a new draft each time
    before=$(renders)
    nemo-export -q -o "v$k.mp4" <"m$k.json" >/dev/null 2>&1 3>&- &
    pid=$!
    random_sleep "$span" >/dev/null
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    [ ! -e "v$k.mp4.part" ] || rm "v$k.mp4.part" # a killed download's leftover, never the video
    run --separate-stderr nemo-export -o "v$k.mp4" <"m$k.json"
    [ "$status" -eq 0 ] || { echo "run $k: exit $status: $stderr" >&2; return 1; }
    ffprobe -v error "v$k.mp4"
    [ "$(jq -r .sha256 <<<"$output")" = "$(sha256sum <"v$k.mp4" | cut -d' ' -f1)" ]
    n=$(($(renders) - before))
    [ "$n" -eq 1 ] || { echo "run $k: $n renders" >&2; return 1; }
    if [[ $stderr == *"following render"* ]]; then followed=$((followed + 1)); else submitted=$((submitted + 1)); fi
  done
  echo "# 5 kills: $followed re-runs followed the killed run's render, $submitted submitted it (killed before)" >&3
}

@test "a re-run for the same draft downloads the same render again; --new renders anew" {
  nemo-export -q -o a.mp4 <made.json >a.json
  [ "$(renders)" -eq 1 ]
  rm a.mp4
  run --separate-stderr nemo-export -o a.mp4 <made.json
  [ "$status" -eq 0 ]
  [[ $stderr == *"following render $(jq -r .render.id a.json)"*"(journal); --new renders again"* ]]
  [ "$(jq -r .render.id <<<"$output")" = "$(jq -r .render.id a.json)" ]
  [ "$(jq -r .sha256 <<<"$output")" = "$(jq -r .sha256 a.json)" ]
  [ "$(renders)" -eq 1 ]
  run --separate-stderr nemo-export -q --new -o b.mp4 <made.json
  [ "$status" -eq 0 ]
  [ "$(jq -r .render.id <<<"$output")" != "$(jq -r .render.id a.json)" ]
  [ "$(renders)" -eq 2 ]
  # other settings are another render
  nemo-export -q --quality low -o c.mp4 <made.json >/dev/null
  [ "$(renders)" -eq 3 ]
}

@test "--detach, then a plain run: it follows the detached render" {
  run --separate-stderr nemo-export --detach <made.json
  [ "$status" -eq 0 ]
  id=$(jq -r .render.id <<<"$output")
  run --separate-stderr nemo-export -q -o v.mp4 <made.json
  [ "$status" -eq 0 ]
  [ "$(jq -r .render.id <<<"$output")" = "$id" ]
  ffprobe -v error v.mp4
  [ "$(renders)" -eq 1 ]
}

# The re-run's first look at the journal's render waits like any poll of a render being followed:
# it used to give up (exit 13) once the transport's three quick tries had each met an HTTP 500.
@test "a re-run following its journal's render rides out three HTTP 500s on the poll route" {
  run --separate-stderr nemo-export --detach <made.json
  [ "$status" -eq 0 ]
  id=$(jq -r .render.id <<<"$output")
  sandbox_fault '{"inject": "^GET /api/render/proxy/lambda/", "inject_code": 500, "inject_times": 3}'
  run --separate-stderr nemo-export -o v.mp4 <made.json
  [ "$status" -eq 0 ] || { echo "exit $status: $stderr" >&2; return 1; }
  [[ $stderr == *"following render $id"* ]]
  [ "$(jq -r .render.id <<<"$output")" = "$id" ]
  [ "$(sandbox_counters | jq '[.injected // {} | .[]] | add // 0')" -eq 3 ]
  ffprobe -v error v.mp4
  [ "$(renders)" -eq 1 ]
}

@test "a failed render is submitted again by the re-run" {
  sandbox_fault '{"fail_render": true}'
  run --separate-stderr nemo-export -q -o v.mp4 <made.json
  [ "$status" -eq 12 ]
  sandbox_reset
  run --separate-stderr nemo-export -q -o v.mp4 <made.json
  [ "$status" -eq 0 ]
  ffprobe -v error v.mp4
  [ "$(renders)" -eq 2 ]
}

@test "two exports of one draft at once: the second waits and downloads the same render" {
  sandbox_fault '{"render_time_ms": 1500}'
  nemo-export -q -o a.mp4 <made.json >a.json &
  a=$!
  for ((i = 0; i < 100; i++)); do [ "$(renders)" -eq 1 ] && break; sleep 0.05; done
  run --separate-stderr nemo-export -o b.mp4 <made.json
  wait "$a"
  [ "$status" -eq 0 ]
  [[ $stderr == *"another nemo-export is rendering this draft"* ]]
  [ "$(jq -r .render.id <<<"$output")" = "$(jq -r .render.id a.json)" ]
  cmp a.mp4 b.mp4
  [ "$(renders)" -eq 1 ]
}

@test "nemo-state --journal shows the render with its id and status" {
  nemo-export -q -o v.mp4 <made.json >v.json
  run --separate-stderr nemo-state --journal <made.json
  [ "$status" -eq 0 ]
  jq -e --arg id "$(jq -r .render.id v.json)" '[.journal[] | select(.kind == "render")]
    | length == 1 and (.[0] | .render_id == $id and .status == "completed" and .format == "mp4"
      and .quality == "high" and (.draft_sha256 | test("^[0-9a-f]{64}$")))' <<<"$output"
}
