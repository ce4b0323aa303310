# Running commands as an unprivileged user, for the cases root would get away with (root reads and
# writes any file, and could replace /dev/null): the tests run as root here and in CI, and these
# cases still run, as uid 65534 through setpriv (util-linux). Load after lib/sandbox.
#
#   unprivileged_setup    (in a test) a work directory $UNPRIV with home/, config/ and state/ that
#                         the user the commands run as owns; skips the test, with the reason, when
#                         root cannot drop to that user here
#   as_unprivileged CMD…  run CMD in $UNPRIV as uid 65534 when root, as ourselves otherwise, with
#                         HOME and XDG_* in $UNPRIV (the environment is kept otherwise); exported,
#                         so matrix rows (`bash -c`) can call it
#   unprivileged_cleanup  (in teardown) remove $UNPRIV
#
# Files the command needs must be in $UNPRIV (the bats temporary directories are root's alone);
# redirections are opened by the calling shell, so `as_unprivileged nemo-x <"$CTX"` works.

UNPRIVILEGED_UID=65534

unprivileged_setup() {
  # /tmp, not $TMPDIR: a private TMPDIR would be out of that user's reach
  UNPRIV=$(mktemp -d /tmp/nemo-unprivileged.XXXXXX)
  export UNPRIV
  mkdir -p "$UNPRIV/home" "$UNPRIV/config" "$UNPRIV/state"
  if [ "$(id -u)" -eq 0 ]; then
    command -v setpriv >/dev/null || skip "running as root without setpriv (util-linux) to drop privileges"
    chown -R "$UNPRIVILEGED_UID:$UNPRIVILEGED_UID" "$UNPRIV"
    chmod 0755 "$UNPRIV"
    as_unprivileged test -x "$NEMO_BIN/nemo-auth" ||
      skip "uid $UNPRIVILEGED_UID cannot reach $UNPRIV or run $NEMO_BIN/nemo-auth (a private directory)"
  fi
}

as_unprivileged() {
  local env=(env HOME="$UNPRIV/home" XDG_CONFIG_HOME="$UNPRIV/config" XDG_STATE_HOME="$UNPRIV/state")
  if [ "$(id -u)" -eq 0 ]; then
    (cd "$UNPRIV" && setpriv --reuid="$UNPRIVILEGED_UID" --regid="$UNPRIVILEGED_UID" --clear-groups \
      "${env[@]}" "$@")
  else
    (cd "$UNPRIV" && "${env[@]}" "$@")
  fi
}
export -f as_unprivileged
export UNPRIVILEGED_UID

unprivileged_cleanup() {
  if [ -n "${UNPRIV:-}" ]; then
    rm -rf "$UNPRIV"
    unset UNPRIV
  fi
}
