#!/usr/bin/env bash
# cmake/git_revision.cmake, which gives --version its revision: "unknown" for a source tree
# that is not a git checkout, even one unpacked inside another repository (a packager's
# tarball), and the checkout's `git describe` for a checkout, "-dirty" when it has changes.
# Usage: git_revision_test.sh SOURCE_DIR
set -euo pipefail
script=$1/cmake/git_revision.cmake
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=0

revision_of() {
  cmake -DSOURCE_DIR="$1" -DOUTPUT="$work/out.hpp" -P "$script"
  sed -n 's/^#define ONEALL_GIT_REVISION "\(.*\)"$/\1/p' "$work/out.hpp"
}
expect() {
  if [[ $2 != "$3" ]]; then
    echo "FAIL: $1: got [$2], expected [$3]" >&2
    status=1
  fi
}

mkdir -p "$work/tarball"
expect "a tree outside git" "$(revision_of "$work/tarball")" unknown

git init -q "$work/outer"
git -C "$work/outer" -c user.name=t -c user.email=t@example.org commit -q --allow-empty -m outer
mkdir -p "$work/outer/oneall-bulk-0.1.0"
expect "a tarball unpacked in another repository" "$(revision_of "$work/outer/oneall-bulk-0.1.0")" unknown

head=$(git -C "$work/outer" rev-parse --short=12 HEAD)
expect "a checkout" "$(revision_of "$work/outer")" "$head"
touch "$work/outer/new"
git -C "$work/outer" add new
expect "a checkout with changes" "$(revision_of "$work/outer")" "$head-dirty"
exit $status
