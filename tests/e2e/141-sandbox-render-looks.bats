#!/usr/bin/env bats
# The sandbox's renders look like the request: moving backgrounds whose colours come from the
# words, captions over the frames, cross-fades between pieces and a slow pan over photos. Each
# draft is given with nemo-export --draft, so every test renders exactly what it describes.

bats_require_minimum_version 1.5.0
load lib/sandbox
load lib/pipeline

setup_file() {
  pipeline_sandbox_start
}
teardown_file() { sandbox_stop; }
setup() {
  mkdir "$BATS_TEST_TMPDIR/w" && cd "$BATS_TEST_TMPDIR/w"
  nemo-auth | nemo-session >ctx.json
}

# render DRAFT_JSON OUT.mp4: the draft rendered by the sandbox, downloaded.
render() {
  printf '%s\n' "$1" >"$2.draft.json"
  nemo-export -q --new --draft "$2.draft.json" -o "$2" <ctx.json >/dev/null
}
# rgb FILE SECONDS CROP: "R G B", the mean colour of the crop (w:h:x:y) of the frame at SECONDS.
rgb() {
  ffmpeg -v error -ss "$2" -i "$1" -frames:v 1 -vf "crop=$3,scale=1:1:flags=area" \
    -f rawvideo -pix_fmt rgb24 - | od -An -tu1 | xargs
}
# crc FILE SECONDS CROP: a checksum of the crop's pixels at SECONDS.
crc() {
  ffmpeg -v error -ss "$2" -i "$1" -frames:v 1 -vf "crop=$3" -f rawvideo -pix_fmt rgb24 - | cksum
}
# near "R G B" "R G B": each channel within 6 of the other's.
near() {
  awk -v a="$1" -v b="$2" 'BEGIN { split(a, x); split(b, y)
    for (i = 1; i <= 3; i++) { d = x[i] - y[i]; if (d > 6 || d < -6) exit 1 } }'
}
card() {  # WORDS SECONDS: a draft of one colour card described by WORDS, 320x180
  jq -nc --arg d "$1" --argjson ms "$(($2 * 1000))" \
    '{t: [{tt: 0, sg: [{st: 0, d: $ms, m: {desc: $d, color: "#808080"}}]}], m: {width: 320, height: 180}}'
}

@test "a colour card moves: two moments of one segment differ, and no frame is one flat colour" {
  render "$(card 'city at night' 3)" city.mp4
  [ "$(crc city.mp4 0.4 320:180:0:0)" != "$(crc city.mp4 2.4 320:180:0:0)" ]
  [ "$(rgb city.mp4 1 40:40:0:0)" != "$(rgb city.mp4 1 40:40:280:140)" ]
}

@test "the words choose the colours: the sea is blue, a forest green, a sunset warm" {
  render "$(card 'waves on the sea' 2)" sea.mp4
  render "$(card 'a quiet forest' 2)" forest.mp4
  render "$(card 'sunset over the hills' 2)" sunset.mp4
  read -r r g b < <(rgb sea.mp4 1 320:180:0:0)
  [ "$b" -gt "$r" ]
  [ "$b" -gt 90 ]
  read -r r g b < <(rgb forest.mp4 1 320:180:0:0)
  [ "$g" -gt "$r" ]
  [ "$g" -gt "$b" ]
  read -r r g b < <(rgb sunset.mp4 1 320:180:0:0)
  [ "$r" -gt "$b" ]
  [ "$r" -gt 150 ]
}

@test "captions from a Captions text track are drawn at the bottom over their time range" {
  plain=$(card 'the sea' 4)
  captioned=$(jq -c '.t += [{tt: 7, m: {name: "Captions"}, sg: [
    {st: 1000, d: 2000, m: {text: "Our city never sleeps: it'"'"'s 100% true, [really]."}}]}]' <<<"$plain")
  render "$plain" plain.mp4
  render "$captioned" captioned.mp4
  # The same frame but for a band at the bottom while the caption is on; the same before it.
  # (H.264 does not encode two different frames bit for bit alike: mean colours are compared.)
  near "$(rgb plain.mp4 2 320:40:0:0)" "$(rgb captioned.mp4 2 320:40:0:0)"
  run near "$(rgb plain.mp4 2 200:24:60:146)" "$(rgb captioned.mp4 2 200:24:60:146)"
  [ "$status" -ne 0 ]
  near "$(rgb plain.mp4 0.4 200:24:60:146)" "$(rgb captioned.mp4 0.4 200:24:60:146)"
}

@test "photos cross-fade into each other and the durations stay the draft's" {
  ffmpeg -v error -f lavfi -i color=c=red:s=64x48 -frames:v 1 -y "$PWD/red.png"
  ffmpeg -v error -f lavfi -i color=c=blue:s=64x48 -frames:v 1 -y "$PWD/blue.png"
  draft=$(jq -nc --arg r "$PWD/red.png" --arg b "$PWD/blue.png" '{t: [{tt: 0, sg: [
    {st: 0, d: 2000, m: {desc: "red", media: "image", file: $r}},
    {st: 2000, d: 2000, m: {desc: "blue", media: "image", file: $b}}]}], m: {width: 320, height: 180}}')
  render "$draft" photos.mp4
  got=$(ffprobe -v error -show_entries format=duration -of csv=p=0 photos.mp4)
  awk -v a="$got" 'BEGIN { exit !(a > 3.9 && a < 4.1) }'
  read -r r g b < <(rgb photos.mp4 1 40:40:10:10)
  [ "$r" -gt 200 ]
  [ "$b" -lt 60 ]
  read -r r g b < <(rgb photos.mp4 2.25 40:40:10:10)  # halfway through the fade: both
  [ "$r" -gt 60 ]
  [ "$b" -gt 60 ]
  read -r r g b < <(rgb photos.mp4 3.5 40:40:10:10)
  [ "$b" -gt 200 ]
  [ "$r" -lt 60 ]
}

@test "a photo pans slowly: the same spot of the frame shows another part of it later" {
  # A ramp from black on the left to white on the right: a pan changes what a spot shows.
  ffmpeg -v error -f lavfi -i "color=s=640x360,format=gray,geq=lum='X*255/W'" -frames:v 1 \
    -y "$PWD/photo.png"
  draft=$(jq -nc --arg p "$PWD/photo.png" '{t: [{tt: 0, sg: [
    {st: 0, d: 3000, m: {desc: "photo", media: "image", file: $p}}]}], m: {width: 320, height: 180}}')
  render "$draft" pan.mp4
  read -r early _ < <(rgb pan.mp4 0.2 100:100:110:40)
  read -r late _ < <(rgb pan.mp4 2.6 100:100:110:40)
  [ $((late - early)) -gt 12 ]  # the view drifts right, over the brighter side
}

# swing FILE: how many dB the loudness of 50 ms windows of the audio moves between 1 s and 3 s.
swing() {
  ffmpeg -v error -ss 1 -t 2 -i "$1" -vn -af \
    "asetnsamples=2205,astats=metadata=1:reset=1,ametadata=print:key=lavfi.astats.Overall.RMS_level:file=rms.txt" \
    -f null -
  sed -n 's/^lavfi.astats.Overall.RMS_level=//p' rms.txt |
    awk 'NR == 1 { lo = hi = $1 } { if ($1 < lo) lo = $1; if ($1 > hi) hi = $1 } END { printf "%d\n", hi - lo }'
}

@test "the music is a chord that pulses with the mood: upbeat beats, it is not one steady tone" {
  upbeat=$(jq -c '.t += [{tt: 1, m: {name: "Upbeat"}, sg: [{st: 0, d: 4000, m: {volume: 0.5}}]}]' <<<"$(card 'the sea' 4)")
  render "$upbeat" upbeat.mp4
  [ "$(swing upbeat.mp4)" -ge 3 ]
}
