#!/usr/bin/env bats
# Completion drift: for every built program, every long flag and subcommand its --help prints is
# in completions/bash/<prog>, completions/zsh/_<prog> and completions/fish/<prog>.fish; the bash
# file parses, registers itself and really offers those flags; zsh -n / fish -n when installed.

load lib/docs

setup() { require_programs; }

completion_file() {
  case $1 in
    bash) echo "$NEMO_SOURCE_DIR/completions/bash/$2" ;;
    zsh) echo "$NEMO_SOURCE_DIR/completions/zsh/_$2" ;;
    fish) echo "$NEMO_SOURCE_DIR/completions/fish/$2.fish" ;;
  esac
}

# Does FILE (for SHELL) name FLAG (--flag)? fish spells a long option `-l flag` too.
names_flag() {
  local shell=$1 file=$2 flag=$3 name=${3#--}
  grep -Eq -- "(^|[^a-z0-9-])$flag([^a-z0-9-]|\$)" "$file" && return 0
  [[ $shell == fish ]] && grep -Eq -- "(-l|--long-option)[ =]['\"]?$name(['\"]|[^a-z0-9-]|\$)" "$file"
}

@test "every built program has a bash, a zsh and a fish completion file" {
  for prog in "${PROGRAMS[@]}"; do
    for shell in bash zsh fish; do
      [[ -f $(completion_file $shell "$prog") ]] || fail_with "$prog: no $shell completion ($(completion_file $shell "$prog"))"
    done
  done
  report_failures
}

@test "every long flag and subcommand of every --help is in each completion file" {
  for prog in "${PROGRAMS[@]}"; do
    flags=$(program_flags "$prog")
    subs=$(program_subcommands "$prog")
    for shell in bash zsh fish; do
      file=$(completion_file $shell "$prog")
      [[ -f $file ]] || continue # reported above
      for flag in $flags; do
        names_flag $shell "$file" "$flag" || fail_with "$shell completion of $prog: no $flag"
      done
      for sub in $subs; do
        grep -Eq -- "(^|[^a-z0-9-])$sub([^a-z0-9-]|\$)" "$file" ||
          fail_with "$shell completion of $prog: no subcommand $sub"
      done
    done
  done
  report_failures
}

# Runs the bash completion for the words given ($1 is the program) with the cursor on an empty
# word after them, in a clean shell that sourced every completion file; prints the candidates.
bash_candidates() {
  bash --norc --noprofile -c '
    for f in "$0"/completions/bash/*; do source "$f"; done
    spec=$(complete -p "$1") || exit 3
    fn=$(sed -n "s/.*-F \([^ ]*\).*/\1/p" <<<"$spec")
    COMP_WORDS=("$@" "--"); COMP_CWORD=$#; COMP_LINE="$* --"; COMP_POINT=${#COMP_LINE}
    "$fn" "$1" "--" "${COMP_WORDS[COMP_CWORD-1]}"
    printf "%s\n" "${COMPREPLY[@]}"
  ' "$NEMO_SOURCE_DIR" "$@"
}

@test "every bash completion parses, registers complete -F for its program and offers its flags" {
  for prog in "${PROGRAMS[@]}"; do
    file=$(completion_file bash "$prog")
    [[ -f $file ]] || continue
    bash -n "$file" || { fail_with "bash -n $file failed"; continue; }
    spec=$(bash --norc --noprofile -c 'source "$1" && complete -p "$2"' _ "$file" "$prog") ||
      { fail_with "sourcing $file does not register a completion for $prog"; continue; }
    [[ $spec == *"-F "* ]] || fail_with "$prog: '$spec' is not a complete -F function"
    offered=$(bash_candidates "$prog")
    for flag in $("$NEMO_BIN/$prog" --help | flags_of_help); do
      grep -qx -- "$flag" <<<"$offered" || fail_with "bash: $prog -- does not offer $flag"
    done
    if "$NEMO_BIN/$prog" --help | grep -q '^Subcommands:'; then
      for sub in $(program_subcommands "$prog"); do
        offered=$(bash_candidates "$prog" "$sub")
        for flag in $("$NEMO_BIN/$prog" "$sub" --help | flags_of_help); do
          grep -qx -- "$flag" <<<"$offered" || fail_with "bash: $prog $sub -- does not offer $flag"
        done
      done
    fi
  done
  report_failures
}

@test "bash: nemo-video completes its commands, and a command's flags through the command's own completion" {
  [[ -x $NEMO_BIN/nemo-video ]] || skip "nemo-video is not built"
  run bash --norc --noprofile -c '
    for f in "$0"/completions/bash/*; do source "$f"; done
    COMP_WORDS=(nemo-video ""); COMP_CWORD=1; _nemo_video nemo-video "" nemo-video; printf "%s\n" "${COMPREPLY[@]}"' "$NEMO_SOURCE_DIR"
  for cmd in $(program_subcommands nemo-video); do
    grep -qx "$cmd" <<<"$output" || fail_with "bash: nemo-video does not offer $cmd"
  done
  for cmd in $(program_subcommands nemo-video); do
    [[ -x $NEMO_BIN/nemo-$cmd && -f $(completion_file bash "nemo-$cmd") ]] || continue
    [ "$(bash_candidates nemo-video "$cmd" | sort)" = "$(bash_candidates "nemo-$cmd" | sort)" ] ||
      fail_with "bash: nemo-video $cmd -- offers other flags than nemo-$cmd --"
  done
  report_failures
}

# Completes WORDS… with the cursor on CUR in DIR, in a shell without the bash-completion package
# and with extglob off (bash's default); prints the candidates, then "extglob=on|off" after.
bash_files_offered() {
  local dir=$1 cur=$2
  shift 2
  (cd "$dir" && bash --norc --noprofile -c '
    shopt -u extglob
    for f in "$0"/completions/bash/*; do source "$f"; done
    spec=$(complete -p "$1") || exit 3
    fn=$(sed -n "s/.*-F \([^ ]*\).*/\1/p" <<<"$spec")
    cur=${@: -1}
    COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
    "$fn" "$1" "$cur" "${COMP_WORDS[COMP_CWORD-1]}"
    printf "%s\n" "${COMPREPLY[@]}"
    shopt -q extglob && echo extglob=on || echo extglob=off
  ' "$NEMO_SOURCE_DIR" "$@" "$cur")
}

@test "bash completes -f FILE and upload files by extension without bash-completion or extglob" {
  d=$BATS_TEST_TMPDIR/files
  mkdir -p "$d/sub"
  touch "$d/notes.txt" "$d/brief.PDF" "$d/post.docx" "$d/photo.png" "$d/clip.MP4" "$d/data.bin"
  run bash_files_offered "$d" "" nemo-send -f
  [ "$status" -eq 0 ]
  for f in notes.txt brief.PDF post.docx sub extglob=off; do grep -qx "$f" <<<"$output"; done
  for f in photo.png clip.MP4 data.bin; do ! grep -qx "$f" <<<"$output"; done
  run bash_files_offered "$d" "" nemo-upload
  [ "$status" -eq 0 ]
  for f in photo.png clip.MP4 sub extglob=off; do grep -qx "$f" <<<"$output"; done
  for f in notes.txt data.bin; do ! grep -qx "$f" <<<"$output"; done
  run bash_files_offered "$d" "no" nemo-send --file
  [ "$(grep -v extglob <<<"$output")" = notes.txt ]
}

# The lists are written out (a completion runs no program), and this compares each with the
# sandbox's one table, so none can drift from it.
@test "nemo-sandbox --fault completes every fault of the sandbox's table (--list-faults), no other" {
  [[ -x $NEMO_BIN/nemo-sandbox ]] || skip "nemo-sandbox is not built"
  faults=$("$NEMO_BIN/nemo-sandbox" --list-faults | cut -f1 | sort)
  # The table's own: one NAME<TAB>description line each, error_dialect and inject among them.
  [ "$(wc -l <<<"$faults")" -ge 29 ]
  grep -qx error_dialect <<<"$faults"
  grep -qx inject <<<"$faults"
  # bash offers exactly the table's names; zsh's and fish's lists are the same words.
  offered=$(bash_candidates_after nemo-sandbox --fault | sort)
  [ "$offered" = "$faults" ]
  zsh_list=$(sed -n "s/.*--fault\[[^]]*\]:fault:(\([^)]*\)).*/\1/p" "$(completion_file zsh nemo-sandbox)" | tr ' ' '\n' | sort)
  [ "$zsh_list" = "$faults" ]
  fish_list=$(sed -n "s/.*-l fault .*-a '\([^']*\)'.*/\1/p" "$(completion_file fish nemo-sandbox)" | tr ' ' '\n' | sort)
  [ "$fish_list" = "$faults" ]
}

# Like bash_candidates, with the cursor on an empty word right after the given words.
bash_candidates_after() {
  bash --norc --noprofile -c '
    for f in "$0"/completions/bash/*; do source "$f"; done
    fn=$(complete -p "$1" | sed -n "s/.*-F \([^ ]*\).*/\1/p")
    COMP_WORDS=("$@" ""); COMP_CWORD=$#; COMP_LINE="$* "; COMP_POINT=${#COMP_LINE}
    "$fn" "$1" "" "${COMP_WORDS[COMP_CWORD-1]}"
    printf "%s\n" "${COMPREPLY[@]}"
  ' "$NEMO_SOURCE_DIR" "$@"
}

@test "zsh -n accepts every zsh completion (when zsh is installed)" {
  command -v zsh >/dev/null || skip "zsh is not installed"
  for f in "$NEMO_SOURCE_DIR"/completions/zsh/_*; do
    zsh -n "$f" || fail_with "zsh -n $f failed"
    head -1 "$f" | grep -q "^#compdef ${f##*/_}\b" || fail_with "$f: first line is not #compdef ${f##*/_}"
  done
  report_failures
}

@test "fish -n accepts every fish completion (when fish is installed)" {
  command -v fish >/dev/null || skip "fish is not installed"
  for f in "$NEMO_SOURCE_DIR"/completions/fish/*.fish; do
    fish -n "$f" || fail_with "fish -n $f failed"
  done
  report_failures
}

@test "the drift check catches a flag missing from a completion file" {
  file=$BATS_TEST_TMPDIR/nemo-fake.fish
  echo "complete -c nemo-fake -l frob" >"$file"
  names_flag fish "$file" --frob
  ! names_flag fish "$file" --frobnicate
  ! names_flag bash "$file" --frob
  echo "opts='--frob --other'" >"$file"
  names_flag bash "$file" --frob
  ! names_flag bash "$file" --fro
}
