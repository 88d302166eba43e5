#!/usr/bin/env bash
# The playground's real-browser test drives Debian's Chromium. Install it when missing and we can
# (root with apt-get, as on CI and fresh dev machines here); otherwise say what the test needs.
set -u
if command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ]; then exit 0; fi
if [ "${TAC_SKIP_BROWSER:-}" = "1" ]; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's chromium for the browser test (apt-get)..."
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null && exit 0
fi
echo "Chromium is not installed: the browser test will fail. Install it (apt-get install chromium) or set TAC_SKIP_BROWSER=1." >&2
exit 0
