#!/bin/sh
# Install everything the test suite needs on a fresh machine: the package with its test extras (pytest,
# Playwright, the oxigraph server, mlcroissant, ...) and the Debian packages below, as root or through sudo.
# The tests use the real parts and, under CI=true, fail when one is missing; so this script either installs
# every part or says exactly which it could not install, and exits non-zero.
#
#   sh tests/setup.sh           install what is missing, then check every part
#   sh tests/setup.sh --check   only check: list what is missing (exit 1 if anything is)
set -eu
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python}"  # the interpreter the tests run with (its environment gets the Python parts)
if ! command -v "$PYTHON" >/dev/null 2>&1; then
    echo "tests/setup.sh: no '$PYTHON' on PATH; activate the environment the tests run in, or set PYTHON" >&2
    exit 1
fi

# Debian packages: Chromium for the browser tests (conftest.py drives /usr/bin/chromium), Virtuoso (binary
# only: no system service) as a second SPARQL store, a Simplified Chinese font for the Chinese pages.
debian_missing() {
    missing=""
    [ -x /usr/bin/chromium ] || missing="$missing chromium chromium-driver"
    command -v virtuoso-t >/dev/null 2>&1 || missing="$missing virtuoso-opensource-7-bin"
    if ! command -v fc-list >/dev/null 2>&1 || [ -z "$(fc-list :lang=zh-cn family 2>/dev/null)" ]; then
        missing="$missing fonts-noto-cjk"
    fi
    echo "$missing"
}

python_missing() {
    "$PYTHON" - <<'PY'
import importlib, shutil
needed = {"pytest": "pytest", "pytest_timeout": "pytest-timeout", "xdist": "pytest-xdist",
          "playwright.sync_api": "playwright",
          "mlcroissant": "mlcroissant", "hypothesis": "hypothesis", "medvlm_kg": "medvlm-kg"}
missing = []
for module, package in needed.items():
    try:
        importlib.import_module(module)
    except ImportError:
        missing.append(package)
if shutil.which("oxigraph") is None:
    missing.append("oxigraph (the server command)")
print(" ".join(missing))
PY
}

if [ "${1:-}" != "--check" ]; then
    need="$(debian_missing)"
    if [ -n "$need" ]; then
        if ! command -v apt-get >/dev/null 2>&1; then
            echo "tests/setup.sh: no apt-get here; install these (Debian names) by hand:$need" >&2
        else
            if [ "$(id -u)" = 0 ]; then
                as_root=""
            elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
                as_root="sudo -n"
            else
                as_root="none"
                echo "tests/setup.sh: not root and no password-less sudo; cannot install:$need" >&2
            fi
            if [ "$as_root" != none ]; then
                # shellcheck disable=SC2086  # $need is a list of package names
                $as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
                # shellcheck disable=SC2086
                $as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $need \
                    >/dev/null || echo "tests/setup.sh: apt-get install failed for:$need" >&2
            fi
        fi
    fi
    "$PYTHON" -m pip install -q -e '.[test]'
fi

debian="$(debian_missing)"
python_parts="$(python_missing)"
if [ -n "$debian" ] || [ -n "$python_parts" ]; then
    [ -z "$debian" ] || echo "tests/setup.sh: MISSING Debian packages:$debian" >&2
    [ -z "$python_parts" ] || echo "tests/setup.sh: MISSING Python parts: $python_parts (pip install -e '.[test]')" >&2
    echo "tests/setup.sh: the tests that need these fail under CI=true (and skip elsewhere)" >&2
    exit 1
fi
echo "tests/setup.sh: every part the tests need is installed"
