#!/usr/bin/env bats
# kill -9 a nemo-auth while it rewrites credentials.json, 50 times: after every kill the file
# parses (or is absent); a leftover temporary file is accepted, a corrupt credentials.json never.

bats_require_minimum_version 1.5.0
load lib/sandbox

setup_file() {
  sandbox_start
  export XDG_CONFIG_HOME=$BATS_FILE_TMPDIR/config
  export CREDS=$XDG_CONFIG_HOME/nemovideo/credentials.json
}
teardown_file() { sandbox_stop; }

@test "50 kill -9 at random moments of a token refresh never leave a corrupt credentials.json" {
  nemo-auth >/dev/null
  # how long one refresh takes here: the kills land at random points inside that span
  sandbox_fault '{"expire_tokens": true}'
  t0=$(now_us) && nemo-auth >/dev/null && span=$(($(now_us) - t0))
  [ -s "$CREDS" ]
  killed=0 leftovers=0
  for i in $(seq 50); do
    sandbox_fault '{"expire_tokens": true}'  # every run re-mints and rewrites the file
    nemo-auth >/dev/null 2>&1 3>&- &
    pid=$!
    sleep "$(printf '0.%06d' $((RANDOM * 32768 % (span + 1) % 1000000)))"
    if kill -9 "$pid" 2>/dev/null; then killed=$((killed + 1)); fi
    wait "$pid" 2>/dev/null || true
    if [ -e "$CREDS" ]; then
      jq -e '.tokens | type == "object"' "$CREDS" >/dev/null || {
        echo "run $i: credentials.json does not parse:" >&2
        head -c 300 "$CREDS" | od -c | head >&2
        return 1
      }
    fi
    n=$(find "$(dirname "$CREDS")" -name '.credentials.json.*' | wc -l)
    leftovers=$((leftovers + n))
    find "$(dirname "$CREDS")" -name '.credentials.json.*' -delete
  done
  echo "# $killed of 50 runs still running at the kill; $leftovers temporary files left" >&3
  [ "$killed" -gt 0 ]
  # and the store still works: a clean run refreshes it, with mode 0600
  sandbox_fault '{"expire_tokens": true}'
  nemo-auth >/dev/null
  jq -e '.tokens | length == 1' "$CREDS"
  [ "$(stat -c %a "$CREDS")" = 600 ]
}
