"""The user's cache folder: ``$MEDVLM_KG_CACHE_DIR``, else ``$XDG_CACHE_HOME/medvlm-kg`` (``~/.cache/medvlm-kg``).

What is kept there only saves time (what ``validate`` checked, the compiled page templates); deleting it is always
safe, and a cache that cannot be written is no error.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["CACHE_ENV", "user_cache_root"]

CACHE_ENV = "MEDVLM_KG_CACHE_DIR"


def user_cache_root() -> Path:
    """The cache folder (not made here)."""
    root = os.environ.get(CACHE_ENV, "").strip()
    if root:
        return Path(root)
    xdg = os.environ.get("XDG_CACHE_HOME", "").strip()
    return (Path(xdg) if xdg else Path.home() / ".cache") / "medvlm-kg"
