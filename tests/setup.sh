#!/bin/sh
# Install what the test suite needs on a fresh machine: the package with its test extras, and Debian's
# Chromium for the browser tests (when running as root on Debian and it is missing).
set -eu
cd "$(dirname "$0")/.."
if ! command -v chromium >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq chromium chromium-driver >/dev/null
fi
python -m pip install -q -e '.[test]'
