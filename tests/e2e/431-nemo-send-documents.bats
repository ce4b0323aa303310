#!/usr/bin/env bats
# Seed 001's workflow: a document (TXT, Markdown, DOCX, PDF) and what to make of it, in one
# message. The documents are made here by real tools (pandoc, rsvg-convert); the agent takes the
# title and captions from them and the length from the instruction; the render is a real MP4.

bats_require_minimum_version 1.5.0
load lib/sandbox
load lib/pipeline

setup_file() {
  pipeline_sandbox_start
  export D=$BATS_FILE_TMPDIR/docs && mkdir -p "$D"
  printf '%s\n' '# Spring at the Bäckerei' '' \
    'Our bakery turns ten this spring. We bake croissants, crème brûlée' \
    'and Zimtschnecken every morning, 5 seconds out of the oven.' '' \
    '- Fresh croissants at 50% off' '- Coffee with every cake' >"$D/blog.md"
  if command -v pandoc >/dev/null; then (cd "$D" && pandoc -o blog.docx blog.md); fi
  if command -v rsvg-convert >/dev/null; then
    page() { # y-text pairs → an A5 SVG page
      printf '<svg xmlns="http://www.w3.org/2000/svg" width="420pt" height="595pt" viewBox="0 0 420 595"><g font-family="DejaVu Sans">'
      while (($#)); do printf '<text x="40" y="%s" font-size="%s">%s</text>' "$1" "$2" "$3"; shift 3; done
      printf '</g></svg>'
    }
    page 60 22 'Ünïcode Ölfest' 100 11 'Καλημέρα and привет to every guest.' >"$D/1.svg"
    page 60 11 'On page two: free pretzels.' >"$D/2.svg"
    (cd "$D" && rsvg-convert -f pdf -o flyer.pdf 1.svg 2.svg)
  fi
}
teardown_file() { sandbox_stop; }
setup() { session_per_test; }
teardown() { sandbox_reset; }

# The message the agent received: the generate_video call's prompt in the event stream.
prompt_of() { jq -rs 'map(select(.type == "tool_call" and .name == "generate_video"))[0].args.prompt' "$1"; }
draft() { sandbox_session "$SID" | jq -c .draft; }

@test "seed 001: a .docx and an instruction make a 30-second video titled and captioned from the document" {
  [ -f "$D/blog.docx" ] || skip "pandoc is not installed (scripts/bootstrap)"
  cp "$D/blog.docx" .
  run --separate-stderr bash -c 'nemo-send -f blog.docx \
    "turn this blog intro into a 30-second video with visuals and background music" <ctx.json \
    | nemo-export -o blog.mp4'
  [ "$status" -eq 0 ]
  [ "$(messages)" -eq 1 ]
  # the length from the instruction (not "5 seconds" in the text), the title from the document
  seconds=$(ffprobe -v error -show_entries format=duration -of csv=p=0 blog.mp4)
  awk -v s="$seconds" 'BEGIN { exit !(s > 29.5 && s < 30.5) }'
  draft >draft.json
  jq -e '.m.title == "Spring at the Bäckerei"' draft.json
  jq -e '[.t[] | select(.m.name == "Captions") | .sg[].m.text]
    == ["Our bakery turns ten this spring.", "Fresh croissants at 50% off", "Coffee with every cake"]' draft.json
  # music at the default volume: "50%" in the document is content, not an instruction
  jq -e '.t[] | select(.tt == 1) | .sg[0].m.volume == 0.35' draft.json
}

@test "-f FILE before the message: the instruction first, then the document, labelled by file name" {
  cp "$D/blog.md" .
  run --separate-stderr nemo-send --stream -f "$PWD/blog.md" 'a 12-second video from this' <ctx.json
  [ "$status" -eq 0 ]
  printf '%s\n' "$output" >events
  prompt_of events >prompt
  [ "$(head -n 3 prompt)" = "$(printf 'a 12-second video from this\n\n--- document: blog.md ---')" ]
  [ "$(tail -n 1 prompt)" = "--- end of blog.md ---" ]
  ! grep -q "$PWD" prompt   # the file name, not the user's directories
  tail -n 1 events | jq -e '.summary | contains("Title: \"Spring at the Bäckerei\"") and contains("(0-12s)")'
}

@test "-f is repeatable: a two-page PDF with non-ASCII text and a text file, in order" {
  [ -f "$D/flyer.pdf" ] || skip "rsvg-convert is not installed (scripts/bootstrap)"
  cp "$D/flyer.pdf" .
  printf 'Bring a friend.\n' >notes.txt
  run --separate-stderr nemo-send --stream -f flyer.pdf -f notes.txt 'a 9-second video' <ctx.json
  [ "$status" -eq 0 ]
  printf '%s\n' "$output" >events
  prompt_of events >prompt
  diff prompt - <<'EOF'
a 9-second video

--- document: flyer.pdf ---
Ünïcode Ölfest
Καλημέρα and привет to every guest.
On page two: free pretzels.
--- end of flyer.pdf ---

--- document: notes.txt ---
Bring a friend.
--- end of notes.txt ---
EOF
  draft | jq -e '.m.title == "Ünïcode Ölfest"
    and ([.t[] | select(.m.name == "Captions") | .sg[].m.text]
         == ["Καλημέρα and привет to every guest.", "On page two: free pretzels.", "Bring a friend."])'
}

@test "the size limit is for the whole message: the file that takes it over is named, nothing is sent" {
  head -c 600000 /dev/zero | tr '\0' a >one.txt
  head -c 500000 /dev/zero | tr '\0' b >two.txt
  run --separate-stderr nemo-send -f one.txt -f two.txt 'a video from these' <ctx.json
  [ "$status" -eq 2 ]
  failure_context_only "$output" "$status"
  [ "${stderr_lines[0]}" = "nemo-send: two.txt: message too long with the instruction and 1 file before it (over 1 MiB; limit 1 MiB)" ]
  [[ ${stderr_lines[1]} == "hint: "*"-f"* ]]
  [ "$(messages)" -eq 0 ]
}

@test "a broken .docx, a missing file and --message-stdin with -f exit before anything is sent" {
  printf 'not a zip' >broken.docx
  run --separate-stderr nemo-send -f broken.docx 'a video' <ctx.json
  [ "$status" -eq 6 ]
  [ "${stderr_lines[0]}" = "nemo-send: broken.docx: not a readable .docx (not a zip archive)" ]
  run --separate-stderr nemo-send -f blog.txt -f none.pdf 'a video' <ctx.json
  [ "$status" -eq 2 ]
  [[ ${stderr_lines[0]} == "nemo-send: blog.txt: cannot read: No such file or directory" ]]
  run --separate-stderr bash -c "echo hi | nemo-send --session $SID --message-stdin -f broken.docx"
  [ "$status" -eq 2 ]
  [[ $stderr == *"--message-stdin takes the whole message from stdin"* ]]
  failure_context_only "$output" "$status"
  [ "$(messages)" -eq 0 ]
}

@test "a document among the message words is a forgotten -f: exit 2, nothing sent" {
  printf 'Bring a friend.\n' >notes.txt
  cp "$D/blog.md" .
  run --separate-stderr nemo-send -f blog.md notes.txt 'a video from these' <ctx.json
  [ "$status" -eq 2 ]
  [ "${stderr_lines[0]}" = "nemo-send: notes.txt: a file among the message's words" ]
  [[ ${stderr_lines[1]} == "hint: give each document its own -f"* ]]
  run --separate-stderr nemo-send notes.txt <ctx.json
  [ "$status" -eq 2 ]
  [ "$(messages)" -eq 0 ]
  # a word that only looks like a file name is a word
  run --separate-stderr nemo-send -f blog.md 'a video' 'about readme.txt' <ctx.json
  [ "$status" -eq 0 ]
}

@test "a document alone is the message as it is, as before" {
  printf 'a 6-second video titled "Just The File"\n' >prompt.txt
  run --separate-stderr nemo-send --stream -f prompt.txt <ctx.json
  [ "$status" -eq 0 ]
  printf '%s\n' "$output" >events
  [ "$(prompt_of events)" = 'a 6-second video titled "Just The File"' ]
  tail -n 1 events | jq -e '.summary | contains("Title: \"Just The File\"") and contains("(0-6s)")'
}
