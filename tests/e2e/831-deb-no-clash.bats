#!/usr/bin/env bats
# The .deb installs beside Debian's `nemo` (Cinnamon's file manager, the default on Linux Mint):
# its name is nemo-video, not nemo (nor nemovideo, NemoVideo's npm CLI), and no file it holds is a
# file of nemo 5.6.4 or nemo-data (tests/e2e/data/debian-bookworm-nemo-5.6.4.files, from dpkg -c;
# and the live package too when apt-get download works here).

bats_require_minimum_version 1.5.0
load lib/docs

setup_file() {
  command -v dpkg-shlibdeps >/dev/null || skip "dpkg-shlibdeps (dpkg-dev) is not installed"
  out=$BATS_FILE_TMPDIR/pkg
  # As in 830: package what cmake --install puts under /usr, without cpack rebuilding the tree.
  DESTDIR=$BATS_FILE_TMPDIR/stage cmake --install "$NEMO_BUILD_DIR" --prefix /usr >/dev/null
  cpack -G DEB --config "$NEMO_BUILD_DIR/CPackConfig.cmake" -B "$out" \
    -D CPACK_INSTALL_CMAKE_PROJECTS= -D "CPACK_INSTALLED_DIRECTORIES=$BATS_FILE_TMPDIR/stage;." \
    >"$BATS_FILE_TMPDIR/cpack.log" 2>&1 || { cat "$BATS_FILE_TMPDIR/cpack.log" >&2; return 1; }
  debs=("$out"/*.deb)
  export DEB=${debs[0]}
  # Files only, absolute, without .gz: man finds nemo.1 and nemo.1.gz alike.
  dpkg-deb -c "$DEB" | awk '$1 !~ /^d/ { print $6 }' | sed -e 's#^\./#/#' -e 's#\.gz$##' | sort -u \
    >"$BATS_FILE_TMPDIR/ours"
}

setup() { require_programs; }

files_of() { sed -e 's#\.gz$##' "$1" | sort -u; }

@test "the .deb is nemo-video, with a maintainer that is not localhost" {
  [ "$(dpkg-deb -f "$DEB" Package)" = nemo-video ]
  maintainer=$(dpkg-deb -f "$DEB" Maintainer)
  [[ $maintainer == *@* && $maintainer != *localhost* ]]
  [[ $DEB == */nemo-video_* ]]
}

@test "the .deb holds /usr/bin/nemo-video and its pages, and no /usr/bin/nemo, nemo.1 or nemovideo" {
  grep -qx /usr/bin/nemo-video "$BATS_FILE_TMPDIR/ours"
  grep -qx /usr/share/man/man1/nemo-video.1 "$BATS_FILE_TMPDIR/ours"
  grep -qx /usr/share/man/man7/nemo-video.7 "$BATS_FILE_TMPDIR/ours"
  grep -qx /usr/share/doc/nemo-video/README.md "$BATS_FILE_TMPDIR/ours"
  grep -qx /usr/share/doc/nemo-video/examples/jq-cookbook.md "$BATS_FILE_TMPDIR/ours"
  run grep -E '(^/usr/bin/nemo$|/nemo\.[17]$|nemovideo)' "$BATS_FILE_TMPDIR/ours"
  [ "$status" -eq 1 ]
}

@test "no file of the .deb is a file of Debian's nemo 5.6.4 or nemo-data (dpkg -c lists)" {
  list=$BATS_TEST_DIRNAME/data/debian-bookworm-nemo-5.6.4.files
  grep -qx /usr/bin/nemo "$list"  # the list is the real one
  run comm -12 "$BATS_FILE_TMPDIR/ours" <(files_of "$list")
  echo "shared: $output"
  [ -z "$output" ]
}

@test "the check catches a clash: a /usr/bin/nemo or a nemo.1 is found in the list" {
  list=$BATS_TEST_DIRNAME/data/debian-bookworm-nemo-5.6.4.files
  printf '%s\n' /usr/bin/nemo /usr/share/man/man1/nemo.1 | sort >"$BATS_TEST_TMPDIR/bad"
  run comm -12 "$BATS_TEST_TMPDIR/bad" <(files_of "$list")
  [ "${#lines[@]}" -eq 2 ]
}

@test "no file of the .deb is a file of the nemo package apt-get downloads now (when it can)" {
  command -v apt-get >/dev/null || skip "no apt-get"
  cd "$BATS_TEST_TMPDIR"
  timeout 60 apt-get download nemo nemo-data >/dev/null 2>&1 || skip "apt-get download nemo does not work here (offline?)"
  for deb in nemo_*.deb nemo-data_*.deb; do
    dpkg-deb -c "$deb" | awk '$1 !~ /^d/ { print $6 }' | sed -e 's#^\./#/#'
  done >theirs
  grep -qx /usr/bin/nemo theirs
  run comm -12 "$BATS_FILE_TMPDIR/ours" <(files_of theirs)
  echo "shared: $output"
  [ -z "$output" ]
}
