"""Regenerate the screenshots in this folder: build the seed catalog, serve it, and photograph the catalog, a
dataset page and the SPARQL page (with an answer) in English and Chinese, at desktop (1280 px) and phone
(390 px) width, the first screen of each (PNG, kept under 300 KB).

    python docs/screenshots/make.py        # needs Chromium at /usr/bin/chromium and a CJK font (tests/setup.sh)
"""

from __future__ import annotations

import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
CHROMIUM = "/usr/bin/chromium"
PAGES = {
    "catalog": "index.html",
    "dataset": "dataset/pathmmu.html",
    "sparql": "sparql?example=datasets-by-modality",
}
WIDTHS = {"desktop": (1280, 1000), "phone": (390, 1000)}
MAX_BYTES = 300_000


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main() -> None:
    from playwright.sync_api import sync_playwright

    cli = [sys.executable, "-m", "medvlm_kg.cli"]
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "site"
        subprocess.run([*cli, "build", "--data", str(ROOT / "data"), "--out", str(out)], check=True, cwd=ROOT)
        port = _free_port()
        server = subprocess.Popen([*cli, "serve", "--out", str(out), "--port", str(port)], cwd=ROOT)
        try:
            base = f"http://127.0.0.1:{port}/"
            for _ in range(200):
                try:
                    urllib.request.urlopen(base, timeout=1)
                    break
                except OSError:
                    time.sleep(0.1)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--headless=new"])
                for device, (width, height) in WIDTHS.items():
                    page = browser.new_page(viewport={"width": width, "height": height})
                    for name, path in PAGES.items():
                        for lang, prefix in (("en", ""), ("zh", "zh/")):
                            page.goto(base + prefix + path)
                            if name == "sparql":  # show an answer: run the loaded example
                                page.locator("button[type=submit]").click()
                                page.wait_for_selector("table.results")
                                page.locator("#results").scroll_into_view_if_needed()
                            page.evaluate("document.fonts.ready.then(() => true)")
                            target = HERE / f"{name}-{lang}-{device}.png"
                            page.screenshot(path=str(target))
                            size = target.stat().st_size
                            assert size < MAX_BYTES, f"{target.name} is {size:,} bytes"
                            print(f"{target.relative_to(ROOT)} {size:,} bytes")
                    page.close()
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    main()
