#!/usr/bin/env bats
# nemo-sandbox exports with curl: a real MP4 that matches the draft, both job shapes, what is
# refused (402, 409, empty draft, unknown session), cancel, fail_render, and downloads with Range.

load lib/sandbox

setup_file() {
  export NEMO_TEST_RENDER_CACHE=$BATS_FILE_TMPDIR/render-cache  # this file's own
  sandbox_start --work-time 200ms --render-time 500ms
  sandbox_credits 1000
  export TOKEN
  TOKEN=$(sandbox_token)
  SID=$(sandbox_new_session)
  sandbox_send "$SID" 'a 2-second vertical video titled "Hi" with upbeat music' >/dev/null
  export SID
}
teardown_file() { sandbox_stop; }
setup() { sandbox_reset; cd "$BATS_TEST_TMPDIR"; }

submit() {  # ID [DRAFT] → the reply
  local body
  body=$(jq -nc --arg id "$1" --arg s "$SID" --argjson d "${2:-null}" \
    '{id: $id, sessionId: $s, output: {format: "mp4", quality: "high"}} + (if $d == null then {} else {draft: $d} end)')
  sandbox_curl -H 'Content-Type: application/json' -d "$body" "$SANDBOX_API/api/render/proxy/lambda"
}
poll() { sandbox_curl "$SANDBOX_API/api/render/proxy/lambda/$1"; }
wait_done() {  # ID → the last poll, once the job has left pending/processing
  local j
  for _ in $(seq 300); do
    j=$(poll "$1")
    jq -e '(.data.status // .status) | IN("pending", "processing") | not' <<<"$j" >/dev/null && break
    sleep 0.1
  done
  printf '%s\n' "$j"
}

@test "a render: pending, then completed; the CDN file is H.264/AAC at the draft's size and duration" {
  reply=$(submit r-main)
  jq -e '.success and .data.id == "r-main" and .data.status == "pending"
    and .data.progress == 0 and .data.outputUrl == null and (.data.createdAt | length) > 0' <<<"$reply"
  job=$(wait_done r-main)
  jq -e '.data.status == "completed" and .data.progress == 100' <<<"$job"
  url=$(jq -r .data.outputUrl <<<"$job")
  [[ $url == "$SANDBOX_CDN/renders/r-main.mp4" ]]
  curl -sS -o out.mp4 "$url"
  probe=$(ffprobe -v error -show_entries format=duration:stream=codec_name,width,height -of json out.mp4)
  jq -e '[.streams[].codec_name] == ["h264", "aac"] and .streams[0].width == 1080
    and .streams[0].height == 1920 and ((.format.duration | tonumber) - 2 | fabs) <= 0.1' <<<"$probe"
  sandbox_counters | jq -e '.render_requests >= 1 and .polls["r-main"] >= 1' >/dev/null
}

@test "the toplevel job shape: render_id and output.url" {
  sandbox_fault '{"job_shape": "toplevel"}'
  submit r-top | jq -e '.render_id == "r-top" and .status == "pending" and .output.url == null' >/dev/null
  wait_done r-top | jq -e '.status == "completed" and (.output.url | endswith("/renders/r-top.mp4"))' >/dev/null
}

@test "refused: 402 without attribution, 409 on a reused id, 400 on an empty draft, 1002, 404 polls" {
  run curl -sS -w '\n%{http_code}' -H @<(printf 'Authorization: Bearer %s\n' "$TOKEN") \
    -d "{\"id\":\"r-402\",\"sessionId\":\"$SID\"}" "$SANDBOX_API/api/render/proxy/lambda"
  [ "${lines[-1]}" = 402 ]
  jq -e '.success == false and .error.code == "PLAN_REQUIRED"' <<<"${lines[0]}"
  submit r-dup >/dev/null
  submit r-dup | jq -e '.success == false and .error.code == "DUPLICATE_ID"' >/dev/null
  submit r-empty '{}' | jq -e '.success == false and .error.message == "draft is empty"' >/dev/null
  submit r-empty2 '{"t":[{"tt":0,"sg":[]}]}' | jq -e '.error.message == "draft is empty"' >/dev/null
  SID=ses_nope submit r-nosession | jq -e '.success == false and .error.code == "1002"' >/dev/null
  run sandbox_curl -w '\n%{http_code}' "$SANDBOX_API/api/render/proxy/lambda/r-never"
  [ "${lines[-1]}" = 404 ]
  wait_done r-dup >/dev/null
}

@test "cancel stops a render; fail_render fails one with a reason" {
  sandbox_fault '{"render_time_ms": 20000}'
  submit r-cancel >/dev/null
  sandbox_curl -X POST "$SANDBOX_API/api/render/proxy/lambda/r-cancel/cancel" |
    jq -e '.data.status == "cancelled"' >/dev/null
  poll r-cancel | jq -e '.data.status == "cancelled" and .data.outputUrl == null' >/dev/null
  sandbox_fault '{"render_time_ms": 0, "fail_render": true}'
  submit r-fail >/dev/null
  wait_done r-fail | jq -e '.data.status == "failed" and (.data.error | length) > 0' >/dev/null
  # A malformed draft fails its job, and the sandbox lives on.
  sandbox_reset
  submit r-bad '{"t":[{"tt":0,"sg":[{"st":"zero","d":1000}]}]}' >/dev/null
  wait_done r-bad | jq -e '.data.status == "failed" and (.data.error | startswith("invalid draft"))' >/dev/null
}

@test "downloads: Range on the CDN (206, 416), the bearer fallback, Authorization counted at the CDN" {
  wait_done r-main >/dev/null || { submit r-main >/dev/null; wait_done r-main >/dev/null; }
  url="$SANDBOX_CDN/renders/r-main.mp4"
  curl -sS -o full.mp4 "$url"
  size=$(stat -c %s full.mp4)
  run curl -sS -r 100-1123 -o part -w '%{http_code}' -D headers "$url"
  [ "$output" = 206 ]
  grep -qi "^Content-Range: bytes 100-1123/$size" headers
  cmp part <(tail -c +101 full.mp4 | head -c 1024)
  run curl -sS -r "$size-" -o /dev/null -w '%{http_code}' "$url"
  [ "$output" = 416 ]
  sandbox_curl -o fallback.mp4 "$SANDBOX_API/api/render/proxy/r-main/download"
  cmp fallback.mp4 full.mp4
  sandbox_counters | jq -e '.fallback_downloads >= 1' >/dev/null
  before=$(sandbox_counters | jq .cdn_auth_headers)
  sandbox_curl -o /dev/null "$url"
  sandbox_counters | jq -e --argjson b "$before" '.cdn_auth_headers == $b + 1' >/dev/null
}

@test "an uploaded image and clip are rendered where the draft places them" {
  ffmpeg -v error -f lavfi -i color=c=red:s=64x48 -frames:v 1 -y photo.png
  ffmpeg -v error -f lavfi -i testsrc=s=80x60:r=10:d=1 -pix_fmt yuv420p -y clip.mp4
  sid=$(sandbox_new_session)
  sandbox_curl -F files=@photo.png -F files=@clip.mp4 \
    "$SANDBOX_API/api/upload-video/nemo_agent/me/$sid" >/dev/null
  sandbox_send "$sid" 'a 3-second square video from my photos and clips' >/dev/null
  SID=$sid submit r-uploads >/dev/null
  url=$(wait_done r-uploads | jq -r .data.outputUrl)
  curl -sS -o up.mp4 "$url"
  ffprobe -v error -show_entries format=duration:stream=width,height -of json up.mp4 |
    jq -e '.streams[0].width == 1080 and .streams[0].height == 1080
      and ((.format.duration | tonumber) - 3 | fabs) <= 0.1' >/dev/null
  # The first half is the red photo (scaled, padded; the title sits in the middle).
  ffmpeg -v error -ss 0.5 -i up.mp4 -frames:v 1 -vf crop=2:2:540:200 -f rawvideo -pix_fmt rgb24 - |
    od -An -tu1 | awk '{ exit !($1 > 200 && $2 < 60 && $3 < 60) }'
}

@test "--render-cache that cannot be a directory is refused at start (exit 2, one line)" {
  run --separate-stderr "$NEMO_BIN/nemo-sandbox" --port 0 --render-cache /proc/version/cache
  [ "$status" -eq 2 ]
  [[ $stderr == "nemo-sandbox: --render-cache /proc/version/cache: "* ]]
  [ "${#stderr_lines[@]}" -eq 1 ]
}

@test "--render-cache: the same draft again is the kept file linked, not encoded again; another is new" {
  local draft other kept f links count
  draft=$(sandbox_session "$SID" | jq -c .draft)
  submit r-c1 "$draft" >/dev/null
  wait_done r-c1 | jq -e '.data.status == "completed"' >/dev/null
  curl -sS -o a.mp4 "$SANDBOX_CDN/renders/r-c1.mp4"
  for f in "$NEMO_TEST_RENDER_CACHE"/*.mp4; do cmp -s "$f" a.mp4 && kept=$f; done
  [ -n "$kept" ]
  links=$(stat -c %h "$kept")
  count=$(ls "$NEMO_TEST_RENDER_CACHE"/*.mp4 | wc -l)
  submit r-c2 "$draft" >/dev/null
  wait_done r-c2 | jq -e '.data.status == "completed"' >/dev/null
  # A hit links the kept file once more; a new encoding would have replaced it (2 links again).
  [ "$(stat -c %h "$kept")" -eq $((links + 1)) ]
  [ "$(ls "$NEMO_TEST_RENDER_CACHE"/*.mp4 | wc -l)" -eq "$count" ]
  curl -sS -o b.mp4 "$SANDBOX_CDN/renders/r-c2.mp4"
  cmp a.mp4 b.mp4
  other=$(jq -c 'walk(if . == "Hi" then "Bye" else . end)' <<<"$draft")
  [ "$other" != "$draft" ]
  submit r-c3 "$other" >/dev/null
  wait_done r-c3 | jq -e '.data.status == "completed"' >/dev/null
  [ "$(ls "$NEMO_TEST_RENDER_CACHE"/*.mp4 | wc -l)" -eq $((count + 1)) ]
}
