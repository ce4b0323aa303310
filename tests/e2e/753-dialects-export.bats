#!/usr/bin/env bats
# Error dialects × nemo-export's endpoints (lib/dialects.bash): never a JSON error saved as the
# video, never a file at the final name after a failure, a refused submit not sent again, the
# CDN's failures answered by the API's download endpoint.

bats_require_minimum_version 1.5.0
load lib/sandbox
load lib/dialects

setup_file() { dialects_setup_file; }
teardown_file() { sandbox_stop; }
setup() { dialects_setup; }

# A downloaded file that ffprobe takes for a video, and whose hash the context reports.
export VIDEO_OK='(.file | length > 0) and (.bytes > 1000) and (.sha256 | length == 64)'

@test "nemo-export: the draft read" {
  RETRIES_5XX=2 matrix_endpoint export-state '^GET /api/state/' \
    'nemo-export --new -o out.mp4 <"$CTX"' "$VIDEO_OK" 1001 1002 503
  matrix_report
}

@test "nemo-export: the render submit (a refused one is not sent again)" {
  # A 5xx may be the lost answer of a submit that was taken: it is sent once more, with a new id.
  RETRIES_5XX=1 TEXT200_MORE=1 matrix_endpoint submit '^POST /api/render/proxy/lambda$' \
    'nemo-export --new -o out.mp4 <"$CTX"' "$VIDEO_OK" 1001 1002 2001 402 429 503
  matrix_report
}

@test "nemo-export: the render poll" {
  MORE_SENDS=100 matrix_endpoint poll '^GET /api/render/proxy/lambda/' \
    'nemo-export --new -o out.mp4 <"$CTX"' "$VIDEO_OK" 1001 1002 503
  matrix_report
}

@test "nemo-export: every failure of the CDN is answered by the API's download endpoint" {
  local d c before
  for d in "${DIALECTS[@]}" "${TEXT_DIALECTS[@]}"; do
    for c in 1001 2001 404 503; do
      before=$(sandbox_counters | jq '.fallback_downloads // 0')
      NO_REFRESH=1 RETRIES_5XX=2 matrix_row cdn "$d" "$c" 99 0 '^CDN GET /renders/' \
        'nemo-export --new -o out.mp4 <"$CTX" && ffprobe -v error out.mp4' "$VIDEO_OK"
      [ "$(sandbox_counters | jq '.fallback_downloads // 0')" -eq $((before + 1)) ] ||
        MATRIX_FAILURES+=("cdn [$d $c]: the fallback was not used")
    done
  done
  [ "$(sandbox_counters | jq '.cdn_auth_headers // 0')" -eq 0 ]
  matrix_report
}

@test "nemo-export: download errors labelled video/mp4 are never saved as the video" {
  # The CDN and the download endpoint answer a JSON error under the video's own type: the old
  # client saved it as out.mp4 and exited 0.
  local re='^(CDN GET /renders/|GET /api/render/proxy/[^/]+/download)'
  local d c
  for d in api api200 success success200 success_string success_string200; do
    for c in 1002 404 503; do
      ERROR_TYPE=video/mp4 RETRIES_5XX=4 MORE_SENDS=1 matrix_row download-labelled "$d" "$c" 99 \
        "$(expect_exit "$d" "$c")" "$re" 'nemo-export --new -o out.mp4 <"$CTX"'
    done
    # The CDN's error under video/mp4 is answered by the download endpoint.
    ERROR_TYPE=video/mp4 NO_REFRESH=1 RETRIES_5XX=2 matrix_row cdn-labelled "$d" 1002 99 0 \
      '^CDN GET /renders/' 'nemo-export --new -o out.mp4 <"$CTX" && ffprobe -v error out.mp4' \
      "$VIDEO_OK"
  done
  matrix_report
}

@test "nemo-export: the CDN and the download endpoint both fail: the endpoint's exit, no file" {
  local re='^(CDN GET /renders/|GET /api/render/proxy/[^/]+/download)'
  local d c
  for d in "${DIALECTS[@]}" "${TEXT_DIALECTS[@]}"; do
    for c in 1001 1002 404 503; do
      RETRIES_5XX=4 MORE_SENDS=1 matrix_row download "$d" "$c" 99 "$(expect_exit "$d" "$c")" "$re" \
        'nemo-export --new -o out.mp4 <"$CTX"'
    done
    # The CDN's failure and the endpoint's refused token: one refresh, then the file.
    if refreshable "$d" 1001; then
      MORE_SENDS=1 matrix_row download-refresh "$d" 1001 2 0 "$re" \
        'nemo-export --new -o out.mp4 <"$CTX" && ffprobe -v error out.mp4' "$VIDEO_OK"
    fi
  done
  matrix_report
}
