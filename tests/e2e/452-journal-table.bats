#!/usr/bin/env bats
# Recent work found again without the context that went with the pipe: `nemo-state --journal`
# prints a table on a terminal (when, program, session name and id, message head, status, file)
# and the JSON when piped. On a terminal the last stage prints a short summary instead of the
# JSON context; --json asks for the JSON; piped output does not change. Terminals are real
# pseudo-terminals (script(1)).

bats_require_minimum_version 1.5.0
load lib/sandbox
load lib/pipeline

setup_file() { pipeline_sandbox_start; }
teardown_file() { sandbox_stop; }
setup() { cd "$BATS_TEST_TMPDIR"; }

# on_tty COMMAND: runs COMMAND (a shell command line) with stdout on a pseudo-terminal; prints
# what the terminal showed, without carriage returns.
on_tty() { script -qec "$1" /dev/null | tr -d '\r'; }

@test "nemo-state --journal: a table on a terminal, JSON when piped, with session name and file" {
  nemo-auth | nemo-session --name promo | nemo-send -q "a 3-second video" | nemo-export -q -o promo.mp4 >ctx.json
  SID=$(jq -r .session_id ctx.json)
  run --separate-stderr nemo-state --journal --session "$SID"
  [ "$status" -eq 0 ]
  jq -e --arg s "$SID" '.journal | length == 2 and all(.session_id == $s)' <<<"$output"
  jq -e '.journal | map(select(.kind == "send")) | .[0] | .session_name == "promo" and .status == "done"' <<<"$output"
  jq -e '.journal | map(select(.kind == "render")) | .[0] | .file | endswith("/promo.mp4")' <<<"$output"
  table=$(on_tty "nemo-state --journal --session $SID </dev/null")
  echo "$table"
  head -1 <<<"$table" | grep -Eq '^WHEN +PROGRAM +SESSION +MESSAGE +STATUS +FILE$'
  grep -Eq "^[0-9-]+T[0-9:]+Z +nemo-send +promo $SID +a 3-second video +done" <<<"$table"
  grep -Eq "nemo-export +promo $SID +render_.* +completed +/.*/promo\.mp4$" <<<"$table"
  [ "$(grep -c . <<<"$table")" -eq 3 ]
}

@test "on a terminal the last stage prints a summary; --json prints the context; a pipe is unchanged" {
  out=$(on_tty 'nemo-auth | nemo-session --name promo | nemo-send -q "a 3-second video" | nemo-export -q -o promo.mp4')
  echo "$out"
  [ "$(grep -c . <<<"$out")" -eq 1 ]
  [[ $out =~ ^saved\ promo\.mp4\ \(([0-9.]+\ (B|KiB|MiB)),\ [0-9]+\.[0-9]\ s,\ [0-9]+x[0-9]+,\ render_ ]]
  out=$(on_tty 'nemo-auth | nemo-session --name sum')
  [[ $out =~ ^session\ sum\ \(ses_[^\)]+\)$ ]]
  out=$(on_tty 'nemo-auth | nemo-session --json')
  jq -e '.session_id' <<<"$out"
  # Piped: the context, as ever.
  nemo-auth | nemo-session --name piped >ctx.json
  jq -e '.session_id and .session_name == "piped"' ctx.json
}

@test "nemo-session puts session_name in the context only when --name is given" {
  nemo-auth | nemo-session --name promo >a.json
  jq -e '.session_name == "promo"' a.json
  nemo-auth | nemo-session new --name other >b.json
  jq -e '.session_name == "other"' b.json
  nemo-session <a.json >c.json
  jq -e 'has("session_name") | not' c.json
}
