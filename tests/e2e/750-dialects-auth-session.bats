#!/usr/bin/env bats
# Error dialects × nemo-auth and nemo-session's endpoints (lib/dialects.bash): the documented
# exit code and one error line in every dialect, the one refresh, nothing sent twice.

bats_require_minimum_version 1.5.0
load lib/sandbox
load lib/dialects

setup_file() { dialects_setup_file; }
teardown_file() { sandbox_stop; }
setup() { dialects_setup; }

@test "nemo-auth minting a token: no refresh (there is no token to refresh)" {
  NO_REFRESH=1 RETRIES_5XX=2 matrix_endpoint mint '^POST /api/auth/anonymous-token' \
    'XDG_CONFIG_HOME=$PWD/cfg nemo-auth' '.user_id' 1001 400 429 503
  matrix_report
}

@test "nemo-auth credits" {
  RETRIES_5XX=2 matrix_endpoint credits '^GET /api/credits/' \
    'nemo-auth credits' '.credits.available >= 0' 1001 2001 403 429 503
  matrix_report
}

@test "nemo-session: creating a session is never sent twice" {
  matrix_endpoint session '^POST /api/tasks/' \
    'nemo-session --name m' '.session_id | length > 0' 1001 2001 429 503
  matrix_report
}

@test "nemo-session link" {
  matrix_endpoint link '^POST /api/auth/claim-token' \
    'nemo-session link <"$CTX"' '.link | length > 0' 1001 1002 503
  matrix_report
}
