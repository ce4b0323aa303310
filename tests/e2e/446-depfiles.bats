#!/usr/bin/env bats
# Inputs make can see: -M FILE writes a make depfile naming every local file that went into the
# target (the uploaded files, the -f documents, and for the video all of them), so that editing one rebuilds exactly the targets
# that depend on it.

bats_require_minimum_version 1.5.0
load lib/sandbox

setup_file() {
  nemo_test_env
  sandbox_start
}
teardown_file() { sandbox_stop; }
setup() {
  nemo_test_env
  cd "$BATS_TEST_TMPDIR" || return 1
  mkdir -p img brief
  for n in a b; do
    ffmpeg -loglevel error -f lavfi -i "color=c=red:s=64x64" -frames:v 1 "img/$n.png"
    echo "A harbour at dawn, brief $n." >"brief/$n.txt"
  done
  nemo-auth >auth.json
  cat >Makefile <<'MAKE'
all: out/a.mp4 out/b.mp4 steps
# named, so that make never takes them for intermediate files and deletes them
steps: $(foreach n,a b,out/$(n).session.json out/$(n).up.json out/$(n).sent.json)
out/%.session.json:
	@mkdir -p out
	nemo-session <auth.json -O $@
out/%.up.json: out/%.session.json
	nemo-upload -M $@.d -O $@ img/$*.png <$<
out/%.sent.json: out/%.up.json
	nemo-send -M $@.d -O $@ -f brief/$*.txt "a 10-second video from these" <$<
out/%.mp4: out/%.sent.json
	nemo-export -q -M $@.d -o $@ <$<
-include out/*.d
MAKE
}

# The targets make rebuilds, as "a.up a.sent …".
rebuilt() {
  make -s 2>/dev/null >/dev/null || return 1
  local t
  for t in out/*.json out/*.mp4; do
    [ "$t" -nt stamp ] && printf '%s ' "$(basename "$t" .json)"
  done
  echo
}

@test "the depfiles name the uploads and documents, escaped for make" {
  make -s >/dev/null 2>&1
  [ "$(cat out/a.up.json.d)" = "$(printf 'out/a.up.json: img/a.png\n\nimg/a.png:')" ]
  run cat out/b.sent.json.d
  [ "${lines[0]}" = "out/b.sent.json: img/b.png brief/b.txt" ]
  jq -e '.inputs == ["img/b.png", "brief/b.txt"]' out/b.sent.json
  # the video depends on all of them, through the context
  [ "$(head -1 out/a.mp4.d)" = "out/a.mp4: img/a.png brief/a.txt" ]
}

@test "editing an input rebuilds exactly what depends on it" {
  make -s >/dev/null 2>&1
  sleep 1.1 && touch stamp && sleep 1.1
  [ "$(rebuilt)" = "" ]
  touch img/b.png
  [ "$(rebuilt)" = "b.sent b.up b.mp4 " ]
  sleep 1.1 && touch stamp && sleep 1.1
  touch brief/a.txt
  [ "$(rebuilt)" = "a.sent a.mp4 " ]
  # a deleted input does not stop make (each has an empty rule)
  sleep 1.1 && touch stamp && sleep 1.1
  rm brief/b.txt && echo "A new brief." >brief/c.txt
  sed -i 's|brief/\$\*.txt|brief/c.txt|' Makefile
  got=$(rebuilt) || { make 2>&1 | tail -5 >&2; false; }
  echo "# rebuilt: $got" >&2
  [ "$got" = "b.sent b.mp4 " ]
}

@test "-M without a named target is a usage error before anything is sent" {
  run --separate-stderr bash -c 'nemo-session <auth.json | nemo-send -M x.d "a video"'
  [ "$status" -eq 2 ]
  [[ $stderr == "nemo-send: -M x.d: a depfile needs the target's name"* ]]
  [ ! -e x.d ]
}
