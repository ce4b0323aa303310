#!/usr/bin/env bats
# Hostile inputs (issue 15): whatever a context, the config directory or -o say, the token goes
# only to the API it belongs to, credentials are kept only where nobody else can write, and the
# user's files are never replaced or chmod'ed behind their back (nemo-video(7), SECURITY).
# Set-ups only root can make (chown, mknod, chattr) run as root and skip otherwise; what root would
# get away with (writing into /dev) runs as an unprivileged user (uid 65534 through setpriv) when
# these tests run as root.

bats_require_minimum_version 1.5.0
load lib/sandbox
load lib/pipeline
load lib/unprivileged

setup_file() { pipeline_sandbox_start; }
teardown_file() { sandbox_stop; }
setup() {
  nemo_test_env
  CFG=$XDG_CONFIG_HOME/nemovideo
  mkdir "$BATS_TEST_TMPDIR/w" && cd "$BATS_TEST_TMPDIR/w" || return 1
  sandbox_reset
}
teardown() {
  if [ -n "${TRAP_PID:-}" ]; then kill "$TRAP_PID" 2>/dev/null || true; fi
  if [ -n "${READER_PID:-}" ]; then kill "$READER_PID" 2>/dev/null || true; fi
  if [ -n "${IMMUTABLE:-}" ]; then chattr -i "$IMMUTABLE" 2>/dev/null || true; fi
  unprivileged_cleanup
}

counter() { sandbox_counters | jq -r ".$1 // 0"; }
sha_of() { printf %s "$1" | sha256sum | cut -d' ' -f1; }
mode_of() { stat -c %a "$1"; }
is_root() { [ "$(id -u)" -eq 0 ]; }

# trap_start HOST: a stand-in for another host (lib/token_trap.py) that records the sha256 of every
# bearer token it receives in $TRAP_LOG; its base URL in $TRAP_API.
trap_start() {
  TRAP_LOG=$BATS_TEST_TMPDIR/trap.log && : >"$TRAP_LOG"
  TRAP_LOG=$TRAP_LOG python3 "$BATS_TEST_DIRNAME/lib/token_trap.py" "$1" >trap.json 3>&- &
  TRAP_PID=$!
  for _ in $(seq 100); do
    grep -q api trap.json 2>/dev/null && break
    kill -0 "$TRAP_PID" 2>/dev/null || return 3
    sleep 0.1
  done
  TRAP_API=$(jq -r .api trap.json) && export TRAP_API
}
# How many requests reached the trap with TOKEN as their bearer (the token is never printed).
trap_saw() { grep -c -F " $(sha_of "$1")" "$TRAP_LOG" || true; }

# A context with a fresh session of the sandbox, in ctx.json.
session_context() { nemo-auth | nemo-session >ctx.json; }
# ...and a generated draft, ready to export.
draft_context() { nemo-auth | nemo-session | generate 'a 2-second video' >ctx.json; }

# first stderr line, and a hint after it
assert_refusal() {  # STATUS PROGRAM PATTERN
  echo "# status=$status" >&2
  printf '# stderr: %s\n' "${stderr_lines[@]}" >&2
  [ "$status" -eq "$1" ]
  [[ ${stderr_lines[0]} == "$2: "* ]]
  [[ ${stderr_lines[0]} =~ $3 ]]
  [[ ${stderr_lines[1]} == "hint: "* ]]
  failure_context_only "$output" "$status"
}

# --- the context's "api" never redirects a token ------------------------------------------------

@test "a context naming another host is refused by every program before anything is sent (exit 2)" {
  session_context
  jq -c '.api = "https://api.nemo-hostile.invalid"' ctx.json >evil.json
  ffmpeg -loglevel error -f lavfi -i color=c=red:s=64x64 -frames:v 1 a.png
  before=$(sandbox_counters | jq -c '{uploads, upload_requests, render_requests, messages}')
  for prog in nemo-auth nemo-session nemo-state 'nemo-upload a.png' 'nemo-send hi' \
    'nemo-export -o v.mp4' 'nemo-auth credits' 'nemo-session link'; do
    run --separate-stderr bash -c "$prog <evil.json"
    assert_refusal 2 "${prog%% *}" \
      "the context's \"api\" https://api.nemo-hostile.invalid is not the configured API $SANDBOX_API"
  done
  [ "$(sandbox_counters | jq -c '{uploads, upload_requests, render_requests, messages}')" = "$before" ]
  [ ! -e v.mp4 ]
}

@test "NEMO_TOKEN never reaches a host a context names, even with NEMO_ALLOW_INSECURE=1" {
  trap_start nonloopback || skip "this machine has no non-loopback IPv4 address to listen on"
  session_context
  NEMO_TOKEN=$(sandbox_token) && export NEMO_TOKEN
  jq -c --arg api "$TRAP_API" '.api = $api' ctx.json >evil.json
  for prog in nemo-auth nemo-state 'nemo-send hi'; do
    run --separate-stderr env NEMO_ALLOW_INSECURE=1 bash -c "$prog <evil.json"
    assert_refusal 2 "${prog%% *}" "the context's \"api\" $TRAP_API is not the configured API"
  done
  [ "$(trap_saw "$NEMO_TOKEN")" -eq 0 ]
  [ ! -s "$TRAP_LOG" ]
}

@test "a loopback context is followed with its own tokens only: never NEMO_TOKEN, never another base's" {
  trap_start 127.0.0.1
  nemo-auth >/dev/null  # a token stored for the configured API (the sandbox)
  stored=$(nemo-auth token)
  NEMO_TOKEN=$(sandbox_token) && export NEMO_TOKEN
  run --separate-stderr bash -c 'echo "{\"api\":\"$TRAP_API\"}" | nemo-auth credits'
  [ "$status" -eq 0 ]
  echo "$output" | jq -e --arg api "$TRAP_API" '.api == $api and .credits.available == 7'
  [ "$(trap_saw "$NEMO_TOKEN")" -eq 0 ]
  [ "$(trap_saw "$stored")" -eq 0 ]
  grep -q '^POST /api/auth/anonymous-token -$' "$TRAP_LOG"  # minted there, for there
  # the whole pipeline stays on the context's sandbox the same way
  run --separate-stderr bash -c 'echo "{\"api\":\"$TRAP_API\"}" | nemo-auth | nemo-session'
  [ "$status" -eq 0 ]
  [ "$(trap_saw "$NEMO_TOKEN")" -eq 0 ]
  [ "$(trap_saw "$stored")" -eq 0 ]
  # nemo-auth status says which token such a base would get: not the environment's
  run --separate-stderr bash -c 'echo "{\"api\":\"$TRAP_API\"}" | nemo-auth status'
  echo "$output" | jq -e '.auth.token_source == "stored"'
}

@test "--api and NEMO_API_URL are the user's word: NEMO_TOKEN goes to the base they name" {
  trap_start 127.0.0.1
  NEMO_TOKEN=$(sandbox_token) && export NEMO_TOKEN
  session_context
  run --separate-stderr bash -c 'nemo-auth credits --api "$TRAP_API" <ctx.json'
  [ "$status" -eq 0 ]
  [ "$(trap_saw "$NEMO_TOKEN")" -eq 1 ]
  run --separate-stderr bash -c 'NEMO_API_URL=$TRAP_API nemo-auth credits'
  [ "$status" -eq 0 ]
  [ "$(trap_saw "$NEMO_TOKEN")" -eq 2 ]
  # and a context naming the configured base keeps it (the ordinary pipeline)
  run --separate-stderr nemo-state --summary <ctx.json
  [ "$status" -eq 0 ]
}

# --- the config directory must be the user's alone ---------------------------------------------

@test "a config directory others can write is refused (exit 3) and left as it was" {
  mkdir -p "$CFG" && chmod 0777 "$CFG"
  run --separate-stderr nemo-auth
  assert_refusal 3 nemo-auth "^nemo-auth: $CFG: writable by others \(mode 0777\); refusing to keep credentials there$"
  [[ ${stderr_lines[1]} == *"chmod 700 $CFG"* ]]
  [ "$(mode_of "$CFG")" = 777 ]
  [ -z "$(ls -A "$CFG")" ]
}

@test "a symlinked config directory: a target others can write is refused, its mode never changed" {
  # as root before the fix, a link to a shared directory (think /tmp) had its target chmod'ed 0700
  target=$BATS_TEST_TMPDIR/shared && mkdir "$target" && chmod 1777 "$target"
  ln -s "$target" "$CFG"
  run --separate-stderr nemo-auth
  assert_refusal 3 nemo-auth "^nemo-auth: $CFG: links to $target, writable by others \(mode 1777\)"
  [ "$(mode_of "$target")" = 1777 ]
  [ -z "$(ls -A "$target")" ]
}

@test "a symlinked config directory that is private and ours is used as it is" {
  target=$BATS_TEST_TMPDIR/dotfiles && mkdir -m 0700 "$target"
  ln -s "$target" "$CFG"
  run --separate-stderr nemo-auth
  [ "$status" -eq 0 ]
  [ -L "$CFG" ]
  [ "$(mode_of "$target/credentials.json")" = 600 ]
  # readable by others is not "writable": used, and never chmod'ed through the link
  chmod 0755 "$target"
  run --separate-stderr nemo-auth status
  [ "$status" -eq 0 ]
  [ "$(mode_of "$target")" = 755 ]
}

@test "a config directory or a link target owned by another user is refused, even for root" {
  is_root || skip "only root can give a directory to another user"
  mkdir -p "$CFG" && chown 65534:65534 "$CFG" && chmod 0700 "$CFG"
  run --separate-stderr nemo-auth
  assert_refusal 3 nemo-auth "^nemo-auth: $CFG: owned by [a-z]+ \(uid 65534\), not by you"
  [ -z "$(ls -A "$CFG")" ]
  rm -rf "$CFG"
  theirs=$BATS_TEST_TMPDIR/theirs && mkdir -m 0755 "$theirs" && chown 65534:65534 "$theirs"
  ln -s "$theirs" "$CFG"
  run --separate-stderr nemo-auth
  assert_refusal 3 nemo-auth "^nemo-auth: $CFG: links to $theirs, owned by [a-z]+ \(uid 65534\)"
  [ "$(mode_of "$theirs")" = 755 ]
  [ -z "$(ls -A "$theirs")" ]
}

@test "as an unprivileged user, a config directory root owns is refused though anyone may write it" {
  is_root || skip "only root can make a directory another user's"
  unprivileged_setup
  mkdir -m 0777 "$UNPRIV/config/nemovideo" && chmod 0777 "$UNPRIV/config/nemovideo"
  run --separate-stderr as_unprivileged nemo-auth
  assert_refusal 3 nemo-auth "nemovideo: owned by root \(uid 0\), not by you"
  [ -z "$(ls -A "$UNPRIV/config/nemovideo")" ]
}

@test "a credentials.json others can write is refused (exit 3), not silently re-moded" {
  nemo-auth >/dev/null
  chmod 0666 "$CFG/credentials.json"
  run --separate-stderr nemo-auth status
  assert_refusal 3 nemo-auth "credentials.json: writable by others \(mode 0666\); refusing"
  [ "$(mode_of "$CFG/credentials.json")" = 666 ]
}

@test "a credentials.json owned by another user is refused, even for root" {
  is_root || skip "only root can give a file to another user"
  nemo-auth >/dev/null
  chown 65534:65534 "$CFG/credentials.json"
  run --separate-stderr nemo-auth status
  assert_refusal 3 nemo-auth "credentials.json: owned by [a-z]+ \(uid 65534\), not by you"
}

@test "a credentials.json that is a symbolic link is refused, never followed" {
  nemo-auth >/dev/null
  mv "$CFG/credentials.json" "$BATS_TEST_TMPDIR/elsewhere.json"
  ln -s "$BATS_TEST_TMPDIR/elsewhere.json" "$CFG/credentials.json"
  run --separate-stderr nemo-auth status
  assert_refusal 3 nemo-auth "credentials.json: a symbolic link; refusing"
}

@test "a client_id others can write is refused before a token is minted with it" {
  nemo-auth >/dev/null
  nemo-auth logout >/dev/null
  chmod 0666 "$CFG/client_id"
  before=$(sandbox_counters | jq -c .anon_token_requests)
  run --separate-stderr nemo-auth
  assert_refusal 3 nemo-auth "client_id: writable by others \(mode 0666\)"
  [ "$(sandbox_counters | jq -c .anon_token_requests)" = "$before" ]
  [ "$(jq '.tokens | length' "$CFG/credentials.json")" -eq 0 ]
}

@test "a chmod that fails is an error, not a false 'its mode is now 0600'" {
  nemo-auth >/dev/null
  chmod 0644 "$CFG/credentials.json"
  chattr +i "$CFG/credentials.json" 2>/dev/null ||
    skip "chattr +i is not allowed here (it needs root with CAP_LINUX_IMMUTABLE on ext4 or the like)"
  IMMUTABLE=$CFG/credentials.json
  run --separate-stderr nemo-auth status
  assert_refusal 3 nemo-auth "credentials.json: readable by others, and cannot make it private \(mode 0600\): Operation not permitted"
  [ "$(mode_of "$CFG/credentials.json")" = 644 ]
}

# --- output paths: streams are written, never replaced; files only by a complete rename ---------

@test "-o FIFO: the video streams into it and the FIFO stays a FIFO" {
  draft_context
  mkfifo out.fifo
  timeout 300 cat out.fifo >got.mp4 3>&- &
  READER_PID=$!
  run --separate-stderr nemo-export -o out.fifo <ctx.json
  [ "$status" -eq 0 ]
  [ -p out.fifo ]
  wait "$READER_PID"
  unset READER_PID
  echo "$output" | jq -e --arg f "$PWD/out.fifo" '.file == $f'
  [ "$(echo "$output" | jq -r .sha256)" = "$(sha256sum got.mp4 | cut -d' ' -f1)" ]
  [ "$(echo "$output" | jq -r .bytes)" -eq "$(stat -c %s got.mp4)" ]
  ffprobe -v error -show_entries format=duration -of csv=p=0 got.mp4
  [ ! -e out.fifo.part ]
}

@test "-o on a character device writes through it and never replaces it" {
  is_root || skip "only root can make a device node"
  draft_context
  mknod null c 1 3 2>/dev/null || skip "mknod is not allowed here"
  run --separate-stderr nemo-export -o null <ctx.json
  [ "$status" -eq 0 ]
  [ -c null ]
  echo "$output" | jq -e '.bytes > 0 and (.sha256 | length) == 64'
  [ ! -e null.part ]
}

@test "-o /dev/null and -o /dev/stdout stream, as an unprivileged user (root would risk the real ones)" {
  draft_context
  unprivileged_setup
  NEMO_TOKEN=$(nemo-auth token) && export NEMO_TOKEN  # the session is the sandbox user's
  run --separate-stderr as_unprivileged nemo-export -o /dev/null <ctx.json
  echo "# $status ${stderr_lines[*]}" >&2
  [ "$status" -eq 0 ]
  echo "$output" | jq -e '.file == "/dev/null" and .bytes > 0'
  [ -c /dev/null ]
  run --separate-stderr as_unprivileged bash -c 'nemo-export -o /dev/stdout >got.mp4' <ctx.json
  [ "$status" -eq 0 ]
  [ -z "$output" ]
  ffprobe -v error -show_entries format=duration -of csv=p=0 "$UNPRIV/got.mp4"
}

@test "a stale OUT.part symlink is refused before any render request, and what it points at is untouched" {
  draft_context
  echo precious >precious.txt
  ln -s precious.txt out.mp4.part
  before=$(counter render_requests)
  run --separate-stderr nemo-export -o out.mp4 <ctx.json
  assert_refusal 2 nemo-export "out.mp4.part: a symbolic link where the download would go"
  [ "$(counter render_requests)" -eq "$before" ]
  [ -L out.mp4.part ]
  [ "$(cat precious.txt)" = precious ]
  [ ! -e out.mp4 ]
}

@test "a stale regular OUT.part (an interrupted download) is replaced by the new download" {
  draft_context
  echo 'half a video' >out.mp4.part
  run --separate-stderr nemo-export -o out.mp4 <ctx.json
  [ "$status" -eq 0 ]
  [ ! -e out.mp4.part ]
  [ "$(echo "$output" | jq -r .sha256)" = "$(sha256sum out.mp4 | cut -d' ' -f1)" ]
}

@test "-o naming a socket is refused before any render request, and the socket is left alone" {
  draft_context
  python3 -c 'import socket; socket.socket(socket.AF_UNIX).bind("out.sock")'
  before=$(counter render_requests)
  run --separate-stderr nemo-export -o out.sock <ctx.json
  [ "$status" -eq 2 ]
  [[ ${stderr_lines[0]} == "nemo-export: out.sock: a socket, neither a file nor a stream to write to" ]]
  [ "$(counter render_requests)" -eq "$before" ]
  [ -S out.sock ]
}
