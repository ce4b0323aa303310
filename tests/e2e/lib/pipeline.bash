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
