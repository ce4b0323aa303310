#!/usr/bin/env bats
# The README pastes: every ```sh block, in order, as written, in one bash (set -e, so the first
# failing line fails the test), in a copy of the sources with a fresh HOME and no program of the
# build on PATH: scripts/demo builds and makes its video, the install block builds and installs
# under ~/.local, and the blocks after it run the installed programs against the sandbox that
# `eval "$(nemo-sandbox --daemon)"` starts.

bats_require_minimum_version 1.5.0

SOURCE=${NEMO_SOURCE_DIR:-$BATS_TEST_DIRNAME/../..}

# The README's shell blocks, each followed by a line "# --- block N" so a failure names its block.
readme_script() {
  awk '/^```sh$/ { code = 1; n++; next } /^```$/ && code { code = 0; print "# --- end of block " n; next } code' \
    "$SOURCE/README.md"
}

setup_file() {
  # The machine's ccache, not one in the fresh HOME, so the builds cost what they cost a user
  # who built before.
  if command -v ccache >/dev/null; then
    export CCACHE_DIR=${CCACHE_DIR:-$(ccache -k cache_dir)}
  fi
  export SRC=$BATS_FILE_TMPDIR/src
  mkdir -p "$SRC"
  # The tracked files (and new ones not ignored), as a clone would have them.
  (cd "$SOURCE" && git ls-files -z --cached --others --exclude-standard | xargs -0 cp --parents -t "$SRC" 2>/dev/null) ||
    cp -r "$SOURCE"/. "$SRC"
  rm -rf "$SRC"/build*
  # The tests' own variables are not a user's.
  unset NEMO_BIN NEMO_API_URL NEMO_TOKEN NEMO_CLIENT_ID XDG_CONFIG_HOME XDG_STATE_HOME NO_COLOR
}

teardown_file() {
  # A sandbox left by a block that failed before `nemo-sandbox --stop`.
  if [[ -f $BATS_FILE_TMPDIR/sandbox.pid ]]; then
    pid=$(cat "$BATS_FILE_TMPDIR/sandbox.pid")
    [[ $pid =~ ^[0-9]+$ ]] && kill "$pid" 2>/dev/null || true
  fi
}

@test "the README has its blocks: demo, install, sandbox, jq, make, batch.sh, stop" {
  script=$(readme_script)
  [[ $script == *'scripts/demo "'* ]]
  [[ $script == *'-DBUILD_TESTING=OFF'* ]]
  [[ $script == *'eval "$(nemo-sandbox --daemon)"'* ]]
  [[ $script == *'make -C examples -j4'* ]]
  [[ $script == *'examples/batch.sh'* ]]
  [[ $script == *'nemo-sandbox --stop'* ]]
  # Users' documents only: nothing that is not in the repository.
  run grep -n 'SPEC\.md' "$SOURCE/README.md"
  [ "$status" -eq 1 ]
}

@test "every command block of the README runs, pasted in order on a fresh machine" {
  home=$BATS_FILE_TMPDIR/home
  mkdir -p "$home"
  {
    echo 'set -eo pipefail'
    # Where the sandbox the blocks start can be found if a block fails before --stop.
    echo "trap 'echo \${NEMO_SANDBOX_PID:-} >\"$BATS_FILE_TMPDIR/sandbox.pid\"' EXIT"
    readme_script | sed 's/^# --- end of block \([0-9]*\)$/echo "readme: block \1 passed" >\&2/'
  } >"$BATS_FILE_TMPDIR/readme.sh"
  cd "$SRC"
  run --separate-stderr env -i HOME="$home" PATH=/usr/local/bin:/usr/bin:/bin LANG=C.UTF-8 \
    TERM=dumb ${CCACHE_DIR:+CCACHE_DIR=$CCACHE_DIR} CCACHE_BASEDIR="$SRC" CCACHE_NOHASHDIR=1 \
    bash "$BATS_FILE_TMPDIR/readme.sh" </dev/null
  echo "$stderr" | tail -n 40
  echo "stdout: $(tail -n 20 <<<"$output")"
  [ "$status" -eq 0 ]
  blocks=$(grep -c '^```sh$' "$SOURCE/README.md")
  [ "$(grep -c '^readme: block [0-9]* passed$' <<<"$stderr")" -eq "$blocks" ]

  # What the blocks made: the demo's video, the installed programs, the videos of each block.
  for f in nemo-demo.mp4 hello.mp4 promo.mp4 out/lines/1.mp4 out/lines/2.mp4; do
    ffprobe -v error "$SRC/$f" || { echo "no video $f"; false; }
  done
  for p in examples/prompts/*.txt; do
    name=$(basename "$p" .txt)
    ffprobe -v error "$SRC/examples/out/$name.mp4"
  done
  [ "$(ls "$SRC"/out/files/*.mp4 | wc -l)" -eq "$(ls "$SRC"/examples/prompts/*.txt | wc -l)" ]
  [ -x "$home/.local/bin/nemo-video" ]
  [ -f "$home/.local/share/man/man7/nemo-video.7" ]
  # The first anonymous token on this machine was minted against the sandbox, never elsewhere.
  jq -e '.tokens | keys | all(startswith("http://127.0.0.1:"))' "$home/.config/nemovideo/credentials.json"
  # The sandbox was stopped by the last block.
  pid=$(cat "$BATS_FILE_TMPDIR/sandbox.pid")
  [[ -z $pid ]] || ! kill -0 "$pid" 2>/dev/null
}
