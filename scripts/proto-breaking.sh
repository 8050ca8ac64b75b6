#!/usr/bin/env bash
# Fails when proto/ breaks the omega.v1 contract (buf breaking, FILE rules) against an earlier commit:
# HEAD when proto/ has uncommitted changes, otherwise the previous commit (HEAD~1). On a branch other
# than main it compares with the merge base with main. PROTO_BREAKING_AGAINST=<git ref> overrides.
# Skips, with a message, when that commit does not exist or has no .proto files under proto/.
set -euo pipefail
cd "$(dirname "$0")/.."

buf=node_modules/.bin/buf
[ -x "$buf" ] || { echo "proto-breaking: $buf not found; run npm ci first" >&2; exit 1; }

if ! git rev-parse --git-dir >/dev/null 2>&1; then
  echo "proto-breaking: skipped: not a git checkout"
  exit 0
fi

if [ -n "${PROTO_BREAKING_AGAINST:-}" ]; then
  against=$PROTO_BREAKING_AGAINST
elif [ -n "$(git status --porcelain -- proto)" ]; then
  against=HEAD
elif git rev-parse --verify -q main >/dev/null && [ "$(git rev-parse HEAD)" != "$(git rev-parse main)" ] \
  && base=$(git merge-base HEAD main) && [ "$base" != "$(git rev-parse HEAD)" ]; then
  against=$base
else
  against=HEAD~1
fi

if ! commit=$(git rev-parse --verify -q "$against^{commit}"); then
  echo "proto-breaking: skipped: no commit $against to compare with (first commit or shallow clone)"
  exit 0
fi
if ! git ls-tree -r --name-only "$commit" -- proto | grep -q '\.proto$'; then
  echo "proto-breaking: skipped: $against (${commit:0:12}) has no .proto files under proto/"
  exit 0
fi

git_dir=$(git rev-parse --git-common-dir)
echo "proto-breaking: comparing proto/ with $against (${commit:0:12})"
"$buf" breaking proto --against "$git_dir#ref=$commit,subdir=proto"
echo "proto-breaking: no breaking changes"
