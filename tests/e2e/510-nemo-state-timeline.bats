#!/usr/bin/env bats
# nemo-state --timeline: the draft drawn as a chart on stderr, stdout left as it was.

bats_require_minimum_version 1.5.0
load lib/sandbox
load lib/pipeline

setup_file() {
  pipeline_sandbox_start
}
teardown_file() { sandbox_stop; }

setup() {
  cd "$BATS_TEST_TMPDIR"
  unset NO_COLOR LC_ALL LC_CTYPE
  nemo-auth | nemo-session >empty.json
}

@test "the chart goes to stderr and stdout is the same context as without it" {
  generate 'a 4-second video titled "Hi"' <empty.json >made.json
  run --separate-stderr env COLUMNS=60 LANG=C nemo-state --timeline <made.json
  [ "$status" -eq 0 ]
  diff <(echo "$output" | jq -S 'del(.state.updated_at)') \
    <(nemo-state <made.json | jq -S 'del(.state.updated_at)')
  [[ ${stderr_lines[0]} == "Timeline: "*" tracks, "*" segments, 4s" ]]
  [[ ${stderr_lines[1]} == "1 Video"*"#"* ]]
  [[ $stderr == *'Title: "Hi"'* ]]
  [[ $stderr == *"+-"*"-+"* ]]
  [[ ${stderr_lines[-1]} == *"0s"*"4s" ]]
}

@test "every line fits the width COLUMNS gives" {
  generate 'a 4-second video titled "A rather long title for so narrow a chart"' <empty.json >made.json
  for width in 30 57 120; do
    COLUMNS=$width LANG=C nemo-state --timeline <made.json 2>chart.txt >/dev/null
    [ "$(wc -l <chart.txt)" -ge 4 ]
    awk -v w="$width" 'length($0) >= w { print "too wide at " w ": " $0; bad = 1 } END { exit bad }' chart.txt
  done
}

@test "a UTF-8 locale draws blocks, with NO_COLOR too; a C locale draws plain ASCII" {
  generate 'a 4-second video titled "Hi"' <empty.json >made.json
  LANG=C.UTF-8 nemo-state --timeline <made.json 2>utf8.txt >/dev/null
  grep -q '█' utf8.txt
  grep -q '┬' utf8.txt
  # NO_COLOR turns off colour, not Unicode: the same chart.
  NO_COLOR=1 LANG=C.UTF-8 nemo-state --timeline <made.json 2>nocolor.txt >/dev/null
  cmp utf8.txt nocolor.txt
  LC_ALL=C LANG=C.UTF-8 nemo-state --timeline <made.json 2>c.txt >/dev/null
  run env LC_ALL=C grep -c '[^ -~]' c.txt
  [ "$output" = 0 ]
  grep -q '#' c.txt
}

@test "a pipeline reads the context through it; --summary and --draft stay on stdout" {
  generate 'a 4-second video titled "Hi"' <empty.json >made.json
  run --separate-stderr nemo-state --timeline --summary <made.json
  [ "$status" -eq 0 ]
  [[ $output == "Timeline ("*" tracks): 1. Video: "* ]]
  [[ $stderr == "Timeline: "* ]]
  nemo-state --timeline <made.json 2>/dev/null | nemo-state --check 2>/dev/null >/dev/null
}

@test "an empty draft is the one line 'Timeline is empty', with --check's exit 20" {
  run --separate-stderr nemo-state --timeline --check <empty.json
  [ "$status" -eq 20 ]
  [ "$stderr" = "Timeline is empty" ]
  echo "$output" | jq -e '.ready == false'
}

@test "--timeline with --journal is a usage error (exit 2) with nothing on stdout" {
  run --separate-stderr nemo-state --journal --timeline <empty.json
  [ "$status" -eq 2 ]
  [[ $stderr == "nemo-state: --journal lists the journal; "*"--timeline"* ]]
  failure_context_only "$output" "$status"
}
