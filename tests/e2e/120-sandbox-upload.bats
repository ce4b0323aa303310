#!/usr/bin/env bats
# nemo-sandbox uploads with curl: several files in one multipart request (sha256 as sha256sum
# computes it, served back by the CDN), 4001 and 4002 keep nothing, URL mode, and a generation
# that uses the uploads.

load lib/sandbox

setup_file() {
  sandbox_start --work-time 300ms --render-time 500ms --max-upload 200KiB \
    --state-dir "$BATS_FILE_TMPDIR/state"
  cd "$BATS_FILE_TMPDIR"
  ffmpeg -v error -f lavfi -i color=c=red:s=64x48 -frames:v 1 -y photo.png
  cp photo.png PHOTO2.PNG
  ffmpeg -v error -f lavfi -i testsrc=s=80x60:r=10:d=1 -pix_fmt yuv420p -y clip.mp4
  ffmpeg -v error -f lavfi -i sine=d=0.5 -y tone.wav
  head -c 300000 /dev/urandom >big.mp4
  echo hello >notes.txt
}
teardown_file() { sandbox_stop; }
setup() {
  cd "$BATS_FILE_TMPDIR"
  TOKEN=$(sandbox_token)
  SID=$(sandbox_new_session)
  URL="$SANDBOX_API/api/upload-video/nemo_agent/me/$SID"
}

infos() { sandbox_session "$SID" | jq '.video_infos | length'; }

@test "several files in one request: types, sizes, sha256, media fields, CDN copies" {
  before=$(sandbox_counters | jq .uploads)
  reply=$(sandbox_curl -F files=@photo.png -F files=@clip.mp4 -F files=@tone.wav -F files=@PHOTO2.PNG "$URL")
  jq -e '.code == 0 and .data.session_state_applied == true and (.data.files | length) == 4' <<<"$reply"
  for i in 0 1 2 3; do
    f=$(jq -c ".data.files[$i]" <<<"$reply")
    name=$(jq -r .filename <<<"$f")
    [ "$(jq -r .sha256 <<<"$f")" = "$(sha256sum "$name" | cut -d' ' -f1)" ]
    jq -e '.hash == .sha256' <<<"$f"
    [ "$(jq -r .size <<<"$f")" -eq "$(stat -c %s "$name")" ]
    curl -sS -o "copy-$i" "$(jq -r .cdn_url <<<"$f")"
    cmp "copy-$i" "$name"
  done
  jq -e '.data.files | map(.file_type) == ["image", "video", "audio", "image"]' <<<"$reply"
  jq -e '.data.files[0] | .width == 64 and .height == 48 and .duration == null' <<<"$reply"
  jq -e '.data.files[1] | .width == 80 and .height == 60 and .fps == 10 and (.duration - 1 | fabs) < 0.05' <<<"$reply"
  jq -e '.data.files[1].cdn_url | startswith(env.SANDBOX_CDN + "/uploads/")' <<<"$reply"
  [ "$(infos)" -eq 4 ]
  sandbox_counters | jq -e --argjson b "$before" '.uploads == $b + 4 and .upload_requests >= 1' >/dev/null
}

@test "an unsupported type is 4001 and keeps none of the request's files" {
  run sandbox_curl -w '\n%{http_code}' -F files=@photo.png -F files=@notes.txt "$URL"
  [ "${lines[-1]}" = 400 ]
  jq -e '.code == 4001 and (.message | contains("mp4")) and .data == null' <<<"${lines[0]}"
  [ "$(infos)" -eq 0 ]
}

@test "a file over --max-upload is 4002 (HTTP 413) and keeps nothing" {
  files_before=$(find "$BATS_FILE_TMPDIR/state/uploads" -type f | wc -l)
  run sandbox_curl -w '\n%{http_code}' -F files=@photo.png -F files=@big.mp4 "$URL"
  [ "${lines[-1]}" = 413 ]
  jq -e '.code == 4002 and (.message | contains("200 KiB"))' <<<"${lines[0]}"
  [ "$(infos)" -eq 0 ]
  # Neither the partial big file nor the complete small one stays on disk.
  [ "$(find "$BATS_FILE_TMPDIR/state/uploads" -type f | wc -l)" -eq "$files_before" ]
}

@test "URL mode: one entry per URL, typed by extension, nothing fetched; 4001 for other types" {
  body='{"urls":["https://example.com/a/intro.MOV?x=1","https://example.com/song.mp3"],"source_type":"url"}'
  sandbox_curl -H 'Content-Type: application/json' -d "$body" "$URL" |
    jq -e '.data.files | length == 2 and .[0].filename == "intro.MOV" and .[0].file_type == "video"
      and .[1].file_type == "audio" and .[0].size == null' >/dev/null
  sandbox_curl -H 'Content-Type: application/json' -d '{"urls":["https://example.com/x.pdf"]}' "$URL" |
    jq -e '.code == 4001' >/dev/null
  [ "$(infos)" -eq 2 ]
}

@test "refused uploads get their own status: 1002 (404), 1001 (401), a fault's 429" {
  run sandbox_curl -w '\n%{http_code}' -F files=@photo.png "$SANDBOX_API/api/upload-video/nemo_agent/me/ses_nope"
  [ "${lines[-1]}" = 404 ] && jq -e '.code == 1002' <<<"${lines[0]}"
  TOKEN='' run sandbox_curl -w '\n%{http_code}' -F files=@photo.png "$URL"
  [ "${lines[-1]}" = 401 ] && jq -e '.code == 1001' <<<"${lines[0]}"
  sandbox_fault '{"rate_limit_next": 1}'
  run sandbox_curl -o /dev/null -w '%{http_code}' -F files=@photo.png "$URL"
  [ "$output" = 429 ]
  [ "$(infos)" -eq 0 ]
}

@test "a generation from \"my photos\" puts each upload in the video track" {
  sandbox_curl -F files=@photo.png -F files=@clip.mp4 "$URL" >/dev/null
  sandbox_send "$SID" 'a 6-second slideshow from my uploaded photos and clips' >/dev/null
  sandbox_session "$SID" | jq -e '[.draft.t[] | select(.tt == 0) | .sg[]] |
    length == 2 and .[0].m.desc == "photo.png" and .[0].m.media == "image"
    and .[1].m.media == "video" and (.[1].m.src | startswith(env.SANDBOX_CDN))
    and (.[0].m.file | length) > 0 and (map(.d) | add) == 6000' >/dev/null
}
