# The error-dialect matrix (load lib/sandbox, then this): every program's endpoints × every way
# the service may say "error" (NEMOVIDEO-API.md) × the codes that matter. The sandbox's faults
# `inject`/`inject_code`/`inject_times` answer the requests of one endpoint with one code, and
# `error_dialect`/`errors_on_200` choose how that answer is written, for all endpoints at once.
#
#   dialects_setup_file      sandbox, a session with a draft ($CTX), an MP4 every render returns
#   dialects_setup           clear faults, fresh work directory $W (current directory)
#   expect_exit D CODE       the documented exit code for CODE written in dialect D
#   matrix_endpoint NAME REGEX 'SHELL' CHECK CODES…   every dialect × CODES on one endpoint
#   matrix_row NAME D CODE TIMES EXIT REGEX 'SHELL' [CHECK]
#       runs SHELL in a fresh directory with the error injected on requests matching REGEX
#       ("METHOD /path", "CDN GET /path" for the CDN) TIMES times, then asserts: exit EXIT; on
#       failure one error line "nemo-…: " (then only "hint: " lines), nothing on stdout, no
#       *.mp4 or *.part left, no token anywhere; on success one JSON object on stdout and CHECK
#       (a jq filter on it) true; and in every case the endpoint was sent to at most once, plus
#       the one refresh, plus the retries nemo-video(7) allows (RETRIES_429, RETRIES_5XX, MORE_SENDS),
#       and a token asked for only by the one refresh (none with NO_REFRESH=1: the CDN).
#       Mismatches are collected; `matrix_report` fails the test listing all of them.
#       ERROR_TYPE=T: the JSON errors are labelled Content-Type T (what the endpoint streams).
#       EVENT_SHAPE=S: the event dialect's error event is S (envelope, success: see nemo-sandbox).
#   DIALECTS                 the JSON dialects, each on its HTTP status and on HTTP 200, and html
#   TEXT_DIALECTS            text/plain on its status and on HTTP 200 (rows where a file is expected)
#   adk, adk200              ADK's own {"error": text}, no code (EXTRA_DIALECTS on /run_sse)

DIALECTS=(api api200 success success200 success_string success_string200 html)
# Plain text (text/plain, the reason alone), on its status and on HTTP 200: where a file is
# expected (a text body is not an envelope and must not become the video).
TEXT_DIALECTS=(text text200)
REFRESHABLE=" 1001 401 "

dialects_setup_file() {
  nemo_test_env
  export XDG_CONFIG_HOME=$BATS_FILE_TMPDIR/config XDG_STATE_HOME=$BATS_FILE_TMPDIR/state
  export NEMO_RETRY_BASE_MS=5 NEMO_RETRY_AFTER_DEFAULT=0 NEMO_POLL_BASE_MS=20
  sandbox_start --work-time 20ms --render-time 50ms --credits 100000000 "$@"
  cd "$BATS_FILE_TMPDIR" || return 1
  nemo-auth | nemo-session --name dialects | nemo-send -q 'a 1-second video' >ctx.json
  # One real render; from then on every render completes at once with that file.
  nemo-export -q -o first.mp4 <ctx.json >/dev/null
  export CTX=$BATS_FILE_TMPDIR/ctx.json
  export SID
  SID=$(jq -r .session_id "$CTX")
  export BASE_FAULTS
  BASE_FAULTS=$(jq -nc --arg f "$BATS_FILE_TMPDIR/first.mp4" '{render_file: $f}')
  export M=$BATS_FILE_TMPDIR/media && mkdir -p "$M"
  ffmpeg -loglevel error -f lavfi -i color=c=red:s=64x64 -frames:v 1 "$M/a.png"
}

dialects_setup() {
  sandbox_replace_faults "$BASE_FAULTS"
  MATRIX_FAILURES=()
  ROWS=0
}

# The HTTP status the sandbox sends an injected code with (envelope.cc StatusForCode).
status_for() {
  case $1 in
    1001) echo 401 ;; 1002) echo 404 ;; 2001) echo 402 ;; 4002) echo 413 ;; 4001 | 4003) echo 400 ;;
    *) echo "$1" ;;
  esac
}

# The exit table of nemo-video(7) and the README. A JSON dialect keeps the code, whatever status it rides on; an HTML page
# has only its status.
expect_exit() {
  local dialect=$1 code=$2
  # Text on HTTP 200, and ADK's {"error": text} on HTTP 200, have neither a code nor a status.
  if [[ $dialect == text200 || $dialect == adk200 ]]; then
    echo 13
    return
  fi
  # ADK's {"error": text} on its status: JSON, so the status's meaning for a JSON reply (a 400
  # is bad input), and ADK's "Session not found" on a 404.
  if [[ $dialect == adk ]]; then
    case $(status_for "$code") in
      401 | 403) echo 3 ;; 402) echo 8 ;; 413) echo 7 ;; 429) echo 9 ;; 400 | 409 | 422) echo 2 ;;
      404) if [ "$code" -eq 1002 ]; then echo 4; else echo 13; fi ;;
      *) echo 13 ;;
    esac
    return
  fi
  if [[ $dialect == html || $dialect == text ]]; then
    code=$(status_for "$code")
    case $code in 401 | 403) echo 3 ;; 402) echo 8 ;; 413) echo 7 ;; 429) echo 9 ;; *) echo 13 ;; esac
    return
  fi
  # A run that ended in an error event of the service's own is a failed job (12).
  if [[ $dialect == event ]] && [ "$code" -ge 500 ] && [ "$code" -lt 600 ]; then
    echo 12
    return
  fi
  case $code in
    1001 | 401 | 403) echo 3 ;; 1002) echo 4 ;; 2001) echo 5 ;; 4001) echo 6 ;; 4002 | 413) echo 7 ;;
    4003 | 400) echo 2 ;; 402) echo 8 ;; 429) echo 9 ;; *) echo 13 ;;
  esac
}

# Whether the answer is a refused token that the client refreshes once.
refreshable() {
  local dialect=$1 code=$2
  [[ $dialect == text200 || $dialect == adk200 ]] && return 1
  [[ $dialect == html || $dialect == text || $dialect == adk ]] && code=$(status_for "$code")
  [[ $REFRESHABLE == *" $code "* ]]
}

# BASE_FAULTS plus the injection, as one JSON object for PUT /_sandbox/faults. Written by hand,
# not by jq: a matrix makes hundreds of rows, and jq's start-up is most of a row's cost.
_dialect_faults() {  # DIALECT CODE TIMES REGEX
  local d=$1 on200=false re=$4
  if [[ $d == *200 ]]; then
    d=${d%200}
    on200=true
  fi
  re=${re//\\/\\\\}
  re=${re//\"/\\\"}
  local base=${BASE_FAULTS:-\{\}}
  base=${base%\}}
  [[ $base == '{' ]] || base+=,
  printf '%s"error_dialect":"%s","errors_on_200":%s,"inject":"%s","inject_code":%s,"inject_times":%s,"inject_skip":%s%s}' \
    "$base" "$d" "$on200" "$re" "$2" "$3" "${INJECT_SKIP:-0}" "${ERROR_TYPE:+,\"error_content_type\":\"$ERROR_TYPE\"}${EVENT_SHAPE:+,\"error_event\":\"$EVENT_SHAPE\"}"
}

# "SENT MINTS" between two counter snapshots: requests that reached the sandbox on routes
# matching REGEX, and token requests (a refresh asks for a token again; the sandbox may hand back
# the same one).
_sends_and_mints() {  # BEFORE AFTER REGEX
  jq -rn --argjson a "$1" --argjson b "$2" --arg re "$3" '
    def hits($c): [($c.hits // {}) | to_entries[] | select(.key | test($re)) | .value] | add // 0;
    def mints($c): $c.hits["POST /api/auth/anonymous-token"] // 0;
    "\(hits($b) - hits($a)) \(mints($b) - mints($a))"'
}

matrix_row() {
  local name=$1 dialect=$2 code=$3 times=$4 want=$5 re=$6 script=$7 check=${8:-true}
  local dir="$BATS_TEST_TMPDIR/row$ROWS"
  ROWS=$((ROWS + 1))
  mkdir -p "$dir"
  sandbox_replace_faults "$(_dialect_faults "$dialect" "$code" "$times" "$re")"
  local before
  before=$(sandbox_counters)
  local rc=0
  (cd "$dir" && bash -c "$script" >stdout 2>stderr </dev/null) || rc=$?
  local label="$name [$dialect $code ×$times]"
  local problems=()
  [ "$rc" -eq "$want" ] || problems+=("exit $rc, want $want")
  if [ "$want" -ne 0 ]; then
    # A failure leaves its failure context on stdout for the next program, and nothing else.
    if [ -s "$dir/stdout" ] && ! failure_context_only "$(cat "$dir/stdout")" "$want"; then
      problems+=("stdout not only the failure context: $(head -c 200 "$dir/stdout")")
    fi
    local first
    first=$(head -n 1 "$dir/stderr")
    [[ $first =~ ^nemo(-[a-z]+)?:\  ]] || problems+=("first stderr line: $first")
    if [ "$(tail -n +2 "$dir/stderr" | grep -vc '^hint: ')" -ne 0 ]; then
      problems+=("more than one error line: $(tr '\n' '|' <"$dir/stderr")")
    fi
    local left
    left=$(cd "$dir" && find . -name '*.mp4' -o -name '*.part' | head -n 3)
    [ -z "$left" ] || problems+=("left behind: $left")
  else
    jq -e "$check" "$dir/stdout" >/dev/null 2>&1 ||
      problems+=("stdout fails $check: $(head -c 300 "$dir/stdout") / $(tr '\n' '|' <"$dir/stderr")")
  fi
  if grep -q 'nmv_usr_' "$dir/stdout" "$dir/stderr"; then problems+=("a token was printed"); fi
  local refreshes=0
  refreshable "$dialect" "$code" && [ "${NO_REFRESH:-0}" -eq 0 ] && refreshes=1
  local sent mints
  read -r sent mints < <(_sends_and_mints "$before" "$(sandbox_counters)" "$re")
  # Sent once, plus the one refresh, plus what nemo-video(7) allows ("How replies are read"): one retry after a 429, on its
  # status or told on another (RETRIES_429), retries of idempotent requests after an HTTP 5xx
  # (RETRIES_5XX).
  local status=$code allowed=$((1 + refreshes + ${MORE_SENDS:-0}))
  [[ $dialect == html || $dialect == text || $dialect == adk ]] && status=$(status_for "$code")
  [ "$status" -eq 429 ] && allowed=$((allowed + ${RETRIES_429:-1}))
  if [[ $dialect != *200 ]]; then
    [ "$status" -ge 500 ] && allowed=$((allowed + ${RETRIES_5XX:-0}))
  fi
  [ "$sent" -le "$allowed" ] || problems+=("sent $sent times (at most $allowed)")
  if [[ $re != *anonymous-token* ]]; then
    [ "$mints" -eq "$refreshes" ] || problems+=("asked for $mints tokens, want $refreshes")
  fi
  if ((${#problems[@]})); then
    MATRIX_FAILURES+=("$label: ${problems[*]} — stderr: $(head -c 300 "$dir/stderr" | tr '\n' '|')")
  fi
}

# Every dialect × CODES on one endpoint: the code persisting (TIMES=99) gives its exit code; a
# refreshable one also once (TIMES=1), where the one refresh makes the command succeed, and so
# does a 429 once, on its status or not, where the one wait does (unless RETRIES_429=0).
matrix_endpoint() {  # NAME REGEX 'SHELL' SUCCESS_CHECK CODES…
  local name=$1 re=$2 script=$3 check=$4
  shift 4
  local d c
  for d in "${DIALECTS[@]}" ${EXTRA_DIALECTS:-}; do
    for c in "$@"; do
      matrix_row "$name" "$d" "$c" 99 "$(expect_exit "$d" "$c")" "$re" "$script"
      if refreshable "$d" "$c" && [ "${NO_REFRESH:-0}" -eq 0 ]; then
        matrix_row "$name" "$d" "$c" 1 0 "$re" "$script" "$check"
      elif [ "$c" -eq 429 ] && [ "${RETRIES_429:-1}" -ne 0 ]; then
        matrix_row "$name" "$d" "$c" 1 0 "$re" "$script" "$check"
      fi
    done
  done
  # Plain text on HTTP 200 carries neither a code nor a status: one row (which code was
  # injected changes only its words). TEXT200_EXIT (default 13) and TEXT200_MORE (sends it
  # may add: a submit whose answer was unusable is sent once more) where the endpoint differs;
  # TEXT200_EXIT=skip: no such row.
  [ "${TEXT200_EXIT:-13}" = skip ] && return 0
  MORE_SENDS=$((${MORE_SENDS:-0} + ${TEXT200_MORE:-0})) \
    matrix_row "$name" text200 "$1" 99 "${TEXT200_EXIT:-13}" "$re" "$script"
}

matrix_report() {
  echo "# $ROWS rows" >&2
  if ((${#MATRIX_FAILURES[@]})); then
    printf '%s\n' "${MATRIX_FAILURES[@]}" >&2
    echo "${#MATRIX_FAILURES[@]} of $ROWS rows failed" >&2
    return 1
  fi
}
