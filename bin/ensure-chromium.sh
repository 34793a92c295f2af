#!/usr/bin/env bash
# The dashboard's browser tests drive Debian's chromium, never a downloaded browser. Installs it
# when it is missing and this machine can (root with apt-get, as on CI); otherwise says how, and the
# browser tests then fail with the same advice. Runs before `npm test` and in `.ci/run`.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's chromium for the browser tests…" >&2
  apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium >/dev/null
else
  echo "The browser tests need Debian's chromium at /usr/bin/chromium: sudo apt-get install -y chromium" >&2
fi
