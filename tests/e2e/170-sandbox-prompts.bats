#!/usr/bin/env bats
# Every prompt the suite's documents show (README.md, man/*.1, man/*.7, examples/: found by
# tests/e2e/lib/prompts.py, the man pages by glob), sent the way the document sends it through
# the real programs, against a sandbox: the draft changes the way the prompt says (uploads
# placed in order, durations, titles, music and volumes, canvas, time of day). A new example
# cannot drift from the sandbox. Then the agent's claims: every change an edit reports is in
# the drafts, and every change in the drafts is reported.

load lib/sandbox

PROMPTS="$BATS_TEST_DIRNAME/lib/prompts.py"

setup_file() {
  sandbox_start --work-time 20ms --credits 1000000
  # The files the documents' pipelines upload: real pictures and a real clip.
  MEDIA=$BATS_FILE_TMPDIR/media
  mkdir -p "$MEDIA"
  for f in a b c photo; do
    ffmpeg -v error -f lavfi -i "color=c=#$((RANDOM % 9))$((RANDOM % 9))8844:s=64x48" -frames:v 1 "$MEDIA/$f.png"
  done
  ffmpeg -v error -f lavfi -i testsrc=s=64x48:r=10:d=1 -pix_fmt yuv420p "$MEDIA/clip.mp4"
  export MEDIA
}
teardown_file() { sandbox_stop; }
setup() { nemo_test_env; }

sid_of() { jq -r .session_id "$1"; }
draft_of() { sandbox_session "$(sid_of "$1")" | jq -c .draft; }

# Runs one case the way its document does; leaves before.json and after.json in $PWD.
run_case() {
  local case=$1 prompt mode again
  prompt=$(jq -r .prompt <<<"$case")
  mode=$(jq -r .mode <<<"$case")
  again=$(jq -r .again <<<"$case")
  nemo-auth | nemo-session --name prompts >ctx.json
  mapfile -t uploads < <(jq -r '.uploads[]' <<<"$case")
  if [ "${#uploads[@]}" -gt 0 ]; then
    (cd "$MEDIA" && nemo-upload -q "${uploads[@]}") <ctx.json >up.json && mv up.json ctx.json
  fi
  if [ "$mode" = edit ]; then
    nemo-send -q 'a 10-second video titled "Base" with upbeat music' <ctx.json >gen.json
    mv gen.json ctx.json
  fi
  draft_of ctx.json >before.json
  local args=(-q)
  mapfile -t docs < <(jq -r '.documents[]' <<<"$case")
  for d in "${docs[@]}"; do
    python3 "$PROMPTS" make-document "$d"
    args+=(-f "$d")
  done
  if [ "$(jq -r .as_document <<<"$case")" = true ]; then
    printf '%s\n' "$prompt" >prompt.txt # sent alone, as examples/Makefile sends it
    nemo-send "${args[@]}" -f prompt.txt <ctx.json >sent.json
  else
    nemo-send "${args[@]}" "$prompt" <ctx.json >sent.json
    if [ "$again" = true ]; then
      nemo-send "${args[@]}" --again "$prompt" <sent.json >again.json && mv again.json sent.json
    fi
  fi
  draft_of ctx.json >after.json
}

@test "the documents' prompts are found, the man pages by glob" {
  run python3 "$PROMPTS" list "$NEMO_SOURCE_DIR"
  [ "$status" -eq 0 ]
  cases=$output
  [ "$(wc -l <<<"$cases")" -ge 15 ]
  jq -se 'any(.source | startswith("README.md:"))' <<<"$cases"
  jq -se 'any(.source | test("^man/[^/]+\\.1:"))' <<<"$cases"
  jq -se 'any(.source | test("^man/[^/]+\\.7:"))' <<<"$cases"
  jq -se 'any(.source | startswith("examples/prompts/"))' <<<"$cases"
  jq -se 'any(.uploads | length > 0)' <<<"$cases"
  jq -se 'any(.prompt == "make the music quieter" and .again)' <<<"$cases"
  # Every man page is read, whatever its name: a page added for the test is found too.
  root=$BATS_TEST_TMPDIR/root
  mkdir -p "$root/man" "$root/examples"
  : >"$root/README.md"
  printf '%s\n' '.EX' 'nemo\-auth | nemo\-session | nemo\-send "a 7\-second video titled \e"Renamed\e""' '.EE' \
    >"$root/man/nemo-video.7"
  run python3 "$PROMPTS" list "$root"
  [ "$output" = '{"source": "man/nemo-video.7:2", "prompt": "a 7-second video titled \"Renamed\"", "mode": "generate", "again": false, "uploads": [], "documents": [], "as_document": false}' ]
}

@test "every prompt in README.md, man/*.1, man/*.7 and examples/ does what it says" {
  failures=()
  while IFS= read -r case; do
    dir=$(mktemp -d "$BATS_TEST_TMPDIR/case.XXXXXX")
    if ! (cd "$dir" && run_case "$case") >"$dir/log" 2>&1; then
      failures+=("$(jq -r '.source + ": " + .prompt' <<<"$case"): the pipeline failed: $(tail -n 3 "$dir/log")")
      continue
    fi
    if ! out=$(python3 "$PROMPTS" check "$case" "$dir/before.json" "$dir/after.json"); then
      failures+=("$(jq -r '.source + ": " + .prompt' <<<"$case"): $out")
    fi
  done < <(python3 "$PROMPTS" list "$NEMO_SOURCE_DIR")
  printf '%s\n' "${failures[@]}" >&2
  [ "${#failures[@]}" -eq 0 ]
}

@test "uploads: 'these', 'my photos', 'the clip' and file names use them, in order" {
  cd "$BATS_TEST_TMPDIR"
  check() { # PROMPT FILES_UPLOADED... -- EXPECTED_DESCS_JSON
    local prompt=$1 expected=${*: -1}
    local files=("${@:2:$#-2}")
    nemo-auth | nemo-session >ctx.json
    (cd "$MEDIA" && nemo-upload -q "${files[@]}") <ctx.json >up.json
    nemo-send -q "$prompt" <up.json >sent.json
    got=$(draft_of sent.json | jq -c '[.t[] | select(.tt == 0) | .sg[].m.desc]')
    [ "$got" = "$expected" ] || { echo "$prompt: $got, expected $expected" >&2; return 1; }
  }
  check 'a 30-second promotional video from these' a.png b.png c.png clip.mp4 '["a.png","b.png","c.png","clip.mp4"]'
  check 'a video from these' a.png clip.mp4 '["a.png","clip.mp4"]'
  check 'a 10-second video from my photos' a.png clip.mp4 b.png '["a.png","b.png"]'
  check 'a 10-second video of the clip' a.png clip.mp4 '["clip.mp4"]'
  check 'a 20-second slideshow of c.png, a.png and b.png' a.png b.png c.png '["c.png","a.png","b.png"]'
  # ... and the title is not made of the file names
  [ "$(draft_of sent.json | jq -r .m.title)" = Slideshow ]
  check 'a 10-second city timelapse' a.png '["city timelapse","city timelapse"]'
}

@test "titles come from quotes; the words around them are not the subject" {
  cd "$BATS_TEST_TMPDIR"
  nemo-auth | nemo-session | nemo-send -q 'a 10-second video titled "Spring"' >s.json
  d=$(draft_of s.json)
  jq -e '.m.title == "Spring"' <<<"$d"
  jq -e '[.t[] | select(.tt == 0) | .sg[].m.desc] | all(. != "titled")' <<<"$d"
  nemo-auth | nemo-session | nemo-send -q 'a 20-second slideshow of a.png' >s.json
  [ "$(draft_of s.json | jq -r .m.title)" = Slideshow ]
}

@test "relative edits change the draft by their documented step, again and again" {
  cd "$BATS_TEST_TMPDIR"
  nemo-auth | nemo-session | nemo-send -q 'a 10-second video with upbeat music' >c.json
  vol() { draft_of c.json | jq -c '[.t[] | select(.tt == 1) | .sg[0].m.volume][0]'; }
  step() { nemo-send -q "$@" <c.json >n.json && mv n.json c.json; }
  [ "$(vol)" = 0.35 ]
  step 'make the music quieter'
  [ "$(vol)" = 0.18 ]
  step --again 'make the music quieter'
  [ "$(vol)" = 0.09 ]
  step 'quieter still'
  [ "$(vol)" = 0.05 ] # 0.045 is below the floor
  step 'louder'
  [ "$(vol)" = 0.08 ]
  step 'make it shorter'
  [ "$(draft_of c.json | jq '[.t[].sg[] | .st + .d] | max')" = 7500 ]
  step 'longer'
  [ "$(draft_of c.json | jq '[.t[].sg[] | .st + .d] | max')" = 9400 ]
  step 'faster'
  [ "$(draft_of c.json | jq .m.speed)" = 1.5 ]
  step 'slower'
  [ "$(draft_of c.json | jq '.m.speed // 1')" = 1 ]
  step 'brighter'
  [ "$(draft_of c.json | jq .m.brightness)" = 1.25 ]
  step 'darker, and make it night'
  [ "$(draft_of c.json | jq -c '[.m.brightness // 1, .m.time_of_day]')" = '[1,"night"]' ]
  # What nemo-send reports is the volume, not "segments changed" (segment ids are kept).
  step --again 'make the music quieter'
  jq -e '.changes.sentence | test("volume 8% → 5%") and (test("segments changed") | not)' c.json
}

@test "moods and times of day are in the draft" {
  cd "$BATS_TEST_TMPDIR"
  nemo-auth | nemo-session | nemo-send -q 'a 10-second video of a city at night titled "Urban Dreams" with lo-fi music' >n.json
  jq -e '.m.time_of_day == "night"' <<<"$(draft_of n.json)"
  nemo-auth | nemo-session | nemo-send -q 'a calm video of the sea at dusk' >n.json
  jq -e '.m.time_of_day == "dusk" and .m.mood == "calm"' <<<"$(draft_of n.json)"
  nemo-auth | nemo-session | nemo-send -q 'an energetic 5-second video of a party, calm music' >n.json
  jq -e '(.m.mood // "") == "" and ([.t[] | select(.tt == 1) | .m.name][0] == "Calm")' <<<"$(draft_of n.json)"
}

@test "every change an edit claims is in the drafts, and every change in the drafts is claimed" {
  cd "$BATS_TEST_TMPDIR"
  nemo-auth | nemo-session >ctx.json
  (cd "$MEDIA" && nemo-upload -q a.png b.png clip.mp4) <ctx.json >up.json
  nemo-send -q 'a 10-second video titled "Claims" with upbeat music' <up.json >c.json
  edits=(
    'make the music quieter' 'make the music quieter' 'louder' 'make it 8 seconds' 'shorter'
    'longer' 'faster' 'slower' 'brighter' 'darker' 'make it night' 'at dusk' 'a calm mood'
    'change the title to "Second"' 'remove the title' 'add a title "Third"' 'make the music calm'
    'set the music volume to 10%' 'remove the music' 'add upbeat music' 'make it vertical'
    'make it 16:9' 'use my photos' 'put b.png first, then a.png' 'use the clip'
    'nothing in particular' 'make the music quieter')
  # Document edits claim their captions.
  printf '%s\n' 'Captions Doc' 'First line.' 'Second line.' >doc.txt
  failures=()
  for edit in "${edits[@]}" "-f doc.txt"; do
    draft_of c.json >before.json
    if [ "$edit" = "-f doc.txt" ]; then
      nemo-send --stream --again -f doc.txt 'use this' <c.json >stream.ndjson
    else
      nemo-send --stream --again "$edit" <c.json >stream.ndjson
    fi
    tail -n 1 stream.ndjson >c.json
    draft_of c.json >after.json
    jq -c 'select(.type == "tool_result" and .name == "edit_timeline") | .result' stream.ndjson >result.json
    reply=$(jq -r .reply c.json)
    if ! p=$(python3 "$PROMPTS" claims before.json after.json result.json); then
      failures+=("$edit: $p")
    fi
    # The reply says the same changes, and "nothing changed" only when nothing did.
    texts=$(jq -r '.changes | join("; ")' result.json)
    if [ -z "$texts" ]; then
      [ "$(jq -cS . before.json)" = "$(jq -cS . after.json)" ] || failures+=("$edit: the draft changed, the reply: $reply")
      [[ $reply == "Done: nothing changed"* ]] || failures+=("$edit: reply $reply")
    else
      [[ $reply == "Done: $texts. "* ]] || failures+=("$edit: reply '$reply' is not its changes '$texts'")
    fi
  done
  printf '%s\n' "${failures[@]}" >&2
  [ "${#failures[@]}" -eq 0 ]
  # The edits did change things: the list above is not a list of no-ops.
  [ "$(draft_of c.json | jq -c '[.t[] | select(.tt == 0) | .sg[].m.desc]')" = '["clip.mp4"]' ]
}
