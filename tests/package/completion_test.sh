#!/usr/bin/env bash
# The completion scripts the build made (cmake/install.cmake): both parse (`bash -n`, `zsh -n`;
# zsh is skipped with a note when it is not installed), zsh's compinit registers the zsh one
# for oneall-bulk, and the bash one, sourced, completes
# commands, options, option values and subcommands as typed.
# Usage: completion_test.sh BUILD_DIR
set -euo pipefail
scripts=$1/completions
status=0

bash -n "$scripts/oneall-bulk"
if command -v zsh >/dev/null; then
  zsh -n "$scripts/_oneall-bulk"
  # compinit finds it by its #compdef line, as it would in vendor-completions.
  dump=$(mktemp)
  registered=$(zsh -f -c "fpath=('$scripts' \$fpath); autoload -Uz compinit
                          compinit -u -d '$dump'; print -r -- \$_comps[oneall-bulk]")
  rm -f "$dump"
  [[ $registered == _oneall-bulk ]] ||
    { echo "FAIL: zsh's compinit did not register _oneall-bulk: [$registered]" >&2; status=1; }
else
  echo "note: zsh is not installed (scripts/setup.sh --tests installs it); zsh -n skipped" >&2
fi

# shellcheck source=/dev/null
source "$scripts/oneall-bulk"
complete -p oneall-bulk | grep -q -- '-F _oneall_bulk' ||
  { echo "FAIL: the script does not register _oneall_bulk for oneall-bulk" >&2; exit 1; }

# expect "WORDS..." "REPLY": completing the last word gives exactly REPLY (sorted, spaced).
expect() {
  local want=$1
  shift
  COMP_WORDS=("$@")
  COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
  COMPREPLY=()
  _oneall_bulk || true  # a completion function's status means nothing
  local got
  got=$(printf '%s\n' "${COMPREPLY[@]}" | sort | xargs)
  if [[ $got != "$want" ]]; then
    echo "FAIL: [$*] completed to [$got], expected [$want]" >&2
    status=1
  fi
}

expect "run" oneall-bulk ru
expect "--concurrency --config" oneall-bulk run --con
expect "--concurrency" oneall-bulk run --concu
expect "--concurrency" oneall-bulk --db q.db run --concu
expect "status" oneall-bulk --db run st          # "run" is --db's value here
expect "dead" oneall-bulk report --state d
expect "csv html jobfile jsonl" oneall-bulk report --format ""
expect "cancelled" oneall-bulk retry --state c      # retry's states only
expect "pending" oneall-bulk cancel --state ""
expect "pinterest.pin" oneall-bulk retry --target p
expect "--http-status" oneall-bulk cancel --http
expect "--missing-ok" oneall-bulk run --mis
expect "" oneall-bulk retry --http-status ""      # a free value: bash's file names
expect "verify" oneall-bulk audit v
expect "--archive --db --help --json" oneall-bulk audit verify --
expect "--archive --before --db --help --json" oneall-bulk prune --
expect "backup" oneall-bulk backu
expect "pause" oneall-bulk pa
expect "report resume retry" oneall-bulk re
expect "--batch --db --help --json" oneall-bulk pause --
expect "--batch --db --help --json" oneall-bulk resume --
expect "bash zsh" oneall-bulk completion ""
expect "" oneall-bulk run --rate ""              # a free value: bash's file names
expect "--db --format --help --json" oneall-bulk status --
expect "json prometheus text" oneall-bulk status --format ""
exit $status
