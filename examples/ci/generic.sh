#!/bin/sh
# unitgate in any CI (Jenkins, Buildkite, a shell; docs/ci/generic.md): gates the checked-out commit
# against the branch it will be merged into, writes a JUnit and a JSON report, prints the findings and
# exits with unitgate's status: 0 pass, 1 the gate failed, 2 an error.
#   UNITGATE_BASE_BRANCH  the target branch (default: main)
#   UNITGATE_REPORTS      where the reports go (default: unitgate-reports)
set -eu
base_branch="${UNITGATE_BASE_BRANCH:-main}"
reports="${UNITGATE_REPORTS:-unitgate-reports}"

# The target branch's tip (its policy governs) and enough history for the merge base with HEAD.
refspec="+refs/heads/$base_branch:refs/remotes/origin/$base_branch"
git fetch --quiet --no-tags origin "$refspec"
if [ "$(git rev-parse --is-shallow-repository)" = true ]; then
  git fetch --quiet --no-tags --unshallow origin "$refspec"
fi

mkdir -p "$reports"
status=0
unitgate check --cached --require-approval --base "origin/$base_branch" --format junit >"$reports/unitgate-junit.xml" || status=$?
# 2 and above: an error (no report was written), not a verdict.
if [ "$status" -gt 1 ]; then exit "$status"; fi
unitgate check --cached --require-approval --base "origin/$base_branch" --format json >"$reports/unitgate-report.json" || true
exec unitgate check --cached --require-approval --base "origin/$base_branch"
