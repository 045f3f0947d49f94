"""The read-only SPARQL 1.1 endpoint that ``serve`` mounts at ``/sparql`` (issue 4)."""

from __future__ import annotations

from pathlib import Path

__all__ = ["sparql_routes"]


def sparql_routes(out_dir: Path, *, timeout_s: float = 10.0, max_results: int = 10_000) -> list:
    """Starlette routes answering ``/sparql`` over the graph built in ``out_dir``."""
    return []
