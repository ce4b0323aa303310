# The bad-input matrix (load lib/matrix after lib/sandbox): one row per case.
#
#   matrix_setup_file          sandbox, fresh config, a session context in $CTX, media in $M
#   matrix_setup               a fresh, empty work directory $W as the current directory
#   row EXIT PATTERN 'SHELL'   run SHELL with bash -c in $W (stdin /dev/null unless SHELL says
#                              otherwise) and assert: exit EXIT; the first stderr line is
#                              "nemo…: " and matches the regex PATTERN; any further line is
#                              "hint: …"; stdout is empty; $W holds exactly the files it held
#                              before; no temporary credentials file; the sandbox received no
#                              upload, message or render request.
#   skip_if_root REASON        skip a row root cannot observe (root reads and writes anything)

matrix_setup_file() {
  nemo_test_env
  export XDG_CONFIG_HOME=$BATS_FILE_TMPDIR/config XDG_STATE_HOME=$BATS_FILE_TMPDIR/state
  export NEMO_RETRY_BASE_MS=10 NEMO_RETRY_AFTER_DEFAULT=1
  sandbox_start "$@"
  export M=$BATS_FILE_TMPDIR/media && mkdir -p "$M"
  ffmpeg -loglevel error -f lavfi -i color=c=red:s=64x64 -frames:v 1 "$M/a.png"
  nemo-auth | nemo-session --name matrix >"$BATS_FILE_TMPDIR/ctx.json"
  export CTX=$BATS_FILE_TMPDIR/ctx.json
}

matrix_setup() {
  export W=$BATS_TEST_TMPDIR/work
  mkdir -p "$W"
  cd "$W" || return 1
}

_matrix_files() { (cd "$W" && find . | sort); }

_matrix_work_counters() {
  sandbox_counters | jq -c '{uploads, upload_requests, render_requests, m: ([.messages[]] | add)}'
}

row() {
  local code=$1 pattern=$2 script=$3
  local files_before counters_before
  files_before=$(_matrix_files)
  counters_before=$(_matrix_work_counters)
  case $script in
    *'<'* | *'|'*) run --separate-stderr bash -c "$script" ;;
    *) run --separate-stderr bash -c "$script" </dev/null ;;
  esac
  echo "# status=$status" >&2
  printf '# stderr: %s\n' "${stderr_lines[@]}" >&2
  [ "$status" -eq "$code" ]
  [ "${#stderr_lines[@]}" -ge 1 ]
  [[ ${stderr_lines[0]} =~ ^nemo[a-z-]*:\  ]]
  [[ ${stderr_lines[0]} =~ $pattern ]]
  local line
  for line in "${stderr_lines[@]:1}"; do
    [[ $line == "hint: "* ]]
  done
  # Nothing on stdout but, where stdout carries the context, the failure context for the next
  # program in a pipe.
  [ -z "$output" ] || failure_context_only "$output" "$code"
  [ "$(_matrix_files)" = "$files_before" ]
  [ -z "$(find "$XDG_CONFIG_HOME" -name '.credentials.json.*' 2>/dev/null)" ]
  [ "$(_matrix_work_counters)" = "$counters_before" ]
}

skip_if_root() {
  if [ "$(id -u)" -eq 0 ]; then
    skip "running as root, which reads and writes anything: $1"
  fi
}
