#!/usr/bin/env bats
# The bad-input matrix, part 1: flags, stdin that is not a context, a missing session id.
# Each row: exit code, one "nemo…: " line on stderr naming the problem (plus "hint:" lines),
# nothing on stdout, no file left in the work directory, nothing sent (see lib/matrix.bash).

bats_require_minimum_version 1.5.0
load lib/sandbox
load lib/matrix

setup_file() { matrix_setup_file; }
teardown_file() { sandbox_stop; }
setup() { matrix_setup; }

# flags
@test "unknown flag (nemo-auth --bogus): exit 2" { row 2 'bogus' 'nemo-auth --bogus'; }
@test "unknown flag after a subcommand (nemo-session new --bogus): exit 2" {
  row 2 'bogus' 'nemo-session new --bogus'
}
@test "unknown command (nemo-video frobnicate): exit 2" { row 2 'frobnicate' 'nemo-video frobnicate'; }
@test "--jobs 0: exit 2" { row 2 'jobs' 'nemo-upload --jobs 0 a.png <"$CTX"'; }
@test "--quality ultra: exit 2" { row 2 'ultra|quality' 'nemo-export --quality ultra <"$CTX"'; }
@test "--timeout banana: exit 2" { row 2 'banana' 'nemo-send --timeout banana hello <"$CTX"'; }
@test "--timeout -5s: exit 2" { row 2 'timeout|-5s' 'nemo-state --wait --timeout -5s <"$CTX"'; }
@test "--max-size lots: exit 2" { row 2 'lots' 'nemo-upload --max-size lots "$M/a.png" <"$CTX"'; }
@test "--error-format xml: exit 2" { row 2 'error-format' 'nemo-auth --error-format xml'; }
@test "--pretty with --compact: exit 2" { row 2 'pretty.*compact' 'nemo-state --pretty --compact <"$CTX"'; }
@test "a flag without its value (nemo-export -o): exit 2" { row 2 'output|-o' 'nemo-export <"$CTX" -o'; }

# a missing session id
@test "missing session id (nemo-state, empty stdin): exit 2" { row 2 'session' 'nemo-state'; }
@test "missing session id (nemo-send): exit 2" { row 2 'session' 'nemo-send hello'; }
@test "missing session id (nemo-upload): exit 2" { row 2 'session' 'nemo-upload "$M/a.png"'; }
@test "missing session id (nemo-export): exit 2" { row 2 'session' 'nemo-export -o out.mp4'; }
@test "missing session id (nemo-session link): exit 2" { row 2 'session' 'nemo-session link'; }

# stdin that is not a context
@test "stdin not JSON: exit 2 with the byte offset" {
  row 2 'stdin: bad JSON at byte 0' 'echo hello | nemo-state'
}
@test "stdin truncated: exit 2" {
  row 2 'stdin: bad JSON at byte 19' 'printf %s "{\"session_id\":\"ses_" | nemo-state'
}
@test "stdin a JSON array: exit 2" {
  row 2 'stdin: expected a JSON object at byte 0, got an array' \
    'echo "[{\"session_id\":\"x\"}]" | nemo-state'
}
@test "stdin a JSON string: exit 2" { row 2 'expected a JSON object.*a string' 'echo "\"ses_1\"" | nemo-state'; }
@test "stdin a second value that is bad, after a good object: exit 2 at its offset" {
  row 2 'stdin: bad JSON at byte 16' 'printf "%s\n%s" "{\"a\":1,\"b\":22}" "{x}" | nemo-state'
}
@test "stdin 100 MiB of whitespace is an empty context: exit 2 for the missing session id" {
  row 2 'session' "head -c 100M /dev/zero | tr '\\0' ' ' | nemo-state"
}
@test "stdin with invalid UTF-8 in a string: exit 2" {
  row 2 'stdin: bad JSON' 'printf "{\"session_id\":\"s\xff\xfe\"}" | nemo-state'
}
@test "stdin with a number too large for a double (1e999): exit 2, not a bad reply" {
  row 2 'stdin: bad JSON .*number overflow' 'echo "{\"session_id\":\"s\",\"n\":1e999}" | nemo-state'
}
@test "stdin context whose session_id is a number: exit 2" {
  row 2 'session_id.*must be a string, got a number' 'echo "{\"session_id\":42}" | nemo-state'
}
@test "stdin context whose api is an object: exit 2" {
  row 2 '"api".*must be a string' 'echo "{\"session_id\":\"s\",\"api\":{}}" | nemo-state'
}
