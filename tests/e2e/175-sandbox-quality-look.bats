#!/usr/bin/env bats
# What reaches the renderer: nemo-export's --quality (low 720 lines at CRF 30, medium 1080 at
# CRF 28, high 1080 at CRF 21: three different files, the sizes and bitrates ffprobe shows), and
# the draft's look (a night is darker than a day, brighter is brighter).

load lib/sandbox

setup_file() {
  export NEMO_TEST_RENDER_CACHE=$BATS_FILE_TMPDIR/render-cache # this file's own
  sandbox_start --work-time 20ms --render-time 10ms
}
teardown_file() { sandbox_stop; }
setup() { nemo_test_env; cd "$BATS_TEST_TMPDIR"; }

probe() { # FILE → {"width","height","bit_rate"} of the video stream
  ffprobe -v error -select_streams v:0 -show_entries stream=width,height,bit_rate -of json "$1" |
    jq -c '.streams[0] | {width, height, bit_rate: (.bit_rate | tonumber)}'
}
luma() { # FILE → the mean luma of its frames (0-255)
  ffmpeg -v error -i "$1" -vf signalstats,metadata=print:key=lavfi.signalstats.YAVG:file=- -f null - |
    sed -n 's/.*YAVG=//p' | awk '{s += $1; n++} END {printf "%d\n", s / n}'
}

@test "--quality low, medium and high: 1280x720, 1920x1080 at a lower bitrate, 1920x1080" {
  nemo-auth | nemo-session | nemo-send -q 'a 3-second video of the sea with upbeat music' >ctx.json
  for q in low medium high; do
    nemo-export -q --quality "$q" -o "$q.mp4" <ctx.json >/dev/null
    probe "$q.mp4" >"$q.json"
  done
  jq -e '.width == 1280 and .height == 720' low.json
  jq -e '.width == 1920 and .height == 1080' medium.json
  jq -e '.width == 1920 and .height == 1080' high.json
  # high spends more bits on the same picture than medium
  [ "$(jq .bit_rate high.json)" -gt "$(jq .bit_rate medium.json)" ]
  ! cmp -s medium.mp4 high.mp4
  ! cmp -s low.mp4 medium.mp4
}

@test "a vertical canvas keeps its shape: low is 720x1280" {
  nemo-auth | nemo-session | nemo-send -q 'a 2-second vertical video of a forest' >ctx.json
  nemo-export -q --quality low -o v.mp4 <ctx.json >/dev/null
  jq -e '.width == 720 and .height == 1280' <<<"$(probe v.mp4)"
}

@test "night reaches the renderer: a city at night is darker than a city by day; brighter is brighter" {
  nemo-auth | nemo-session | nemo-send -q 'a 2-second video of a city street' >day.json
  nemo-auth | nemo-session | nemo-send -q 'a 2-second video of a city street at night' >night.json
  nemo-export -q --quality low -o day.mp4 <day.json >/dev/null
  nemo-export -q --quality low -o night.mp4 <night.json >/dev/null
  day=$(luma day.mp4)
  night=$(luma night.mp4)
  echo "# luma: day $day, night $night" >&2
  [ "$night" -lt $((day * 7 / 10)) ]
  nemo-send -q 'brighter' <night.json >bright.json
  nemo-export -q --quality low -o bright.mp4 <bright.json >/dev/null
  bright=$(luma bright.mp4)
  echo "# luma: brighter night $bright" >&2
  [ "$bright" -gt "$night" ]
}
