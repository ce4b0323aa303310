#!/usr/bin/env bats
# The examples against a real nemo-sandbox: examples/batch.sh (one pipeline per prompt under
# xargs -P, one JSON line per video, non-zero when one failed) and the jq cookbook, whose every
# line also runs from examples/jq-cookbook.sh.

bats_require_minimum_version 1.5.0
# The examples are what users run with their jq: not the suite's faster gojq (lib/sandbox).
NEMO_TEST_KEEP_JQ=1
load lib/sandbox

EXAMPLES=$BATS_TEST_DIRNAME/../../examples

setup() {
  export NEMO_RETRY_BASE_MS=10 NEMO_RETRY_AFTER_DEFAULT=1
  OUT=$BATS_TEST_TMPDIR/out
}

teardown() { if [[ -n ${SANDBOX_PID:-} ]]; then sandbox_stop; fi; }

duration() { ffprobe -v error -show_entries format=duration -of csv=p=0 "$1" | cut -d. -f1; }

@test "batch.sh makes one MP4 per prompt, from stdin lines and from files, with one JSON line each" {
  sandbox_start --work-time 100ms --render-time 100ms --credits 100000
  printf 'a 5-second video titled "Three"\n' >"$BATS_TEST_TMPDIR/three.txt"
  run --separate-stderr "$EXAMPLES/batch.sh" -P 3 -o "$OUT" - "$BATS_TEST_TMPDIR/three.txt" \
    <<<$'a 3-second video titled "One"\n\n# not a prompt\na 4-second video titled "Two"'
  [ "$status" -eq 0 ]
  [ "${#lines[@]}" -eq 3 ]
  [ "$(jq -s -c 'map(.n) | sort' <<<"$output")" = "[1,2,3]" ]
  jq -e -s 'all(.ok and .exit == 0 and (.session_id | startswith("ses_")) and .render)' <<<"$output"
  [ "$(jq -s 'map(.session_id) | unique | length' <<<"$output")" -eq 3 ]
  # The n-th prompt is out/<n>.mp4, its sha256 is the one reported, and it lasts what it asked for.
  for n in 1 2 3; do
    [ "$(jq -r --argjson n $n 'select(.n == $n) | .sha256' <<<"$output")" = "$(sha256sum <"$OUT/$n.mp4" | cut -d' ' -f1)" ]
  done
  [ "$(duration "$OUT/1.mp4")" -eq 3 ]
  [ "$(duration "$OUT/2.mp4")" -eq 4 ]
  [ "$(duration "$OUT/3.mp4")" -eq 5 ]
  [ "$(jq -s -c 'sort_by(.n) | map(.source)' <<<"$output")" = "[\"stdin:1\",\"stdin:4\",\"$BATS_TEST_TMPDIR/three.txt\"]" ]
  # Parallel pipelines shared one anonymous token.
  sandbox_counters | jq -e '.tokens_minted_total == 1 and .render_requests == 3'
}

@test "batch.sh goes on after a failed video, names the failing program and exits with its code" {
  sandbox_start --work-time 100ms --render-time 100ms --credits 150 # one generation costs 100
  run --separate-stderr "$EXAMPLES/batch.sh" -P 1 -o "$OUT" <<<$'a 3-second video\na 2-second video'
  [ "$status" -eq 5 ]
  jq -e -s '.[0] | .n == 1 and .ok' <<<"$output"
  # nemo-send refused it itself, before sending: 50 credits left, a generation costs 100
  jq -e -s '.[1] | .n == 2 and (.ok | not) and .exit == 5 and .failed == "nemo-send"
    and (.error | test("not enough credits.*50 available")) and (.session_id | startswith("ses_"))' <<<"$output"
  [[ $stderr == *"150 credits available: enough for 1 of the 2 videos"* ]]
  [[ $stderr == *"video 2 (stdin:2) failed with exit 5"* ]]
  [ -f "$OUT/1.mp4" ]
  [ ! -e "$OUT/2.mp4" ]
  [ "$(sandbox_counters | jq '[.messages[]] | add')" -eq 1 ]
}

@test "batch.sh says what the credits allow, and starts nothing when they allow no video" {
  sandbox_start --work-time 100ms --render-time 100ms --credits 99
  run --separate-stderr "$EXAMPLES/batch.sh" -o "$OUT" <<<$'a 3-second video\na 2-second video'
  [ "$status" -eq 5 ]
  [ -z "$output" ]
  [[ $stderr == *"99 credits available: not enough for one video (about 100 each)"* ]]
  [ "$(sandbox_counters | jq '.messages | length')" -eq 0 ]
  sandbox_credits 10000
  run --separate-stderr "$EXAMPLES/batch.sh" -o "$OUT" <<<'a 3-second video'
  [ "$status" -eq 0 ]
  [[ $stderr == *"10000 credits available: enough for the 1 video(s)"* ]]
}

@test "batch.sh reports every failed render and leaves no MP4 or partial file behind" {
  sandbox_start --work-time 100ms --render-time 100ms --credits 100000 --fault fail_render
  run --separate-stderr "$EXAMPLES/batch.sh" -P 2 -o "$OUT" <<<$'a 3-second video\na 2-second video'
  [ "$status" -eq 12 ]
  [ "${#lines[@]}" -eq 2 ]
  jq -e -s 'all(.ok == false and .exit == 12 and .failed == "nemo-export" and (.error | test("render")))' <<<"$output"
  [[ $stderr == *"2 of 2 videos failed"* ]]
  [ -z "$(ls -A "$OUT")" ]
}

@test "batch.sh refuses a missing prompt file before starting any pipeline" {
  sandbox_start
  run --separate-stderr "$EXAMPLES/batch.sh" -o "$OUT" "$BATS_TEST_TMPDIR/nope.txt"
  [ "$status" -eq 2 ]
  [[ $stderr == *"nope.txt: no such file"* ]]
  run --separate-stderr "$EXAMPLES/batch.sh" -o "$OUT" </dev/null
  [ "$status" -eq 2 ]
  [[ $stderr == *"no prompts"* ]]
  sandbox_counters | jq -e '.requests == 0'
}

@test "every line of the cookbook's code blocks is in jq-cookbook.sh" {
  missing=$(awk '/^```sh$/ { code = 1; next } /^```$/ { code = 0 } code' "$EXAMPLES/jq-cookbook.md" |
    while IFS= read -r line; do
      grep -qxF -- "  $line" "$EXAMPLES/jq-cookbook.sh" || echo "$line"
    done)
  [ -z "$missing" ] || { echo "not in jq-cookbook.sh: $missing"; false; }
  blocks=$(grep -c '^```sh$' "$EXAMPLES/jq-cookbook.md")
  [ "$blocks" -ge 8 ]
}

@test "the README's jq recipes are lines of jq-cookbook.sh" {
  missing=$(awk '/^## / { on = ($0 ~ /^## Recipes with jq/) } on && /^```sh$/ { code = 1; next }
      /^```$/ { code = 0 } on && code && !/^#/' "$BATS_TEST_DIRNAME/../../README.md" |
    while IFS= read -r line; do
      grep -qxF -- "  $line" "$EXAMPLES/jq-cookbook.sh" || echo "$line"
    done)
  [ -z "$missing" ] || { echo "README recipes not in jq-cookbook.sh: $missing"; false; }
}

# The output of one recipe from a run of jq-cookbook.sh (stdout and the "== name" lines merged).
section() { awk -v name="== $1" '$0 == name { on = 1; next } /^== / { on = 0 } on' <<<"$output"; }

@test "every jq cookbook recipe gives its answer against the sandbox" {
  sandbox_start --work-time 100ms --render-time 100ms --credits 100000
  run "$EXAMPLES/jq-cookbook.sh"
  [ "$status" -eq 0 ]
  credits=$(section credits_left)
  [[ $credits =~ ^[0-9]+$ ]] && ((credits < 100000))
  [[ $(section list_uploads) =~ ^photo\.png$'\t'image$'\t'[0-9]+$ ]]
  [[ $(section track_summary) == "Timeline ("*'Title: "Spring"'* ]]
  section what_changed | grep -qx $'added\tTitle\t"Spring" (0-3s)'
  section tools_used | grep -Eq $'^generate_video\tok\t[0-9.]+s$'
  url=$(section render_url)
  [[ $url == "$SANDBOX_CDN/"*.mp4 ]]
  curl -sf -o "$BATS_TEST_TMPDIR/r.mp4" "$url"
  ffprobe -v error "$BATS_TEST_TMPDIR/r.mp4"
  events=$(section stream_events)
  [[ $(head -1 <<<"$events") == tool_call$'\t'* && $(tail -1 <<<"$events") == tool_result$'\t'* ]]
  [[ $(section stream_text) == *[Cc]alm* ]]
  [[ $(section stream_context) == *"Calm"*'"Summer"'* ]]
}

@test "jq-cookbook.sh refuses an unknown recipe" {
  run "$EXAMPLES/jq-cookbook.sh" no_such_recipe
  [ "$status" -eq 2 ]
  [[ $output == *"no recipe no_such_recipe"* ]]
}
