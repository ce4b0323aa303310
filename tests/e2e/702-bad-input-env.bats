#!/usr/bin/env bats
# The bad-input matrix, part 3: the API URL, output paths, the token in the environment and the
# stored credentials (see lib/matrix.bash for what each row asserts).

bats_require_minimum_version 1.5.0
load lib/sandbox
load lib/matrix
load lib/unprivileged

setup_file() { matrix_setup_file; }
teardown_file() { sandbox_stop; }
setup() { matrix_setup; }
teardown() { unprivileged_cleanup; }

# a port on loopback that nothing listens on: bind one, note it, let it go
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# --api
@test "--api not a URL: exit 2" { row 2 'bad API URL "not a url"' 'nemo-auth --api "not a url"'; }
@test "--api ftp://: exit 2" { row 2 'bad API URL' 'nemo-auth --api ftp://127.0.0.1/'; }
@test "--api http:// to a non-loopback host: exit 2, nothing sent" {
  row 2 'refusing plain http to example.com' 'nemo-auth --api http://example.com'
}
@test "NEMO_API_URL http:// to a non-loopback host: exit 2" {
  row 2 'refusing plain http' 'NEMO_API_URL=http://10.1.2.3:8080 nemo-session'
}
# Set but empty (`NEMO_API_URL=$(jq -r .api ready.json)` before the file was written) is not
# "unset": it would send the pipeline to the real service and mint a real token there. The proxy
# on a dead port keeps this test off the network if it ever does.
@test "NEMO_API_URL set but empty: exit 2, never the real service" {
  row 2 '^nemo-auth: NEMO_API_URL: set but empty$' \
    'NEMO_API_URL= https_proxy=http://127.0.0.1:9 HTTPS_PROXY=http://127.0.0.1:9 XDG_CONFIG_HOME=$BATS_TEST_TMPDIR/cfg nemo-auth'
  [ ! -e "$BATS_TEST_TMPDIR/cfg/nemovideo/credentials.json" ]
  [[ ${stderr_lines[1]} == "hint: unset NEMO_API_URL"* ]]
  row 2 'NEMO_API_URL: set but empty' 'NEMO_API_URL= nemo-state <"$CTX"'
}
@test "--api to a loopback port nothing listens on: exit 10" {
  port=$(free_port)
  row 10 '' "nemo-auth --api http://127.0.0.1:$port"
}
@test "context api to a loopback port nothing listens on: exit 10" {
  port=$(free_port)
  row 10 '' "jq -c '.api = \"http://127.0.0.1:$port\"' \"\$CTX\" | nemo-state"
}

# output paths (checked before any render request)
@test "-o in a missing directory: exit 2" {
  row 2 'directory .*/missing does not exist' 'nemo-export -o missing/video.mp4 <"$CTX"'
}
@test "-o equal to an existing directory: exit 2" {
  mkdir -p "$BATS_TEST_TMPDIR/outdir"
  row 2 'is a directory' 'nemo-export -o "$BATS_TEST_TMPDIR/outdir" <"$CTX"'
}
@test "-o ending in a slash: exit 2" { row 2 'is a directory' 'nemo-export -o somewhere/ <"$CTX"'; }
@test "-o empty: exit 2" { row 2 'output path is empty' 'nemo-export -o "" <"$CTX"'; }
@test "-o under a file, not a directory: exit 2" {
  echo x >"$BATS_TEST_TMPDIR/plain"
  row 2 'not a directory' 'nemo-export -o "$BATS_TEST_TMPDIR/plain/video.mp4" <"$CTX"'
}
@test "-o on a read-only directory: exit 2" {
  unprivileged_setup  # root writes anywhere: as root, this runs as an unprivileged user
  mkdir -p "$UNPRIV/ro" && chmod 0555 "$UNPRIV/ro"
  row 2 'not writable' 'as_unprivileged nemo-export -o "$UNPRIV/ro/video.mp4" <"$CTX"'
}
@test "--draft FILE missing: exit 2" { row 2 'nope.json' 'nemo-export --draft nope.json -o v.mp4 <"$CTX"'; }
@test "--draft FILE not JSON: exit 2" {
  echo '{"t": [' >"$BATS_TEST_TMPDIR/draft.json"
  row 2 'draft.json' 'nemo-export --draft "$BATS_TEST_TMPDIR/draft.json" -o v.mp4 <"$CTX"'
}

# the token in the environment
@test "NEMO_TOKEN empty: exit 3" { row 3 'NEMO_TOKEN is set but empty' 'NEMO_TOKEN= nemo-auth'; }
@test "NEMO_TOKEN with a newline: exit 3" {
  row 3 'NEMO_TOKEN contains whitespace' 'NEMO_TOKEN="$(printf "abc\ndef")" nemo-state <"$CTX"'
}
@test "NEMO_TOKEN not accepted by the server: exit 3" {
  row 3 '' 'NEMO_TOKEN=not-a-real-token nemo-state <"$CTX"'
}

# stored credentials
@test "a corrupt credentials.json: exit 3, the file is left as it was" {
  export XDG_CONFIG_HOME=$BATS_TEST_TMPDIR/config && mkdir -m 700 -p "$XDG_CONFIG_HOME/nemovideo"
  printf '{"tokens": {"http://x": {"token": "abc"' >"$XDG_CONFIG_HOME/nemovideo/credentials.json"
  chmod 600 "$XDG_CONFIG_HOME/nemovideo/credentials.json"
  sum=$(sha256sum <"$XDG_CONFIG_HOME/nemovideo/credentials.json")
  row 3 'credentials.json: not valid credentials JSON' 'nemo-auth'
  [ "$(sha256sum <"$XDG_CONFIG_HOME/nemovideo/credentials.json")" = "$sum" ]
}
@test "a credentials.json that is a directory: exit 3" {
  export XDG_CONFIG_HOME=$BATS_TEST_TMPDIR/config
  mkdir -p "$XDG_CONFIG_HOME/nemovideo/credentials.json"
  row 3 'credentials.json: not a regular file' 'nemo-auth'
}

# not a failure, so not a row: the documented warning, and the mode fixed
@test "a credentials.json with mode 0644 is used, with a warning, and becomes 0600" {
  export XDG_CONFIG_HOME=$BATS_TEST_TMPDIR/config
  nemo-auth >/dev/null
  creds=$XDG_CONFIG_HOME/nemovideo/credentials.json
  chmod 0644 "$creds"
  run --separate-stderr nemo-auth status
  [ "$status" -eq 0 ]
  [ "${#stderr_lines[@]}" -eq 1 ]
  [[ ${stderr_lines[0]} == "nemo-auth: warning: $creds was readable by others; its mode is now 0600" ]]
  [ "$(stat -c %a "$creds")" = 600 ]
  jq -e .tokens "$creds" >/dev/null
}
