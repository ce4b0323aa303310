#!/usr/bin/env bats
# nemo-sandbox sessions, state and credits, with curl only: ownership, 1002, the scripted
# agent's draft, credits frozen while a run works, and 2001 when they are short.

load lib/sandbox

setup_file() { sandbox_start --work-time 300ms --render-time 500ms; }
teardown_file() { sandbox_stop; }
setup() {
  sandbox_reset
  sandbox_credits 100
  TOKEN=$(sandbox_token)
  SID=$(sandbox_new_session)
}

state() { sandbox_curl "$SANDBOX_API/api/state/nemo_agent/me/$1/latest"; }
balance() { sandbox_curl "$SANDBOX_API/api/credits/balance/simple"; }

@test "a new session: ids, an empty draft, the default canvas" {
  [[ $SID == ses_* ]]
  state "$SID" | jq -e '.code == 0 and .data.state.draft == {} and .data.state.video_infos == []
    and .data.state.canvas_config == {width: 1920, height: 1080}
    and .data.state.video_analyses == [] and .data.state.generated_media == []' >/dev/null
  balance | jq -e '.data == {available: 100, frozen: 0, total: 100}' >/dev/null
}

@test "an unknown session, or another user's, is 404 code 1002" {
  run sandbox_curl -w '\n%{http_code}' "$SANDBOX_API/api/state/nemo_agent/me/ses_nope/latest"
  [ "${lines[1]}" = 404 ] && jq -e '.code == 1002 and .data == null' <<<"${lines[0]}"
  TOKEN=$(sandbox_token)
  state "$SID" | jq -e '.code == 1002' >/dev/null
}

@test "a generation builds video, BGM and title tracks in the draft format" {
  sandbox_send "$SID" 'a 20-second city timelapse with calm music, vertical, titled "Urban Dreams"' >/dev/null
  sandbox_wait_run "$SID"
  draft=$(state "$SID" | jq -c .data.state.draft)
  jq -e '.m == {width: 1080, height: 1920, title: "Urban Dreams"}' <<<"$draft"
  jq -e '[.t[] | select(.tt == 0) | .sg[]] | length == 4 and (map(.d) | add) == 20000
    and all(.m.color | test("^#[0-9a-f]{6}$")) and .[0].m.desc == "city timelapse"' <<<"$draft"
  jq -e '[.t[] | select(.tt == 1)][0] | .m.name == "Calm" and .sg[0].m == {name: "Calm", volume: 0.35}
    and .sg[0].st == 0 and .sg[0].d == 20000' <<<"$draft"
  jq -e '[.t[] | select(.tt == 7)][0].sg[0] | .m.title == "Urban Dreams" and .d == 3000' <<<"$draft"
  jq -e '[.t[].id] == ["trk_1", "trk_2", "trk_3"] and ([.t[].sg[].id] | unique | length) == 6' <<<"$draft"
  state "$SID" | jq -e '.data.state.canvas_config == {width: 1080, height: 1920}' >/dev/null
  sandbox_session "$SID" | jq -e '.messages == 1 and .run_active == false' >/dev/null
}

@test "edits: title, music volume, duration, aspect ratio, removals" {
  sandbox_credits 1000
  sandbox_send "$SID" 'a 10-second beach video' >/dev/null
  sandbox_send "$SID" 'change the title to "Sunny Days" and make the music lo-fi at 20%' |
    sandbox_events | jq -se 'map(.content.parts[0].text // empty) | last | startswith("Done: ")' >/dev/null
  state "$SID" | jq -e '.data.state.draft | .m.title == "Sunny Days"
    and ([.t[] | select(.tt == 1)][0].sg[0].m == {name: "Lo-fi", volume: 0.2})' >/dev/null
  sandbox_send "$SID" 'make it 30 seconds, square' >/dev/null
  state "$SID" | jq -e '.data.state.draft | .m.width == 1080 and .m.height == 1080
    and ([.t[] | select(.tt == 0) | .sg[] | .st + .d] | max) == 30000' >/dev/null
  sandbox_send "$SID" 'remove the title and remove the music' >/dev/null
  state "$SID" | jq -e '.data.state.draft | ([.t[].tt] == [0]) and (.m | has("title") | not)' >/dev/null
  sandbox_session "$SID" | jq -e '.messages == 4' >/dev/null
  sandbox_counters | jq -e --arg s "$SID" '.messages[$s] == 4' >/dev/null
}

@test "credits are frozen while a run works, then spent" {
  sandbox_fault '{"work_time_ms": 1000}'
  sandbox_send "$SID" 'a 10-second video' >/dev/null &
  for _ in $(seq 100); do
    sandbox_session "$SID" | jq -e .run_active >/dev/null && break
    sleep 0.05
  done
  balance | jq -e '.data == {available: 0, frozen: 100, total: 100}' >/dev/null
  sandbox_counters | jq -e '.runs_active >= 1' >/dev/null
  wait
  sandbox_wait_run "$SID"
  balance | jq -e '.data == {available: 0, frozen: 0, total: 0}' >/dev/null
}

@test "short of credits: one 2001 error event, in either dialect, and nothing changes" {
  sandbox_credits 40
  run sandbox_send "$SID" 'a 10-second video'
  events=$(sandbox_events <<<"$output")
  [ "$(wc -l <<<"$events")" -eq 1 ]
  jq -e '.errorCode == "2001" and (.errorMessage | startswith("Insufficient credits"))' <<<"$events"
  sandbox_fault '{"dialect": "typed"}'
  sandbox_send "$SID" 'a 10-second video' | sandbox_events |
    jq -e '.type == "error" and .code == 2001' >/dev/null
  state "$SID" | jq -e '.data.state.draft == {}' >/dev/null
  balance | jq -e '.data.available == 40 and .data.frozen == 0' >/dev/null
}
