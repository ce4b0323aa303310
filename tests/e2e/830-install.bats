#!/usr/bin/env bats
# Installing: cmake --install puts the programs, man pages and completions in the standard places
# under a prefix and the installed front door finds its commands; cpack -G DEB builds a .deb
# whose Depends (from dpkg-shlibdeps) name libcurl.

bats_require_minimum_version 1.5.0
load lib/docs

setup_file() {
  export PREFIX=$BATS_FILE_TMPDIR/prefix
  cmake --install "$NEMO_BUILD_DIR" --prefix "$PREFIX" >"$BATS_FILE_TMPDIR/install.log" 2>&1 ||
    { cat "$BATS_FILE_TMPDIR/install.log" >&2; return 1; }
}

setup() { require_programs; }

# A PATH with the system's tools but none of the build's programs.
system_path() { echo /usr/local/bin:/usr/bin:/bin; }

@test "cmake --install puts every program in bin, its page in man1 and its completions in place" {
  for prog in "${PROGRAMS[@]}"; do
    for f in "bin/$prog" "share/man/man1/$prog.1" "share/bash-completion/completions/$prog" \
      "share/zsh/vendor-completions/_$prog" "share/fish/vendor_completions.d/$prog.fish"; do
      [[ -e $PREFIX/$f ]] || fail_with "not installed: $f"
    done
    [[ -x $PREFIX/bin/$prog ]] || fail_with "bin/$prog is not executable"
  done
  [[ -f $PREFIX/share/man/man7/nemo-video.7 ]] || fail_with "not installed: share/man/man7/nemo-video.7"
  for f in README.md LICENSE examples/Makefile examples/batch.sh examples/jq-cookbook.md; do
    [[ -f $PREFIX/share/doc/nemo-video/$f ]] || fail_with "not installed: share/doc/nemo-video/$f"
  done
  report_failures
}

@test "man finds the installed pages through the prefix's MANPATH" {
  command -v man >/dev/null || skip "man is not installed"
  run env MANPATH="$PREFIX/share/man" man -w 7 nemo-video
  [ "$status" -eq 0 ]
  [ "$output" = "$PREFIX/share/man/man7/nemo-video.7" ]
  run env MANPATH="$PREFIX/share/man" MANWIDTH=80 man 1 "${PROGRAMS[0]}"
  [ "$status" -eq 0 ]
  [[ $output == *NAME* && $output == *"${PROGRAMS[0]}"* ]]
}

@test "the installed nemo-video help lists the commands, run from the prefix alone" {
  [[ -x $PREFIX/bin/nemo-video ]] || skip "nemo-video is not built"
  run --separate-stderr env PATH="$PREFIX/bin:$(system_path)" nemo-video help
  [ "$status" -eq 0 ]
  [[ $output == *"nemo-auth"* || $output == *" auth "* ]]
  [[ $output == *session* && $output == *export* ]]
}

@test "the installed nemo-video auth --version runs the installed nemo-auth next to it" {
  [[ -x $PREFIX/bin/nemo-video && -x $PREFIX/bin/nemo-auth ]] || skip "nemo-video or nemo-auth is not built"
  # PATH has no nemo-auth at all: the front door must find the one beside itself.
  run --separate-stderr env PATH="$(system_path)" "$PREFIX/bin/nemo-video" auth --version
  [ "$status" -eq 0 ]
  [[ ${lines[0]} == "nemo-auth "*libcurl* ]]
  # And the installed bash completion registers itself.
  run bash --norc --noprofile -c 'source "$1" && complete -p nemo-auth' _ \
    "$PREFIX/share/bash-completion/completions/nemo-auth"
  [ "$status" -eq 0 ]
}

@test "cpack -G DEB builds a .deb that depends on libcurl and holds programs, pages, completions" {
  command -v dpkg-shlibdeps >/dev/null || skip "dpkg-shlibdeps (dpkg-dev) is not installed"
  out=$BATS_TEST_TMPDIR/pkg
  # Package what cmake --install puts under /usr (the same install rules cpack runs itself), so
  # that cpack's own "preinstall" step, which builds every target, never rebuilds the tree that
  # the other tests are running from.
  DESTDIR=$BATS_TEST_TMPDIR/stage cmake --install "$NEMO_BUILD_DIR" --prefix /usr >/dev/null
  run cpack -G DEB --config "$NEMO_BUILD_DIR/CPackConfig.cmake" -B "$out" \
    -D CPACK_INSTALL_CMAKE_PROJECTS= -D "CPACK_INSTALLED_DIRECTORIES=$BATS_TEST_TMPDIR/stage;."
  [ "$status" -eq 0 ] || { echo "$output"; false; }
  debs=("$out"/*.deb)
  [ -f "${debs[0]}" ]
  run dpkg-deb -f "${debs[0]}" Depends
  [ "$status" -eq 0 ]
  echo "Depends: $output"
  [[ $output == *libcurl4* ]]
  [[ $output == *libc6* ]]
  run dpkg-deb -I "${debs[0]}"
  [[ $output == *"Package: nemo-video"* && $output == *libcurl* ]]
  [[ $output != *localhost* ]]
  contents=$(dpkg-deb -c "${debs[0]}")
  for prog in "${PROGRAMS[@]}"; do
    grep -q "/usr/bin/$prog\$" <<<"$contents" || fail_with ".deb lacks usr/bin/$prog"
    grep -q "/usr/share/man/man1/$prog.1" <<<"$contents" || fail_with ".deb lacks man1/$prog.1"
    grep -q "/usr/share/bash-completion/completions/$prog\$" <<<"$contents" ||
      fail_with ".deb lacks the bash completion of $prog"
  done
  report_failures
}
