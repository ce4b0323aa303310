#!/usr/bin/env bats
# The man pages: every man/*.1 and man/*.7 lints clean (mandoc, groff -ww, man -l); every built
# program has its page, with the usual sections, every long flag and subcommand its --help prints.

load lib/docs

setup() { require_programs; }

# The page as plain text, on one long line per paragraph so a flag is never split.
page_text() { mandoc -T ascii -O width=400 "$1" | col -b; }

@test "every man page passes mandoc -T lint -W warning without a word" {
  pages=("$NEMO_SOURCE_DIR"/man/*.[17])
  ((${#pages[@]} >= 2))
  run mandoc -T lint -W warning "${pages[@]}"
  [ "$output" = "" ]
  [ "$status" -eq 0 ]
}

@test "every man page renders with groff -ww -man -Tutf8 and with man -l without a warning" {
  for page in "$NEMO_SOURCE_DIR"/man/*.[17]; do
    out=$(groff -ww -man -Tutf8 "$page" 2>&1 >/dev/null)
    [[ -z $out ]] || fail_with "groff: $out"
    if command -v man >/dev/null; then
      out=$(MANWIDTH=80 man --warnings -l "$page" 2>&1 >/dev/null)
      [[ -z $out ]] || fail_with "man -l $page: $out"
    fi
  done
  report_failures
}

@test "every built program has man/<program>.1 with a matching title and the usual sections" {
  for prog in "${PROGRAMS[@]}"; do
    page=$NEMO_SOURCE_DIR/man/$prog.1
    if [[ ! -f $page ]]; then
      fail_with "$prog: no man page man/$prog.1"
      continue
    fi
    title=$(awk '/^\.TH/ { print $2, $3; exit }' "$page")
    [[ ${title,,} == "$prog 1" ]] || fail_with "$prog.1: .TH says '$title'"
    for section in NAME SYNOPSIS DESCRIPTION OPTIONS "EXIT STATUS" EXAMPLES "SEE ALSO"; do
      grep -Eq "^\.SH \"?$section\"?\$" "$page" || fail_with "$prog.1: no $section section"
    done
  done
  report_failures
}

@test "every long flag and subcommand a program's --help prints is in its man page" {
  for prog in "${PROGRAMS[@]}"; do
    page=$NEMO_SOURCE_DIR/man/$prog.1
    [[ -f $page ]] || continue # reported above
    text=$(page_text "$page")
    for flag in $(program_flags "$prog"); do
      grep -Eq -- "(^|[^a-z0-9-])$flag([^a-z0-9-]|\$)" <<<"$text" || fail_with "$prog.1: no $flag"
    done
    for sub in $(program_subcommands "$prog"); do
      grep -Eqw -- "$sub" <<<"$text" || fail_with "$prog.1: no subcommand $sub"
    done
  done
  report_failures
}

@test "nemo-video(7) names every built program and every exit code of the table" {
  text=$(page_text "$NEMO_SOURCE_DIR/man/nemo-video.7")
  for prog in "${PROGRAMS[@]}"; do
    grep -Eq -- "(^|[^a-z-])$prog([^a-z-]|\$)" <<<"$text" || fail_with "nemo-video.7: no $prog"
  done
  for code in 0 1 2 3 4 5 6 7 8 9 10 11 12 13 20 130; do
    grep -Eq "^ +$code( |\$)" <<<"$text" || fail_with "nemo-video.7: exit code $code not in EXIT STATUS"
  done
  report_failures
}

@test "the lint catches a broken page" {
  bad=$BATS_TEST_TMPDIR/bad.1
  printf '.TH BAD 1\n.SH NAME\nbad \\- a page\n.BOGUS macro\n' >"$bad"
  run mandoc -T lint -W warning "$bad"
  [ -n "$output" ]
  run bash -c "groff -ww -man -Tutf8 '$bad' 2>&1 >/dev/null"
  [[ $output == *BOGUS* ]]
}
