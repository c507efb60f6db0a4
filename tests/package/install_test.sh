#!/usr/bin/env bash
# cmake --install into a fresh prefix: every file the README and the man page promise is there,
# the binary runs from it, and the completion scripts are what that binary prints.
# Usage: install_test.sh BUILD_DIR
set -euo pipefail
build=$1
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT

cmake --install "$build" --prefix "$prefix" >/dev/null

status=0
for file in bin/oneall-bulk \
            share/man/man1/oneall-bulk.1 \
            share/bash-completion/completions/oneall-bulk \
            share/zsh/vendor-completions/_oneall-bulk \
            share/oneall-bulk/jobfile.schema.json \
            share/oneall-bulk/examples/cleanup.yaml \
            share/oneall-bulk/examples/repoint-pins.csv \
            share/doc/oneall-bulk/copyright \
            share/doc/oneall-bulk/changelog \
            lib/systemd/system/oneall-bulk@.service \
            lib/systemd/system/oneall-bulk@.timer; do
  if [[ ! -f $prefix/$file ]]; then
    echo "FAIL: $file is not installed" >&2
    status=1
  fi
done
[[ -x $prefix/bin/oneall-bulk ]] || { echo "FAIL: bin/oneall-bulk is not executable" >&2; exit 1; }

"$prefix/bin/oneall-bulk" --version | grep -q '^oneall-bulk ' ||
  { echo "FAIL: the installed binary does not say its version" >&2; status=1; }
"$prefix/bin/oneall-bulk" validate "$prefix/share/oneall-bulk/examples/cleanup.yaml" >/dev/null ||
  { echo "FAIL: the installed example does not validate" >&2; status=1; }

diff <("$prefix/bin/oneall-bulk" completion bash) \
     "$prefix/share/bash-completion/completions/oneall-bulk" ||
  { echo "FAIL: the installed bash completion is not what the binary prints" >&2; status=1; }
diff <("$prefix/bin/oneall-bulk" completion zsh) \
     "$prefix/share/zsh/vendor-completions/_oneall-bulk" ||
  { echo "FAIL: the installed zsh completion is not what the binary prints" >&2; status=1; }
exit $status
