# Helpers for the documentation tests (800–830): which programs were built, and which flags and
# subcommands their --help prints. Programs not built yet are simply not checked; a built program
# whose man page or completion is missing fails.
: "${NEMO_BIN:?NEMO_BIN must point at <build>/bin}"
NEMO_SOURCE_DIR=${NEMO_SOURCE_DIR:-$(cd "$BATS_TEST_DIRNAME/../.." && pwd)}
NEMO_BUILD_DIR=${NEMO_BUILD_DIR:-$(cd "$NEMO_BIN/.." && pwd)}

# The programs in <build>/bin, one per line: nemo-* (the front door is nemo-video).
built_programs() {
  local f
  for f in "$NEMO_BIN"/nemo-*; do
    [[ -f $f && -x $f ]] && basename "$f"
  done
  return 0
}

# At least one program must be there, or the test checks nothing.
require_programs() {
  PROGRAMS=($(built_programs))
  if ((${#PROGRAMS[@]} == 0)); then
    echo "no programs in $NEMO_BIN" >&2
    return 1
  fi
}

# The long flags a --help text (on stdin) prints: the names of each option line, the fields
# that end with a comma and the one after them ("  -o, --output <file>  …" gives --output), and
# every --flag of the usage lines.
flags_of_help() {
  awk '
    /^[Uu]sage:/ { usage = 1 }
    /^[[:space:]]*$/ { usage = 0 }
    usage { while (match($0, /--[a-z][a-z0-9-]*/)) { print substr($0, RSTART, RLENGTH); $0 = substr($0, RSTART + RLENGTH) } next }
    /^[[:space:]]+-/ {
      field = $1
      for (i = 1; i < NF && $i ~ /,$/; i++) field = field $(i + 1)
      n = split(field, names, ",")
      for (i = 1; i <= n; i++) if (names[i] ~ /^--[a-z]/) { sub(/[^a-z0-9-].*$/, "", names[i]); print names[i] }
    }
  ' | sort -u
}

# The subcommands a --help text (on stdin) lists under "Subcommands:" (CLI11) or "Commands:" (the
# front door): the first word of each line of that section.
subcommands_of_help() {
  awk '
    /^(Sub)?[Cc]ommands:/ { in_section = 1; next }
    /^[^[:space:]]/ || /^[[:space:]]*$/ { in_section = 0 }
    in_section && $1 ~ /^[a-z][a-z0-9-]*$/ { print $1 }
  '
}

# Every long flag of PROG and of its CLI11 subcommands (the front door's commands are programs of
# their own and are checked as such).
program_flags() {
  local prog=$1 help sub
  help=$("$NEMO_BIN/$prog" --help)
  {
    flags_of_help <<<"$help"
    if grep -q '^Subcommands:' <<<"$help"; then
      for sub in $(subcommands_of_help <<<"$help"); do
        "$NEMO_BIN/$prog" "$sub" --help | flags_of_help
      done
    fi
  } | sort -u
}

program_subcommands() {
  "$NEMO_BIN/$1" --help | subcommands_of_help
}

# Collects failures so that one test reports every offending program at once.
FAILURES=()
fail_with() { FAILURES+=("$*"); }
report_failures() {
  if ((${#FAILURES[@]})); then
    printf '%s\n' "${FAILURES[@]}" >&2
    return 1
  fi
}
