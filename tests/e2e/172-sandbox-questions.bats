#!/usr/bin/env bats
# The agent asks when a prompt leaves the subject open: an ask_question tool call (the shape
# NemoVideo's agent uses: the question and its choices) in both event dialects, no tool result,
# no change to the draft and no charge; the next message answers it.

load lib/sandbox

setup_file() { sandbox_start --work-time 20ms --credits 1000; }
teardown_file() { sandbox_stop; }
setup() {
  sandbox_reset
  TOKEN=$(sandbox_token)
  SID=$(sandbox_new_session)
}

balance() { sandbox_curl "$SANDBOX_API/api/credits/balance/simple" | jq -c '.data | {available, frozen}'; }

@test "ADK events: 'make a video' ends on an ask_question functionCall with a question and choices" {
  before=$(balance)
  events=$(sandbox_send "$SID" 'make a video' | sandbox_events)
  sandbox_wait_run "$SID"
  call=$(jq -sc 'map(.content.parts[]? | select(.functionCall)) | .[-1].functionCall' <<<"$events")
  jq -e '.name == "ask_question" and (.id | startswith("adk-"))
    and (.args.question | test("\\?$")) and (.args.choices | length >= 2)
    and (.args.choices | all(type == "string"))' <<<"$call"
  # the run ends on the question: no tool result, and the last event is the call
  jq -se 'map(.content.parts[]? | select(.functionResponse)) | length == 0' <<<"$events"
  jq -se '.[-1].content.parts[0].functionCall.name == "ask_question"' <<<"$events"
  # nothing made, nothing charged
  sandbox_session "$SID" | jq -e '.draft == {} or .draft == null or (.draft.t // [] | length) == 0'
  [ "$(balance)" = "$before" ]
  # the answer is the next message: a generation
  sandbox_send "$SID" 'a city at night' >/dev/null
  sandbox_wait_run "$SID"
  sandbox_session "$SID" | jq -e '.draft.m.time_of_day == "night" and (.draft.t | length) >= 2'
}

@test "typed events: the same question as a tool_call event" {
  sandbox_fault '{"dialect": "typed"}'
  events=$(sandbox_send "$SID" 'make a video' | sandbox_events)
  sandbox_wait_run "$SID"
  jq -se 'map(select(.type == "tool_call")) | length == 1 and .[0].name == "ask_question"
    and (.[0].args.choices | length >= 2)' <<<"$events"
  jq -se 'map(select(.type == "tool_result")) | length == 0' <<<"$events"
  jq -se '.[-1].type == "tool_call"' <<<"$events"
}

@test "a prompt that says anything at all is made, not asked about" {
  for prompt in 'a 10-second video' 'make a video titled "Hi"' 'a video with calm music' \
    'a vertical video' 'make a video of the sea'; do
    sid=$(sandbox_new_session)
    sandbox_send "$sid" "$prompt" | sandbox_events | jq -se --arg p "$prompt" \
      'map(.content.parts[]?.functionCall.name // empty) | index("ask_question") == null' >/dev/null ||
      { echo "asked about: $prompt"; return 1; }
  done
}
