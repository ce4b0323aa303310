#!/usr/bin/env bats
# The bad-input matrix: the state directory (the journal, the credit ledger). A re-run
# trusts what it finds there as much as a token, so a directory that another user owns or can
# write is refused with exit 3 before anything is sent, and its mode is never changed through it
# (see lib/matrix.bash for what each row asserts).

bats_require_minimum_version 1.5.0
load lib/sandbox
load lib/matrix
load lib/unprivileged

setup_file() { matrix_setup_file; }
teardown_file() { sandbox_stop; }
setup() {
  matrix_setup
  unprivileged_setup  # as root, the programs run as uid 65534, which the directories are not
}
teardown() { unprivileged_cleanup; }

# nemo-send as that user, with XDG_STATE_HOME at $1
send_as_user() { echo "as_unprivileged env XDG_STATE_HOME='$1' nemo-send 'a 10-second video' <\"\$CTX\""; }

@test "a shared state home whose nemovideo directory another user made: exit 3, nothing sent" {
  [ "$(id -u)" -eq 0 ] || skip "needs root to make a directory as another user"
  mkdir -m 1777 "$UNPRIV/shared" && mkdir -m 0777 "$UNPRIV/shared/nemovideo"
  row 3 "shared/nemovideo: owned by root .*refusing to keep the journal" "$(send_as_user "$UNPRIV/shared")"
  [ -z "$(ls -A "$UNPRIV/shared/nemovideo")" ]
}

@test "a journal directory of ours that others can write: exit 3, its mode left as it was" {
  mkdir -p "$UNPRIV/st/nemovideo/journal"
  chmod 0700 "$UNPRIV/st/nemovideo" && chmod 0777 "$UNPRIV/st/nemovideo/journal"
  [ "$(id -u)" -ne 0 ] || chown -R 65534:65534 "$UNPRIV/st"
  row 3 "nemovideo/journal: writable by others \(mode 0777\)" "$(send_as_user "$UNPRIV/st")"
  [ "$(stat -c %a "$UNPRIV/st/nemovideo/journal")" = 777 ]
  grep -q 'hint: ' <<<"$stderr"
}

@test "a journal that is a link another user planted: exit 3, nothing sent" {
  [ "$(id -u)" -eq 0 ] || skip "needs root to plant a link as another user"
  mkdir -p "$UNPRIV/st/nemovideo" "$UNPRIV/elsewhere"
  chown 65534:65534 "$UNPRIV/st" "$UNPRIV/st/nemovideo" && chmod 0700 "$UNPRIV/st/nemovideo"
  chmod 0777 "$UNPRIV/elsewhere"
  ln -s "$UNPRIV/elsewhere" "$UNPRIV/st/nemovideo/journal"
  row 3 "nemovideo/journal: links to .*elsewhere, owned by root" "$(send_as_user "$UNPRIV/st")"
  [ -z "$(ls -A "$UNPRIV/elsewhere")" ]
}

@test "a state directory of the user's own, private: the send goes ahead" {
  mkdir -p "$UNPRIV/st"
  [ "$(id -u)" -ne 0 ] || chown 65534:65534 "$UNPRIV/st"
  run --separate-stderr bash -c "$(send_as_user "$UNPRIV/st") >/dev/null"
  # another user's session: the API answers, the journal was written
  [ -d "$UNPRIV/st/nemovideo/journal" ]
  [ "$(stat -c %a "$UNPRIV/st/nemovideo")" = 700 ]
}
