#!/usr/bin/env bats
# The claim link works offline: for a sandbox session `nemo-session link` names the sandbox's
# own page, which shows the session's name, the draft as a timeline, the renders as <video>
# elements and the credits; the claim token is checked (none: 404, wrong: 403), the render is
# served as video/mp4 with Range. Then the page in a real browser (Debian's chromium, headless,
# driven by tests/browser/page.test.js with playwright-core): the timeline's bars against the
# draft, and the video played to its end.

load lib/sandbox

BROWSER_DIR="$BATS_TEST_DIRNAME/../browser"

setup_file() {
  sandbox_start --work-time 20ms --render-time 10ms
  cd "$BATS_FILE_TMPDIR"
  nemo-auth | nemo-session --name 'Page <Test> & Co' |
    nemo-send -q 'a 3-second video of a city at night titled "Night Page" with calm music' |
    nemo-export -q -o out.mp4 >ctx.json
  nemo-session link <ctx.json >link.json
}
teardown_file() { sandbox_stop; }
setup() { cd "$BATS_FILE_TMPDIR"; } # the environment (HOME: the token) of setup_file

link() { jq -r .link link.json; }

@test "nemo-session link on a sandbox session names the sandbox's page; NEMO_WEB_URL still wins" {
  [[ $(link) == "$SANDBOX_API/workspace/claim?ct=clm_"* ]]
  run bash -c 'NEMO_WEB_URL=https://web.example nemo-session link <ctx.json | jq -r .link'
  [[ $output == https://web.example/workspace/claim\?ct=clm_* ]]
}

@test "the page: name, timeline, renders, credits; plain HTML, no script" {
  run curl -sS -D headers -o page.html -w '%{http_code}' "$(link)"
  [ "$output" = 200 ]
  grep -qi '^content-type: text/html; charset=utf-8' headers
  grep -qi '^referrer-policy: no-referrer' headers
  grep -q '<h1 id="session-name">Page &lt;Test&gt; &amp; Co</h1>' page.html
  ! grep -qi '<script' page.html
  sid=$(jq -r .session_id ctx.json)
  draft=$(sandbox_session "$sid" | jq -c .draft)
  # a row a track, a bar a segment, at the draft's times
  [ "$(grep -o 'class="track ' page.html | wc -l)" -eq "$(jq '.t | length' <<<"$draft")" ]
  for st_d in $(jq -r '.t[].sg[] | "\(.st):\(.d)"' <<<"$draft"); do
    grep -q "data-st=\"${st_d%:*}\" data-d=\"${st_d#*:}\"" page.html
  done
  grep -q '>1 Video: city</div>' page.html
  grep -q '3 Title: &quot;Night Page&quot;' page.html
  grep -q '<span class="tick" style="left:0.0000%">0s</span>' page.html
  grep -q "<video controls preload=\"metadata\" src=\"/workspace/claim/renders/render_" page.html
  grep -q '<dd id="credits-available">[0-9]*</dd>' page.html
}

@test "the claim token is checked: none is 404, a wrong one 403, a POST is not served" {
  [ "$(curl -sS -o /dev/null -w '%{http_code}' "$SANDBOX_API/workspace/claim")" = 404 ]
  [ "$(curl -sS -o /dev/null -w '%{http_code}' "$SANDBOX_API/workspace/claim?ct=clm_0000")" = 403 ]
  video=$(curl -sS "$(link)" | grep -o '/workspace/claim/renders/[^"]*')
  path=${video%%\?*}
  [ "$(curl -sS -o /dev/null -w '%{http_code}' "$SANDBOX_API$path?ct=clm_0000")" = 403 ]
  [ "$(curl -sS -o /dev/null -w '%{http_code}' "$SANDBOX_API$path")" = 404 ]
  [ "$(curl -sS -o /dev/null -w '%{http_code}' -X POST "$(link)")" != 200 ]
}

@test "the render is served as video/mp4 with Range, the same bytes as the export" {
  video=$(curl -sS "$(link)" | grep -o '/workspace/claim/renders/[^"]*' | sed 's/&amp;/\&/g')
  run curl -sS -D h -o whole.mp4 -w '%{http_code}' "$SANDBOX_API$video"
  [ "$output" = 200 ]
  grep -qi '^content-type: video/mp4' h
  cmp whole.mp4 out.mp4
  run curl -sS -D h -o part -w '%{http_code}' -H 'Range: bytes=100-199' "$SANDBOX_API$video"
  [ "$output" = 206 ]
  grep -qi "^content-range: bytes 100-199/$(stat -c %s out.mp4)" h
  [ "$(stat -c %s part)" -eq 100 ]
}

@test "in chromium: the timeline's bars are the draft's segments, and the video plays to its end" {
  command -v "${CHROMIUM:-chromium}" >/dev/null || { echo "no chromium: run scripts/bootstrap" >&2; return 1; }
  [ -d "$BROWSER_DIR/node_modules/playwright-core" ] ||
    { echo "no tests/browser/node_modules: run scripts/bootstrap (npm ci in tests/browser)" >&2; return 1; }
  sid=$(jq -r .session_id ctx.json)
  sandbox_session "$sid" | jq .draft >draft.json
  seconds=$(ffprobe -v error -show_entries format=duration -of csv=p=0 out.mp4)
  run env PAGE_URL="$(link)" DRAFT_FILE=draft.json SESSION_NAME='Page <Test> & Co' \
    RENDER_SECONDS="$seconds" CHROMIUM="$(command -v "${CHROMIUM:-chromium}")" \
    node "$BROWSER_DIR/page.test.js"
  echo "$output" >&2
  [ "$status" -eq 0 ]
  jq -e --argjson s "$seconds" '.video.ended and ((.video.duration - $s) | fabs) <= 0.1
    and .rows == 3 and .total_ms == 3000' <<<"${lines[-1]}"
}
