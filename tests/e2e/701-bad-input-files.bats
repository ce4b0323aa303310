#!/usr/bin/env bats
# The bad-input matrix, part 2: messages and files to upload. Every row sends nothing: no
# message and no upload reach the sandbox (see lib/matrix.bash for what each row asserts).

bats_require_minimum_version 1.5.0
load lib/sandbox
load lib/matrix
load lib/unprivileged

setup_file() { matrix_setup_file; }
teardown_file() { sandbox_stop; }
setup() {
  matrix_setup
  export F=$BATS_TEST_TMPDIR/files && mkdir -p "$F"
}
teardown() { unprivileged_cleanup; }

# messages
@test "message empty: exit 2" { row 2 'the message is empty' 'nemo-send "" <"$CTX"'; }
@test "message only blanks: exit 2" { row 2 'the message is empty' 'nemo-send "   " <"$CTX"'; }
@test "message over 1 MiB from a file: exit 2" {
  head -c 1048577 /dev/zero | tr '\0' a >"$F/long.txt"
  row 2 'long.txt: message too long' 'nemo-send -f "$F/long.txt" <"$CTX"'
}
@test "message over 1 MiB on stdin: exit 2" {
  row 2 'message too long' \
    "head -c 1048577 /dev/zero | tr '\\0' a | nemo-send --session ses_x --message-stdin -"
}
@test "message not UTF-8: exit 2 with the byte offset" {
  row 2 'not valid UTF-8 \(at byte 3\)' 'nemo-send "$(printf "caf\xe9 \xff")" <"$CTX"'
}
@test "message file not UTF-8 (latin1): exit 2" {
  printf 'caf\xe9 au lait' >"$F/latin1.txt"
  row 2 'latin1.txt: not valid UTF-8' 'nemo-send -f "$F/latin1.txt" <"$CTX"'
}
@test "message file missing: exit 2" { row 2 'nope.txt' 'nemo-send -f nope.txt <"$CTX"'; }
@test "message file of an unsupported type: exit 6" {
  printf 'x' >"$F/msg.odt"
  row 6 'msg.odt: unsupported message file type' 'nemo-send -f "$F/msg.odt" <"$CTX"'
}

# files to upload
@test "upload a directory: exit 2" { row 2 'is a directory' 'nemo-upload "$F" <"$CTX"'; }
@test "upload a FIFO (without blocking): exit 2" {
  mkfifo "$F/pipe.mp4"
  row 2 'pipe.mp4: .*not a regular file' 'nemo-upload "$F/pipe.mp4" <"$CTX"'
}
@test "upload a symlink loop: exit 2" {
  ln -s loop2.png "$F/loop1.png" && ln -s loop1.png "$F/loop2.png"
  row 2 'loop1.png: .*(symbolic links|loop)' 'nemo-upload "$F/loop1.png" <"$CTX"'
}
@test "upload a dangling symlink: exit 2" {
  ln -s gone.png "$F/dangling.png"
  row 2 'dangling.png: a symbolic link to nothing' 'nemo-upload "$F/dangling.png" <"$CTX"'
}
@test "upload an empty file: exit 6" {
  : >"$F/empty.png"
  row 6 'empty.png: .*empty' 'nemo-upload "$F/empty.png" <"$CTX"'
}
@test "upload an unreadable file: exit 2" {
  unprivileged_setup  # root reads any file: as root, this runs as an unprivileged user
  cp "$M/a.png" "$UNPRIV/secret.png" && chmod 000 "$UNPRIV/secret.png"
  row 2 'secret.png: cannot read: Permission denied' 'as_unprivileged nemo-upload "$UNPRIV/secret.png" <"$CTX"'
}
@test "upload a supported extension with foreign content (text named .png): exit 6" {
  echo 'not an image at all' >"$F/fake.png"
  row 6 'fake.png' 'nemo-upload "$F/fake.png" <"$CTX"'
}
@test "upload a PNG named .mp4: exit 6" {
  cp "$M/a.png" "$F/image.mp4"
  row 6 'image.mp4' 'nemo-upload "$F/image.mp4" <"$CTX"'
}
@test "upload a file over the limit: exit 7" {
  row 7 'a.png: file too large' 'nemo-upload --max-size 100 "$M/a.png" <"$CTX"'
}
@test "upload an unsupported extension: exit 6" {
  echo hi >"$F/notes.txt"
  row 6 'notes.txt' 'nemo-upload "$F/notes.txt" <"$CTX"'
}
@test "upload one good file and one missing: exit 2, the good one is not sent either" {
  row 2 'nope.png: no such file' 'nemo-upload "$M/a.png" nope.png <"$CTX"'
}
@test "upload a URL that is not http(s): exit 2" {
  row 2 'not an http\(s\) URL' 'nemo-upload --url ftp://example.invalid/a.mp4 <"$CTX"'
}
