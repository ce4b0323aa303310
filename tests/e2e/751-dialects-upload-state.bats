#!/usr/bin/env bats
# Error dialects × nemo-upload and nemo-state's endpoints (lib/dialects.bash).

bats_require_minimum_version 1.5.0
load lib/sandbox
load lib/dialects

setup_file() { dialects_setup_file; }
teardown_file() { sandbox_stop; }
setup() { dialects_setup; }

@test "nemo-upload FILE: the upload is refused, not sent again" {
  matrix_endpoint upload '^POST /api/upload-video/' \
    'nemo-upload "$M/a.png" <"$CTX"' '.uploads | length > 0' 1001 1002 2001 4001 4002 413 503
  matrix_report
}

@test "nemo-upload --url: 4003 means the same in every dialect" {
  matrix_endpoint upload-url '^POST /api/upload-video/' \
    'nemo-upload --url https://media.example.com/a.png <"$CTX"' '.uploads | length > 0' \
    1001 1002 4001 4003
  matrix_report
}

@test "nemo-state" {
  RETRIES_5XX=2 matrix_endpoint state '^GET /api/state/' \
    'nemo-state <"$CTX"' '.state | type == "object"' 1001 1002 429 503
  matrix_report
}
