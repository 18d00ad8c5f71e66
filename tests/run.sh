#!/usr/bin/env bash
# Sets up everything the test suite needs on a bare Debian machine with Python 3.11, then runs it.
# Usage: bash tests/run.sh [pytest args]
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3.11}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e '.[test]'

# The UI tests drive Debian's chromium (never a downloaded browser); a CJK font makes the
# screenshots legible. Installed only when missing, and only where apt is usable.
if [ -f tests/app/install_browser.sh ]; then
  bash tests/app/install_browser.sh
fi

exec .venv/bin/python -m pytest "$@"
