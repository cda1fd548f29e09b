#!/bin/sh
# Makes sure Debian's Chromium is installed for the review panel's browser tests (test/panel/): the `chromium` package
# from the machine's Debian mirrors, never a browser downloaded by Playwright or Puppeteer. Needs root (or sudo) the
# first time; a no-op once /usr/bin/chromium (or $PROOFLINE_CHROMIUM) exists.
set -eu
CHROMIUM=${PROOFLINE_CHROMIUM:-/usr/bin/chromium}
[ -x "$CHROMIUM" ] && exit 0
echo "proofline: installing Debian's chromium package for the panel's browser tests (once)" >&2
if [ "$(id -u)" -eq 0 ]; then SUDO=""; elif command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
  echo "error: $CHROMIUM is missing and installing it needs root: apt-get install chromium" >&2
  exit 1
fi
$SUDO apt-get update -qq >&2
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends chromium >&2
