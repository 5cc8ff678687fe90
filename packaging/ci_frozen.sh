#!/usr/bin/env bash
# CI, after the tests: build the frozen app with the README's build line and run its self-test, so that a data
# file or a hidden import missing from packaging/mshtdesk.spec fails CI rather than a user's first start.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p build
log=build/ci-frozen-build.log
started=$(date +%s)
if ! uv run python packaging/build.py >"$log" 2>&1; then
  tail -n 60 "$log" >&2
  echo "CI FAILED: the frozen build (uv run python packaging/build.py) failed; the full log is $log." >&2
  exit 1
fi
built=$(date +%s)
sed -n '/^Built /,$p' "$log"
echo "Frozen build took $((built - started)) s."

app=dist/MSHTDesk
for exe in "$app/MSHTDesk" "$app/mshtdesk"; do
  if [ ! -x "$exe" ]; then
    echo "CI FAILED: the frozen build has no executable $exe." >&2
    exit 1
  fi
done
if ! QT_QPA_PLATFORM=offscreen "$app/mshtdesk" --self-test; then
  echo "CI FAILED: the frozen app's self-test failed (the step is named above): a file or module is probably" \
    "missing from packaging/mshtdesk.spec." >&2
  exit 1
fi
if ! QT_QPA_PLATFORM=offscreen "$app/MSHTDesk" --version; then
  echo "CI FAILED: the frozen windowed executable $app/MSHTDesk does not start." >&2
  exit 1
fi
echo "Frozen build and self-test took $(($(date +%s) - started)) s."
