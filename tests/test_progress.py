"""Progress bars show on a terminal and never in logs or pipes."""

from __future__ import annotations

import fcntl
import os
import pty
import struct
import subprocess
import sys
import termios

from conftest import DATA, ROOT, run_cli


def run_on_a_terminal(*args: str) -> str:
    """Run the CLI with a pseudo-terminal as its output, as a user at a terminal would; return what it shows."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))  # a terminal has a size
    process = subprocess.Popen(
        [sys.executable, "-m", "medvlm_kg.cli", *args], stdout=follower, stderr=follower, cwd=ROOT, close_fds=True
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal closes when the process ends
            break
        if not chunk:
            break
        chunks.append(chunk)
    process.wait(timeout=120)
    os.close(leader)
    assert process.returncode == 0
    return b"".join(chunks).decode("utf-8", "replace")


def test_a_terminal_shows_the_stages_and_bars(tmp_path):
    shown = run_on_a_terminal("build", "--data", str(DATA), "--out", str(tmp_path / "out"))
    assert "reading the catalog…" in shown and "converting, validating and writing…" in shown
    assert "datasets" in shown and "dataset/s" in shown  # a tqdm bar over the datasets


def test_quiet_shows_no_bars_even_on_a_terminal(tmp_path):
    shown = run_on_a_terminal("build", "--quiet", "--data", str(DATA), "--out", str(tmp_path / "out"))
    assert "reading the catalog…" not in shown and "dataset/s" not in shown and "built 59 datasets" in shown


def test_logs_and_pipes_get_no_bars_but_verbose_timings(tmp_path):
    result = run_cli("build", "--data", str(DATA), "--out", str(tmp_path / "out"))
    # stderr holds the catalog's two warnings (facts still unknown), one line each, and no bar
    assert all(line.startswith("warning: ") for line in result.stderr.splitlines()) and "\r" not in result.stdout
    assert "\r" not in result.stderr
    verbose = run_cli("build", "--verbose", "--data", str(DATA), "--out", str(tmp_path / "out"))
    assert "looking for changes: " in verbose.stderr and "\r" not in verbose.stderr  # the stage, timed
    again = run_cli("build", "--verbose", "--data", str(DATA), "--out", str(tmp_path / "other"))
    assert "converting, validating and writing: " in again.stderr and "\r" not in again.stderr
