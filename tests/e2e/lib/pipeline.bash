# Shared by the tests that need whole pipelines (state, export): a sandbox with quick work and
# renders and enough credits for many generations, and the generation step of a pipeline.
#   load lib/sandbox; load lib/pipeline
#   setup_file() { pipeline_sandbox_start; }

pipeline_sandbox_start() {
  sandbox_start --work-time 300ms --render-time 1s --credits 100000 "$@"
  export NEMO_RETRY_BASE_MS=10 NEMO_RETRY_AFTER_DEFAULT=1 NEMO_POLL_BASE_MS=50
  export -f generate
}

# stdin: a context with a session; stdout: the context after the agent generated a draft.
generate() { nemo-send -q "$1"; }

# A fresh session for each test, in the test's own directory: ctx.json holds the context and
# SID the session id (for sandbox counters).
session_per_test() {
  cd "$BATS_TEST_TMPDIR" || return 1
  nemo-auth | nemo-session >ctx.json
  SID=$(jq -r .session_id ctx.json)
}

# How many messages the sandbox received for $SID: a run must never be sent twice.
messages() { sandbox_counters | jq -r --arg s "$SID" '.messages[$s] // 0'; }
