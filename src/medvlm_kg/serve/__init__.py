"""Serve a built folder over HTTP: each IRI answered by content negotiation, every other file as it is.

The folder is indexed once (and again when a new build replaces it). A request is looked up in that index,
never joined to a filesystem path, so no spelling of ``..``, no NUL and no symlink reaches a file outside
the folder. Responses carry FAIR signposting (``Link``), ``ETag``, ``Vary`` and security headers.

The pieces: ``negotiation`` (the representations and ``Accept``), ``index`` (the folder: files, derived syntaxes,
ETags, signposting), ``built_site`` (the answer for a path), ``security`` (limits, CSP, headers, the middleware),
``app`` (the ASGI app) and ``runner`` (uvicorn, for ``medvlm-kg serve``). This module is their public surface.
"""

from medvlm_kg.serve.app import create_app
from medvlm_kg.serve.negotiation import VARIANTS, Variant, negotiate
from medvlm_kg.serve.runner import run
from medvlm_kg.serve.security import MAX_HEAD_BYTES, MAX_URL_BYTES, PAGE_CSP

__all__ = ["create_app", "run", "negotiate", "Variant", "VARIANTS", "MAX_URL_BYTES", "MAX_HEAD_BYTES", "PAGE_CSP"]
