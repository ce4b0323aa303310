#!/usr/bin/env bash
# The recipes of examples/jq-cookbook.md, runnable, line for line.
#   examples/jq-cookbook.sh [RECIPE...]    (default: every recipe, in order)
# Works in a temporary directory: makes photo.png (ffmpeg), saves promo.json with the first
# recipe, then runs the others; each recipe's output goes to stdout, its name to stderr.
# Runs against NEMO_API_URL (a nemo-sandbox, or the real service: it spends credits).
# NEMO_BIN, when set, is put first on PATH.
set -euo pipefail

recipes=(credits_left list_uploads track_summary what_changed tools_used render_url stream_events
  stream_text stream_context)

save_context() {
  nemo-auth | nemo-session --name promo | nemo-upload photo.png \
    | nemo-send 'a 10-second video titled "Spring" with upbeat music' >promo.json
}
credits_left() {
  nemo-auth credits | jq .credits.available
}
list_uploads() {
  jq -r '.uploads[]? | [.filename, .file_type, .size] | @tsv' promo.json
}
track_summary() {
  nemo-state <promo.json | jq -r .summary
}
what_changed() {
  jq -r '.changes.items[] | "\(.change)\t\(.track)\t\(.detail)"' promo.json
}
tools_used() {
  jq -r '.tools[] | [.name, (if .ok then "ok" else "failed" end), "\(.seconds)s"] | @tsv' promo.json
}
render_url() {
  nemo-export --no-download <promo.json | jq -r .render.url
}
stream_events() {
  nemo-send --stream 'add a title "Summer"' <promo.json \
    | jq -r 'select(.type == "tool_call" or .type == "tool_result") | "\(.type)\t\(.name)"'
}
stream_text() {
  nemo-send --stream 'make the music calm' <promo.json | jq -j 'select(.type == "text_delta") | .text'
  echo
}
stream_context() {
  nemo-send --stream 'make the music calm' <promo.json | tail -n 1 | jq -r .summary
}

case ${1:-} in
  -h|--help) sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'; echo "recipes: ${recipes[*]}"; exit 0 ;;
esac
for r in "$@"; do
  [[ " ${recipes[*]} " == *" $r "* ]] || { echo "jq-cookbook.sh: no recipe $r (recipes: ${recipes[*]})" >&2; exit 2; }
done
(($#)) || set -- "${recipes[@]}"
[[ -n ${NEMO_BIN:-} ]] && export PATH=$NEMO_BIN:$PATH

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
ffmpeg -loglevel error -f lavfi -i color=c=orange:s=320x240 -frames:v 1 photo.png
echo "== save_context" >&2
save_context
for r in "$@"; do
  echo "== $r" >&2
  "$r"
done
