"""The read-only web app for a build folder: the folder checked to be a build, then Starlette with the extra
routes (the SPARQL endpoint) first, the built site as the fallback, the hardening middleware around both.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import BaseRoute

from medvlm_kg.build.build import MARKER
from medvlm_kg.problems import CatalogError, Problem
from medvlm_kg.serve.built_site import BuiltSite
from medvlm_kg.serve.security import MAX_BODY_BYTES, Hardening


def check_build_folder(out_dir: Path | str) -> Path:
    out_dir = Path(out_dir).absolute()
    if not out_dir.is_dir():
        reason = "is not a folder" if out_dir.exists() else "does not exist"
        raise CatalogError(Problem(str(out_dir), None, "--out", reason, "build it first: medvlm-kg build --out DIR"))
    if not (out_dir / MARKER).is_file():
        raise CatalogError(
            Problem(
                str(out_dir),
                None,
                "--out",
                f"is not a medvlm-kg build folder (it has no {MARKER} file), so it is not served",
                "serve the folder that medvlm-kg build wrote: medvlm-kg build --out DIR && medvlm-kg serve --out DIR",
            )
        )
    return out_dir


def create_app(out_dir: Path | str, *, extra_routes: Iterable[BaseRoute] = ()) -> Starlette:
    """The read-only web app for a build folder: ``extra_routes`` first (e.g. ``/sparql``), then the folder.

    Raises ``CatalogError`` if ``out_dir`` is not a folder written by ``medvlm-kg build``.
    """
    site = BuiltSite(check_build_folder(out_dir))
    app = Starlette(routes=list(extra_routes), middleware=[Middleware(Hardening)], max_body_size=MAX_BODY_BYTES)
    app.router.default = site
    return app
