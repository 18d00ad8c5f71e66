#!/usr/bin/env bash
# Debian's chromium and a CJK font for the browser tests. Idempotent: installs only what is
# missing, and only where apt-get is usable (root on Debian). Never downloads a browser build.
set -euo pipefail

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || missing+=(fonts-noto-cjk)
[ ${#missing[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null 2>&1 || [ "$(id -u)" != 0 ]; then
  echo "install_browser.sh: need ${missing[*]} but apt-get as root is not available;" \
       "the browser tests will be skipped." >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
