#!/bin/sh
# Install what the test suite needs on a fresh machine: the package with its test extras and, when running as
# root on Debian, the system packages below.
set -eu
cd "$(dirname "$0")/.."
# Debian packages: Chromium for the browser tests, Virtuoso (binary only: no system service) as a second
# SPARQL store. Tests that need one skip with a reason when it is missing.
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    if ! command -v chromium >/dev/null 2>&1 || ! command -v virtuoso-t >/dev/null 2>&1; then
        apt-get update -qq
    fi
    command -v chromium >/dev/null 2>&1 || apt-get install -y -qq chromium chromium-driver >/dev/null
    command -v virtuoso-t >/dev/null 2>&1 || apt-get install -y -qq --no-install-recommends virtuoso-opensource-7-bin >/dev/null
fi
python -m pip install -q -e '.[test]'
