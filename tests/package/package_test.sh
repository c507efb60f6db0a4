#!/usr/bin/env bash
# The .deb: cpack makes oneall-bulk_VERSION_ARCH.deb from the build, lintian finds no error in
# it, its dependencies are dpkg-shlibdeps' (versioned library packages, not a hand-kept list),
# and it holds the files the README promises, with the man page and changelog compressed.
# Skipped (exit 77) where dpkg-deb, dpkg-shlibdeps or lintian is missing
# (scripts/setup.sh --tests installs them).
# Usage: package_test.sh BUILD_DIR
set -euo pipefail
build=$(realpath "$1")
for tool in cpack dpkg-deb dpkg-shlibdeps lintian; do
  if ! command -v "$tool" >/dev/null; then
    echo "$tool is not installed: skipped" >&2
    exit 77
  fi
done
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

(cd "$out" && cpack --config "$build/CPackConfig.cmake" -B "$out" >"$out/cpack.log") ||
  { cat "$out/cpack.log" >&2; echo "FAIL: cpack" >&2; exit 1; }
debs=("$out"/oneall-bulk_*_*.deb)
[[ ${#debs[@]} -eq 1 && -f ${debs[0]} ]] || { echo "FAIL: no single .deb in $out" >&2; ls "$out" >&2; exit 1; }
deb=${debs[0]}
version=$("$build/oneall-bulk" --version | sed -n '1s/^oneall-bulk \([^ ]*\) .*/\1/p')
[[ $(basename "$deb") == "oneall-bulk_${version}_$(dpkg --print-architecture).deb" ]] ||
  { echo "FAIL: named $(basename "$deb"), version $version" >&2; exit 1; }

status=0
# lintian refuses to run as root only with a warning; errors are lines "E: ...".
lintian_out=$(lintian "$deb" 2>&1 | grep -v 'running with root privileges' || true)
if grep -q '^E: ' <<<"$lintian_out"; then
  echo "FAIL: lintian errors:" >&2
  echo "$lintian_out" >&2
  status=1
fi

depends=$(dpkg-deb -f "$deb" Depends)
for library in libc6 libcurl4 libsqlite3-0 libpq5 libyaml-cpp libsimdjson; do
  grep -q "$library[^,]* (>= " <<<"$depends" ||
    { echo "FAIL: Depends lacks a versioned $library: $depends" >&2; status=1; }
done

contents=$(dpkg-deb -c "$deb" | awk '{print $6}')
for file in ./usr/bin/oneall-bulk \
            ./usr/share/man/man1/oneall-bulk.1.gz \
            ./usr/share/bash-completion/completions/oneall-bulk \
            ./usr/share/zsh/vendor-completions/_oneall-bulk \
            ./usr/share/oneall-bulk/jobfile.schema.json \
            ./usr/share/oneall-bulk/examples/cleanup.yaml \
            ./usr/share/doc/oneall-bulk/copyright \
            ./usr/share/doc/oneall-bulk/changelog.gz \
            ./usr/lib/systemd/system/oneall-bulk@.service \
            ./usr/lib/systemd/system/oneall-bulk@.timer; do
  grep -qxF "$file" <<<"$contents" || { echo "FAIL: the package lacks $file" >&2; status=1; }
done
if grep -q '^\./usr/local/' <<<"$contents"; then
  echo "FAIL: the package installs under /usr/local" >&2
  status=1
fi
exit $status
