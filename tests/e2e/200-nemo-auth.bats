#!/usr/bin/env bats
# nemo-auth against a real nemo-sandbox: minting, reuse, refresh, precedence, parallel safety.

bats_require_minimum_version 1.5.0
load lib/sandbox

setup() {
  sandbox_start --credits 100 # a real anonymous account's
  CONF=$XDG_CONFIG_HOME/nemovideo
}

teardown() { sandbox_stop; }

minted() { sandbox_counters | jq '.tokens_minted_total'; }
requested() { sandbox_counters | jq '[.anon_token_requests[]] | add // 0'; }

@test "first run mints a token, stores it 0600 in a 0700 dir, and prints no token" {
  run --separate-stderr nemo-auth
  [ "$status" -eq 0 ]
  echo "$output" | jq -e '.client_id and .user_id and .expires_at and (.credits.available == 100)'
  echo "$output" | jq -e --arg api "$SANDBOX_API" '.api == $api and .token_source == "minted"'
  [[ $output != *nmv_usr_* && $stderr != *nmv_usr_* ]]
  [ "$(stat -c %a "$CONF/credentials.json")" = 600 ]
  [ "$(stat -c %a "$CONF")" = 700 ]
  [ "$(minted)" -eq 1 ]
}

@test "second run reuses the stored token" {
  nemo-auth >/dev/null
  run nemo-auth
  [ "$status" -eq 0 ]
  echo "$output" | jq -e '.token_source == "stored"'
  [ "$(requested)" -eq 1 ]
  [ "$(minted)" -eq 1 ]
}

@test "an existing client_id file is reused" {
  mkdir -p "$CONF" && echo 0b8a7c55-1111-4222-8333-444455556666 >"$CONF/client_id"
  run nemo-auth
  echo "$output" | jq -e '.client_id == "0b8a7c55-1111-4222-8333-444455556666"'
  sandbox_counters | jq -e '.tokens_minted["0b8a7c55-1111-4222-8333-444455556666"] == 1'
}

@test "an expired token is refreshed once with the same client id and the pipeline goes on" {
  nemo-auth >/dev/null
  sandbox_fault '{"expire_tokens":true}'
  run bash -c 'nemo-auth | nemo-session --name after-expiry | jq -r .session_id'
  [ "$status" -eq 0 ]
  [[ $output == ses_* ]]
  [ "$(minted)" -eq 2 ]
  [ "$(sandbox_counters | jq '.tokens_minted | length')" -eq 1 ]
}

@test "NEMO_TOKEN wins over the store and is never overwritten" {
  nemo-auth >/dev/null
  before=$(sha256sum "$CONF/credentials.json")
  other=$(sandbox_token)
  run env NEMO_TOKEN="$other" nemo-auth
  [ "$status" -eq 0 ]
  echo "$output" | jq -e '.token_source == "environment"'
  sandbox_fault '{"expire_tokens":true}'
  run --separate-stderr env NEMO_TOKEN="$other" nemo-auth credits
  [ "$status" -eq 3 ]
  [[ $stderr == *NEMO_TOKEN* ]]
  [[ $stderr != *"$other"* ]]
  [ "$(sha256sum "$CONF/credentials.json")" = "$before" ]
}

@test "16 parallel nemo-auth with no stored token mint exactly one token" {
  seq 16 | xargs -P16 -I{} sh -c 'nemo-auth >/dev/null' 
  [ "$(requested)" -eq 1 ]
  [ "$(minted)" -eq 1 ]
}

@test "16 parallel nemo-session with no stored token mint exactly one token" {
  run bash -c 'seq 16 | xargs -P16 -I{} sh -c "nemo-session --name p{} | jq -r .session_id" | sort -u | wc -l'
  [ "$output" -eq 16 ]
  [ "$(requested)" -eq 1 ]
  [ "$(minted)" -eq 1 ]
}

@test "nemo-auth token is the only command whose output contains the token" {
  tok=$(nemo-auth token)
  [[ $tok == nmv_usr_* ]]
  for cmd in "nemo-auth" "nemo-auth -v" "nemo-auth status -v" "nemo-auth credits -v" \
             "nemo-session -v" "nemo-session --name x --verbose --pretty"; do
    run --separate-stderr $cmd
    [ "$status" -eq 0 ]
    [[ $output != *"$tok"* ]]
    [[ $stderr != *"$tok"* ]]
  done
  sid=$(nemo-session | jq -r .session_id)
  run --separate-stderr bash -c "nemo-session -v | nemo-session link -v"
  [ "$status" -eq 0 ]
  [[ $output != *"$tok"* && $stderr != *"$tok"* ]]
}

@test "status reports source and validity without acquiring a token" {
  run --separate-stderr nemo-auth status
  [ "$status" -eq 3 ]
  echo "$output" | jq -e '.auth.token_source == "none" and .auth.valid == false'
  [ "$(requested)" -eq 0 ]
  nemo-auth >/dev/null
  run nemo-auth status
  [ "$status" -eq 0 ]
  echo "$output" | jq -e '.auth.token_source == "stored" and .auth.valid and .auth.expires_at'
}

@test "credits shows available, frozen and total" {
  run nemo-auth credits
  [ "$status" -eq 0 ]
  echo "$output" | jq -e '.credits | has("available") and has("frozen") and has("total")'
}

@test "logout removes the stored token and keeps the client id" {
  nemo-auth >/dev/null
  id=$(cat "$CONF/client_id")
  run nemo-auth logout
  [ "$status" -eq 0 ]
  echo "$output" | jq -e '.logged_out == true'
  run nemo-auth status
  [ "$status" -eq 3 ]
  [ "$(cat "$CONF/client_id")" = "$id" ]
}

@test "login --with-token reads a registered token from stdin and stores it" {
  other=$(sandbox_token)
  run bash -c 'printf "%s\n" "$0" | nemo-auth login --with-token' "$other"
  [ "$status" -eq 0 ]
  [[ $output != *"$other"* ]]
  jq -e --arg api "$SANDBOX_API" '.tokens[$api].kind == "registered"' "$CONF/credentials.json"
  run bash -c 'echo "nmv_usr_not_a_real_token" | nemo-auth login --with-token'
  [ "$status" -eq 3 ]
}

@test "login --with-token with a refused token blames the token on stdin, not NEMO_TOKEN" {
  run --separate-stderr bash -c 'echo "nmv_usr_not_a_real_token" | nemo-auth login --with-token'
  [ "$status" -eq 3 ]
  failure_context_only "$output" "$status"
  [[ ${stderr_lines[0]} == "nemo-auth: the token on stdin was refused: "* ]]
  [[ $stderr != *NEMO_TOKEN* ]]
  [[ ${stderr_lines[1]} == "hint: "*"nothing was stored"* ]]
  [ ! -e "$CONF/credentials.json" ] || ! grep -q registered "$CONF/credentials.json"
}

@test "NEMO_NO_AUTO_AUTH=1 without a token is exit 3 with a hint" {
  run --separate-stderr env NEMO_NO_AUTO_AUTH=1 nemo-session
  [ "$status" -eq 3 ]
  [[ $stderr == *"hint:"*nemo-auth* ]]
  failure_context_only "$output" "$status"
  [ "$(requested)" -eq 0 ]
}
