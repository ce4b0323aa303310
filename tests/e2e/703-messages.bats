#!/usr/bin/env bats
# Messages in one voice: "program: what: why", then "hint: …". The parser's errors (with "did
# you mean" for flag and subcommand typos), connection failures said plainly, -v lines naming
# the program, ASCII under LC_ALL=C, and the ways out of the auth dead ends.

bats_require_minimum_version 1.5.0
load lib/sandbox

setup() {
  sandbox_start --credits 100
  CONF=$XDG_CONFIG_HOME/nemovideo
}

teardown() { sandbox_stop; }

# Asserts the voice: exactly two stderr lines, "PROG: WHAT" and "hint: HINT" (globs).
voice() {
  echo "# stderr: $stderr" >&2
  [ "${#stderr_lines[@]}" -eq 2 ]
  [[ ${stderr_lines[0]} == $1 ]]
  [[ ${stderr_lines[1]} == "hint: "$2 ]]
}

@test "a mistyped flag: the flag, unknown option, and did you mean the right one" {
  run --separate-stderr nemo-export x.mp4 --ouput y.mp4
  [ "$status" -eq 2 ]
  failure_context_only "$output" 2 nemo-export  # stdout is not a terminal: the failure goes down the pipe
  voice "nemo-export: --ouput: unknown option" "did you mean --output?"
  run --separate-stderr nemo-send --sesion ses_1 hi
  [ "$status" -eq 2 ]
  voice "nemo-send: --sesion: unknown option" "did you mean --session?"
  # A flag nothing is close to: the help.
  run --separate-stderr nemo-state --frobnicate
  [ "$status" -eq 2 ]
  voice "nemo-state: --frobnicate: unknown option" "run \`nemo-state --help\` for usage"
  # A subcommand's own flag is a candidate too.
  run --separate-stderr nemo-session link --sesion x
  [ "$status" -eq 2 ]
  voice "nemo-session: --sesion: unknown option" "did you mean --session?"
}

@test "a mistyped subcommand gets did you mean; a stray argument is named" {
  run --separate-stderr nemo-auth stauts
  [ "$status" -eq 2 ]
  voice "nemo-auth: stauts: unknown command" "did you mean \`nemo-auth status\`?"
  run --separate-stderr nemo-state stray
  [ "$status" -eq 2 ]
  voice "nemo-state: stray: unexpected argument" "run \`nemo-state --help\` for usage"
  run --separate-stderr nemo-video sesion
  [ "$status" -eq 2 ]
  voice "nemo-video: sesion: not a command" "did you mean 'nemo-video session'?"
}

@test "a bad value says which flag, in lower case, with a hint" {
  run --separate-stderr nemo-upload -j 0 x.png
  [ "$status" -eq 2 ]
  voice "nemo-upload: --jobs: value 0 not in range*" "run \`nemo-upload --help\` for usage"
}

@test "--help writes -h, --help and no validator text" {
  for prog in nemo-auth nemo-session nemo-upload nemo-send nemo-state nemo-export; do
    help=$("$prog" --help)
    [[ $help == *"-h, --help"* ]]
    [[ $help != *"-h,--help"* ]]
    ! grep -E ':NONNEGATIVE|INT in \[|\{mp4\}:\{mp4\}|:\{low' <<<"$help"
  done
  [[ $(nemo-upload --help) == *"-j, --jobs <n>"* ]]
  [[ $(nemo-export --help) == *"--format {mp4}"* ]]
}

@test "cannot connect to a loopback port: said plainly, with is nemo-sandbox running?" {
  run --separate-stderr nemo-auth --api http://127.0.0.1:1
  [ "$status" -eq 10 ]
  voice "nemo-auth: cannot connect to 127.0.0.1:1: connection refused" "is nemo-sandbox running?*"
}

@test "-v lines name the program, not nemo:" {
  run --separate-stderr nemo-auth -v
  [ "$status" -eq 0 ]
  [[ $stderr == *"nemo-auth: > POST "* ]]
  [[ $stderr == *"nemo-auth: < 200 "* ]]
  ! grep -q '^nemo: ' <<<"$stderr"
}

@test "under LC_ALL=C no message has a byte beyond ASCII" {
  # A user's file name in UTF-8, and a server's HTML page cut with an ellipsis.
  nemo-auth | nemo-session --name c >ctx.json
  run --separate-stderr env LC_ALL=C nemo-upload "$BATS_TEST_TMPDIR/été.png" <ctx.json
  [ "$status" -ne 0 ]
  echo "# $stderr" >&2
  [[ $stderr == *"t?.png"* ]]
  all=$stderr
  sandbox_fault '{"html_next":10}'
  run --separate-stderr env LC_ALL=C nemo-auth credits
  [ "$status" -ne 0 ]
  echo "# $stderr" >&2
  all+=$'\n'$stderr
  run env LC_ALL=C grep -c '[^ -~]' <<<"$all"
  [ "$output" = 0 ]
  # A UTF-8 locale keeps the name as it is.
  sandbox_reset
  run --separate-stderr env LC_ALL=C.UTF-8 nemo-upload "$BATS_TEST_TMPDIR/été.png" <ctx.json
  [[ $stderr == *"été.png"* ]]
}

@test "a refused registered token says how out: a new token, or logout" {
  other=$(sandbox_token)
  printf '%s\n' "$other" | nemo-auth login --with-token >/dev/null
  sandbox_fault '{"expire_tokens":true}'
  run --separate-stderr nemo-auth credits
  [ "$status" -eq 3 ]
  voice "nemo-auth: the stored registered token was refused*" \
    "*nemo-auth login --with-token*nemo-auth logout*"
  # The way out works: logout, then an anonymous token again.
  nemo-auth logout >/dev/null
  run nemo-auth credits
  [ "$status" -eq 0 ]
}

@test "nemo-auth status prints null, not \"\", for what a registered token does not tell" {
  other=$(sandbox_token)
  printf '%s\n' "$other" | nemo-auth login --with-token >/dev/null
  run --separate-stderr nemo-auth status
  [ "$status" -eq 0 ]
  jq -e '.auth.kind == "registered" and .auth.user_id == null and .auth.expires_at == null' <<<"$output"
}

@test "exit 5 says how to get credits: the sign-up link of nemo-session link" {
  nemo-auth | nemo-session --name broke >ctx.json
  sandbox_credits 10
  run --separate-stderr nemo-send "a 5-second video" <ctx.json
  [ "$status" -eq 5 ]
  [[ ${stderr_lines[1]} == "hint: "*"nemo-session link"* ]]
}

@test "the first anonymous token on a terminal says it created an account, once" {
  run --separate-stderr env NEMO_FORCE_TTY=1 nemo-auth
  [ "$status" -eq 0 ]
  [[ $stderr == *"nemo-auth: created an anonymous NemoVideo account for this machine: 100 credits, valid 7 days"* ]]
  run --separate-stderr env NEMO_FORCE_TTY=1 nemo-auth
  [[ $stderr != *"created an anonymous"* ]]
  # Not in a pipe, nor with --quiet.
  rm -rf "$CONF"
  run --separate-stderr nemo-auth
  [[ $stderr != *"created an anonymous"* ]]
  rm -rf "$CONF"
  run --separate-stderr env NEMO_FORCE_TTY=1 nemo-auth --quiet
  [[ $stderr != *"created an anonymous"* ]]
}
