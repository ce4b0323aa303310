#!/usr/bin/env bats
# nemo-sandbox's scripted agent with curl: what a message asks for (titles in any quotes) and
# what a message with documents makes (the instruction says what to do, the document what to
# show).

load lib/sandbox

setup_file() { sandbox_start --work-time 50ms --credits 100000; }
teardown_file() { sandbox_stop; }
setup() {
  sandbox_reset
  TOKEN=$(sandbox_token)
  SID=$(sandbox_new_session)
}

# Sends the message and prints the session's draft once the run is over.
draft_after() {
  sandbox_send "$SID" "$1" >/dev/null
  sandbox_wait_run "$SID"
  sandbox_session "$SID" | jq -c .draft
}

@test "a title in double, single or typographic quotes" {
  [ "$(draft_after 'a 5-second video titled "Urban Dreams"' | jq -r .m.title)" = "Urban Dreams" ]
  [ "$(draft_after "retitle it 'Spring Sale'" | jq -r .m.title)" = "Spring Sale" ]
  [ "$(draft_after 'retitle it “Grand Opening”' | jq -r .m.title)" = "Grand Opening" ]
  [ "$(draft_after 'retitle it ‘Café — Day One’' | jq -r .m.title)" = "Café — Day One" ]
}

@test "an apostrophe is not a quote; a title may hold one" {
  [ "$(draft_after "don't stop: title it 'Mary's Bakery' please" | jq -r .m.title)" = "Mary's Bakery" ]
  [ "$(draft_after "it's Ann's turn, make it 8 seconds" | jq -r .m.title)" = "Mary's Bakery" ]
  [ "$(draft_after 'title it ‘Ann’s Café’' | jq -r .m.title)" = "Ann’s Café" ]
}

@test "instruction plus document: length and music from the instruction, title and captions from the document" {
  msg=$(printf '%s\n' 'turn this blog intro into a 20-second video with calm music' '' \
    '--- document: blog.docx ---' '# Spring at the Bäckerei' \
    'Our bakery turns ten. It has been 3 minutes of fame at 90% volume!' '- Fresh croissants' \
    '1. Coffee with every cake' '--- end of blog.docx ---')
  d=$(draft_after "$msg")
  jq -e '.m.title == "Spring at the Bäckerei"' <<<"$d"
  jq -e '[.t[] | .sg[-1] | .st + .d] | max == 20000' <<<"$d"
  jq -e '.t[] | select(.tt == 1) | .m.name == "Calm" and .sg[0].m.volume == 0.35' <<<"$d"
  jq -e '[.t[] | select(.tt == 7) | .m.name] == ["Title", "Captions"]' <<<"$d"
  jq -e '[.t[] | select(.m.name == "Captions") | .sg[] | [.m.text, .st, .d]]
    == [["Our bakery turns ten.", 3000, 5666], ["Fresh croissants", 8666, 5667],
        ["Coffee with every cake", 14333, 5667]]' <<<"$d"
  jq -e '.t[] | select(.tt == 0) | .sg[0].m.desc == "Spring at the Bäckerei"' <<<"$d"
}

@test "a quoted title in the instruction wins over the document's first line" {
  msg=$(printf '%s\n' "a 10-second video titled 'Open Day'" '--- document: notes.md ---' 'Notes' \
    'We open at nine.' '--- end of notes.md ---')
  d=$(draft_after "$msg")
  jq -e '.m.title == "Open Day"' <<<"$d"
  jq -e '[.t[] | select(.m.name == "Captions") | .sg[].m.text] == ["We open at nine."]' <<<"$d"
}

@test "a document on an existing draft: title and captions replaced, the change reported" {
  draft_after 'a 12-second video titled "First"' >/dev/null
  msg=$(printf '%s\n' 'use this text' '--- document: v2.txt ---' 'Second Draft' 'Line one.' \
    'Line two.' '--- end of v2.txt ---')
  out=$(sandbox_send "$SID" "$msg" | sandbox_events)
  jq -se 'map(.content.parts[0].functionResponse.response.changes // empty) | .[0]
    == ["title set to \"Second Draft\"", "captions set from v2.txt (2 lines)"]' <<<"$out"
  d=$(sandbox_session "$SID" | jq -c .draft)
  jq -e '[.t[] | .sg[-1] | .st + .d] | max == 12000' <<<"$d"
  # the title still comes first: the renderer draws the first text track
  jq -e '[.t[] | select(.tt == 7) | .m.name] == ["Title", "Captions"]' <<<"$d"
}
