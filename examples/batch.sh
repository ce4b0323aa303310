#!/usr/bin/env bash
# Makes one video per prompt, several at once: one full pipeline per prompt
# (nemo-auth | nemo-session | nemo-send | nemo-export), run in parallel by xargs -P.
#   examples/batch.sh [-P N] [-o DIR] [FILE...]
# Each FILE holds one prompt (like examples/prompts/*.txt); without FILE, or with -, the prompts
# are read from stdin, one per line (blank lines and lines starting with # are skipped).
# The n-th prompt becomes DIR/<n>.mp4 (DIR defaults to out). Prints one JSON line per video as it
# finishes: {"n","source","ok","exit","file","bytes","sha256","session_id","render","error"}.
# Exits 0 when every video was made, else with the exit status of the first failed one (in input
# order; see nemo-video(7) for the table). Before starting it says how many videos the credits allow
# (about $NEMO_GENERATION_COST, default 100, each) and stops with exit 5 when they allow none.
# A re-run after a kill sends nothing twice (nemo-send's journal). NEMO_BIN, when set, is put
# first on PATH.
set -euo pipefail

jobs=4
out=out
while (($#)); do
  case $1 in
    -P) jobs=$2; shift 2 ;;
    -P*) jobs=${1#-P}; shift ;;
    -o) out=$2; shift 2 ;;
    -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    --) shift; break ;;
    -?*) echo "batch.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    *) break ;;
  esac
done
[[ $jobs =~ ^[1-9][0-9]*$ ]] || { echo "batch.sh: -P wants a positive number, got \"$jobs\"" >&2; exit 2; }
[[ -n ${NEMO_BIN:-} ]] && export PATH=$NEMO_BIN:$PATH
for tool in nemo-auth nemo-session nemo-send nemo-export jq xargs flock; do
  command -v "$tool" >/dev/null || { echo "batch.sh: $tool not found on PATH" >&2; exit 2; }
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Number the prompts: $work/<n>.prompt holds the text, $work/<n>.source where it came from.
n=0
add_prompt() {
  n=$((n + 1))
  printf '%s' "$1" >"$work/$n.prompt"
  printf '%s' "$2" >"$work/$n.source"
}
read_lines() {
  local line i=0
  while IFS= read -r line || [[ -n $line ]]; do
    i=$((i + 1))
    [[ $line =~ ^[[:space:]]*(#|$) ]] && continue
    add_prompt "$line" "$1:$i"
  done
}
(($#)) || set -- -
for arg in "$@"; do
  if [[ $arg == - ]]; then
    read_lines stdin
  elif [[ -f $arg && -r $arg ]]; then
    add_prompt "$(<"$arg")" "$arg"
  else
    echo "batch.sh: $arg: no such file" >&2
    exit 2
  fi
done
((n > 0)) || { echo "batch.sh: no prompts" >&2; exit 2; }
mkdir -p "$out"

# Credits first: say how many of the videos the balance allows; none at all is not worth starting.
cost=${NEMO_GENERATION_COST:-100}
available=$(nemo-auth --quiet credits 2>/dev/null | jq -r '.credits.available // empty' 2>/dev/null || true)
if [[ $available =~ ^[0-9]+$ ]] && [[ $cost =~ ^[1-9][0-9]*$ ]]; then
  allowed=$((available / cost))
  if ((allowed >= n)); then
    echo "batch.sh: $available credits available: enough for the $n video(s)" >&2
  elif ((allowed == 0)); then
    echo "batch.sh: $available credits available: not enough for one video (about $cost each)" >&2
    exit 5
  else
    echo "batch.sh: warning: $available credits available: enough for $allowed of the $n videos (about $cost each); the others will fail with exit 5" >&2
  fi
else
  echo "batch.sh: cannot read the credits balance; starting anyway" >&2
fi

# One video: the whole pipeline, its stderr kept, then one summary line (written under a lock so
# lines of parallel jobs never interleave) and its exit status in $work/<n>.exit.
one_video() {
  local n=$1 prompt source file rc=0 failed=""
  prompt=$(<"$BATCH_WORK/$n.prompt")
  source=$(<"$BATCH_WORK/$n.source")
  file=$BATCH_OUT/$n.mp4
  local err=$BATCH_WORK/$n.err
  nemo-auth 2>"$err.0" \
    | nemo-session --name "batch-$n" 2>"$err.1" | tee "$BATCH_WORK/$n.session" \
    | nemo-send --quiet "$prompt" 2>"$err.3" \
    | nemo-export --quiet -o "$file" -O "$BATCH_WORK/$n.json" 2>"$err.4"
  local status=("${PIPESTATUS[@]}") programs=(nemo-auth nemo-session tee nemo-send nemo-export) i
  for i in 0 1 2 3 4; do # the first program that failed is the one to blame
    if ((status[i] != 0)); then rc=${status[i]}; failed=${programs[i]}; err=$err.$i; break; fi
  done
  echo "$rc" >"$BATCH_WORK/$n.exit"
  [[ -s $BATCH_WORK/$n.json ]] && jq -e . "$BATCH_WORK/$n.json" >/dev/null 2>&1 || echo '{}' >"$BATCH_WORK/$n.json"
  local session line
  session=$(jq -r '.session_id // empty' "$BATCH_WORK/$n.session" 2>/dev/null || true)
  line=$(jq -c --argjson n "$n" --arg source "$source" --argjson exit "$rc" --arg failed "$failed" \
    --arg file "$file" --arg session "$session" \
    --arg error "$(grep -v '^hint:' "$err" 2>/dev/null | tail -n 1)" '
    {n: $n, source: $source, ok: ($exit == 0), exit: $exit}
    + if $exit == 0 then {file: (.file // $file), bytes, sha256, session_id, render: .render.id}
      else {failed: $failed, error: $error,
            session_id: (.session_id // (if $session == "" then null else $session end))} end
    ' "$BATCH_WORK/$n.json")
  flock "$BATCH_WORK/lock" printf '%s\n' "$line"
}
export -f one_video
export BATCH_WORK=$work BATCH_OUT=$out

# A failed video does not stop the others: one_video always exits 0 and records its status.
seq 1 "$n" | xargs -P "$jobs" -I{} bash -c 'one_video "$1"' _ {}

first=0 failures=0
for ((i = 1; i <= n; i++)); do
  rc=$(cat "$work/$i.exit" 2>/dev/null || echo 1)
  if ((rc != 0)); then
    echo "batch.sh: video $i ($(<"$work/$i.source")) failed with exit $rc" >&2
    failures=$((failures + 1))
    ((first != 0)) || first=$rc
  fi
done
if ((failures)); then
  echo "batch.sh: $failures of $n videos failed" >&2
  exit "$first"
fi
echo "batch.sh: $n videos in $out/" >&2
