#!/usr/bin/env bash
# Puts the source of the installed cpp-httplib (Debian's package, its patches applied) in DIR, so
# the ThreadSanitizer build (ONEALL_TSAN, README "Building and testing") can compile it
# instrumented: Debian ships it compiled, and TSan cannot see a library's synchronisation
# unless it compiled that library. Prints DIR/httplib.h, the whole library in one header.
# Usage: bash scripts/httplib-source.sh DIR      (CMake runs it; a second run reuses DIR)
#
# The source is the one of the exact installed version, from Debian's source archive, and is
# checked against what is installed: split the way Debian builds it, its header must be
# /usr/include/httplib.h byte for byte. apt reads a sources list of its own under DIR, so the
# machine's apt setup is left as it is; needs dpkg-dev (dpkg-source) and python3.
set -euo pipefail

dir=${1:?usage: httplib-source.sh DIR}
for tool in apt-get dpkg-query dpkg-source python3; do
  if ! command -v "$tool" >/dev/null; then
    echo "httplib-source: $tool is missing; install it: apt-get install dpkg-dev python3" >&2
    exit 1
  fi
done
installed=/usr/include/httplib.h
version=$(dpkg-query -W -f='${Version}' libcpp-httplib-dev)
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
if [[ -f $dir/httplib.h && $(cat "$dir/version" 2>/dev/null) == "$version" ]]; then
  echo "$dir/httplib.h"
  exit 0
fi

work=$dir/work
rm -rf "$work"
mkdir -p "$work/lists/partial" "$work/cache/archives/partial" "$work/get"
. /etc/os-release  # VERSION_CODENAME
cat >"$work/sources.list" <<EOF
deb-src http://deb.debian.org/debian $VERSION_CODENAME main
deb-src http://deb.debian.org/debian $VERSION_CODENAME-updates main
deb-src http://deb.debian.org/debian-security $VERSION_CODENAME-security main
EOF
# As root, apt would hand the download to its _apt user, who cannot write in DIR.
apt_own=(-o "Dir::Etc::SourceList=$work/sources.list" -o Dir::Etc::SourceParts=/nonexistent
         -o "Dir::State::Lists=$work/lists" -o "Dir::Cache=$work/cache"
         -o APT::Sandbox::User=root -qq)
echo "httplib-source: fetching Debian's source of cpp-httplib $version" >&2
apt-get "${apt_own[@]}" update >&2
# apt checked the files against the signed index; dpkg-source need not check the .dsc again.
(cd "$work/get" && apt-get "${apt_own[@]}" source --download-only "cpp-httplib=$version" >&2 &&
   dpkg-source -x --no-check ./*.dsc source >&2)

# Debian builds the library from this header split in two (split.py): the declarations it
# installs and httplib.cc. Same declarations, same library.
(cd "$work/get/source" && python3 ./split.py --out "$work/split" >/dev/null)
if ! cmp -s "$work/split/httplib.h" "$installed"; then
  echo "httplib-source: the source of cpp-httplib $version does not split into $installed;" \
       "it is not the library installed here. Reinstall libcpp-httplib-dev." >&2
  exit 1
fi
cp "$work/get/source/httplib.h" "$work/get/source/LICENSE" "$dir/"
echo "$version" >"$dir/version"
rm -rf "$work"
echo "$dir/httplib.h"
