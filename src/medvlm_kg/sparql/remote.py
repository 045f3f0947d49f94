"""Talk to a remote SPARQL 1.1 store: its URL and credentials, one-line errors, and bundled queries asked there.

Credentials come only from the environment and never reach output, errors or exception text: every
message goes through ``Endpoint.scrub``. A bundled query is sent as the very text ``run_local`` runs
(``query.bound_text``: parameters in a ``VALUES`` block of terms written by pyoxigraph), through
SPARQLWrapper, and its answer comes back as the same ``QueryResult``.
"""

from __future__ import annotations

import ast
import base64
import http.client
import json
import math
import os
import re
import socket
import time
import urllib.error
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TypeVar
from urllib.parse import urlsplit, urlunsplit

import pyoxigraph as ox

from medvlm_kg.problems import CatalogError, Problem
from medvlm_kg.sparql.query import BundledQuery, QueryResult, bound_text

__all__ = [
    "ENV_AUTH",
    "ENV_PASSWORD",
    "ENV_RETRIES",
    "ENV_TIMEOUT",
    "ENV_TOKEN",
    "ENV_USER",
    "Endpoint",
    "RetryableError",
    "endpoint_from_env",
    "timeout_message",
    "top_level_keywords",
    "run_remote",
    "with_retries",
]

ENV_USER = "MEDVLM_KG_ENDPOINT_USER"
ENV_PASSWORD = "MEDVLM_KG_ENDPOINT_PASSWORD"
ENV_TOKEN = "MEDVLM_KG_ENDPOINT_TOKEN"
ENV_AUTH = "MEDVLM_KG_ENDPOINT_AUTH"
ENV_TIMEOUT = "MEDVLM_KG_ENDPOINT_TIMEOUT"
ENV_RETRIES = "MEDVLM_KG_ENDPOINT_RETRIES"

DEFAULT_TIMEOUT_S = 30.0
DEFAULT_TRIES = 3
DEFAULT_BACKOFF_S = 0.5
_CREDENTIALS_HINT = f"set {ENV_USER} and {ENV_PASSWORD} (HTTP Basic, or Digest with {ENV_AUTH}=digest) or {ENV_TOKEN}"


@dataclass(frozen=True)
class Endpoint:
    """A store's URL (without any user:password@ part) and how to authenticate to it; secrets stay out of repr."""

    url: str
    scheme: str | None = None  # "basic", "digest", "bearer" or None
    user: str | None = field(default=None, repr=False)
    password: str | None = field(default=None, repr=False)
    token: str | None = field(default=None, repr=False)
    timeout_s: float = DEFAULT_TIMEOUT_S
    tries: int = DEFAULT_TRIES
    backoff_s: float = DEFAULT_BACKOFF_S
    origin: str = ""  # where the credentials came from, by variable name, for messages

    @property
    def secrets(self) -> tuple[str, ...]:
        """Every string that must never be shown: the password, the token and their encodings on the wire."""
        values = [v for v in (self.password, self.token) if v]
        if self.user and self.password:
            values.append(base64.b64encode(f"{self.user}:{self.password}".encode()).decode("ascii"))
        return tuple(sorted(values, key=len, reverse=True))

    def scrub(self, text: str) -> str:
        """``text`` on one line, at most 300 characters, with every secret and URL userinfo replaced by ``***``."""
        for secret in self.secrets:
            text = text.replace(secret, "***")
        text = re.sub(r"(?i)\b(https?://)[^/\s@]+@", r"\1***@", text)
        text = " ".join(text.split())
        return text if len(text) <= 300 else text[:297] + "..."

    def error(self, message: str, hint: str = "", *, url: str | None = None, field: str = "--endpoint") -> CatalogError:
        """The one-line ``CatalogError`` for a failure at ``url`` (default: this endpoint), secrets removed."""
        return CatalogError(Problem(self.scrub(url or self.url), None, field, self.scrub(message), self.scrub(hint)))

    def httpx_auth(self):
        """The ``httpx`` auth for Basic or Digest credentials (Bearer goes in ``headers``)."""
        import httpx

        if self.scheme == "basic":
            return httpx.BasicAuth(self.user or "", self.password or "")
        if self.scheme == "digest":
            return httpx.DigestAuth(self.user or "", self.password or "")
        return None

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"} if self.scheme == "bearer" else {}

    def auth_hint(self, challenge: str = "") -> str:
        """What to do about a 401, given the server's ``WWW-Authenticate`` challenge."""
        if challenge.lower().startswith("digest") and self.scheme == "basic":
            return f"the store asks for Digest authentication: set {ENV_AUTH}=digest"
        if self.scheme == "basic":
            return (
                f"the store did not accept the credentials from {self.origin}; check them (a store using Digest "
                f"authentication, such as Virtuoso's /sparql-auth, needs {ENV_AUTH}=digest)"
            )
        if self.scheme:
            return f"the store did not accept the credentials from {self.origin}; check them"
        return "the store needs credentials: " + _CREDENTIALS_HINT


def _number(env: Mapping[str, str], name: str, default: float, *, integer: bool = False) -> float:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw) if integer else float(raw)
    except ValueError:
        value = -1
    if not math.isfinite(value) or value <= 0:
        kind = "a whole number above 0" if integer else "a number of seconds above 0"
        raise CatalogError(Problem(name, None, "", f'"{raw}" is not {kind}', f"e.g. {name}={int(default)}"))
    return value


def endpoint_from_env(
    url: str,
    *,
    env: Mapping[str, str] | None = None,
    timeout_s: float | None = None,
    tries: int | None = None,
    backoff_s: float = DEFAULT_BACKOFF_S,
    field: str = "--endpoint",
) -> Endpoint:
    """Check ``url`` and read the credentials, timeout and tries from the environment (arguments win).

    A ``user:password@`` part in the URL is used as Basic credentials when no variable is set, and is
    removed from the URL so that it is never shown.
    """
    env = os.environ if env is None else env
    parts = urlsplit(url.strip())
    shown = urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise CatalogError(
            Problem(
                Endpoint(shown).scrub(shown) or '""',
                None,
                field,
                "is not an http(s) URL",
                "give the store's full URL, e.g. http://127.0.0.1:7878/store",
            )
        )
    try:
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        raise CatalogError(Problem(Endpoint(shown).scrub(shown), None, field, "has an invalid port", "")) from None
    user, password, token = env.get(ENV_USER) or None, env.get(ENV_PASSWORD) or None, env.get(ENV_TOKEN) or None
    wanted = (env.get(ENV_AUTH) or "").strip().lower()
    if wanted not in ("", "basic", "digest"):
        raise CatalogError(
            Problem(ENV_AUTH, None, "", f'"{wanted}" is not basic or digest', "leave it unset for Basic")
        )
    origin = f"{ENV_USER}/{ENV_PASSWORD}"
    if (user or password) and token:
        raise CatalogError(
            Problem(ENV_TOKEN, None, "", f"is set together with {ENV_USER}/{ENV_PASSWORD}", "set only one of them")
        )
    if bool(user) != bool(password):
        missing = ENV_PASSWORD if user else ENV_USER
        raise CatalogError(Problem(missing, None, "", "is not set", f"{ENV_USER} and {ENV_PASSWORD} go together"))
    if not (user or token) and parts.username:
        from urllib.parse import unquote

        user, password, origin = unquote(parts.username), unquote(parts.password or ""), "the URL"
    scheme = "bearer" if token else (wanted or "basic") if user else None
    return Endpoint(
        url=shown,
        scheme=scheme,
        user=user,
        password=password,
        token=token,
        timeout_s=timeout_s if timeout_s is not None else _number(env, ENV_TIMEOUT, DEFAULT_TIMEOUT_S),
        tries=tries if tries is not None else int(_number(env, ENV_RETRIES, DEFAULT_TRIES, integer=True)),
        backoff_s=backoff_s,
        origin=ENV_TOKEN if token else origin,
    )


class RetryableError(Exception):
    """A failure worth another try (connection refused, timeout, 5xx); carries the final error to raise."""

    def __init__(self, error: CatalogError):
        super().__init__(str(error))
        self.error = error


T = TypeVar("T")


def with_retries(endpoint: Endpoint, attempt: Callable[[], T]) -> T:
    """Call ``attempt`` up to ``endpoint.tries`` times, waiting backoff, 2×backoff, … between tries."""
    for number in range(1, endpoint.tries + 1):
        try:
            return attempt()
        except RetryableError as failure:
            if number == endpoint.tries:
                error = failure.error
                if endpoint.tries > 1:
                    problem = error.problems[0]
                    message = f"{problem.message} (after {endpoint.tries} tries)"
                    error = CatalogError(Problem(problem.file, problem.line, problem.field, message, problem.hint))
                raise error from None
            time.sleep(endpoint.backoff_s * 2 ** (number - 1))
    raise AssertionError("unreachable")


# -- reading a query's structure -----------------------------------------------------------------------------

_TOKENS = re.compile(
    r"""
      (?P<comment>\#[^\n]*)
    | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''
                |"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
    | (?P<iri><[^<>"{}|^`\\\s]*>)
    | (?P<var>[?$][\w\u00b7\u0300-\u036f\u203f-\u2040]+)
    | (?P<word>[^\W\d][\w\-.:]*)
    | (?P<brace>[{}])
    | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)


_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def keywords(text: str) -> list[str]:
    """Every keyword of the query, at any depth, upper-cased, after SPARQL's codepoint escapes (``\\u0053ERVICE`` is
    SERVICE: a query is unescaped before it is parsed), skipping comments, strings and IRIs."""
    text = _CODEPOINT.sub(lambda m: chr(min(int(m.group(1) or m.group(2), 16), 0x10FFFF)), text)
    return [m.group().upper() for m in _TOKENS.finditer(text) if m.lastgroup == "word" and ":" not in m.group()]


def top_level_keywords(text: str) -> list[str]:
    """The query's keywords outside any ``{ }`` group, upper-cased, skipping comments, strings and IRIs:
    ``["PREFIX", "SELECT", "FROM", "WHERE", "ORDER", "BY"]``; prefixed names such as ``ex:where`` are not words."""
    depth, words = 0, []
    for match in _TOKENS.finditer(text):
        kind, value = match.lastgroup, match.group()
        if kind == "brace":
            depth += 1 if value == "{" else -1
        elif kind == "word" and depth == 0 and ":" not in value:
            words.append(value.upper())
    return words


# -- answering a bundled query remotely ---------------------------------------------------------------------


def _server_message(error: Exception) -> str:
    """The store's own explanation from a SPARQLWrapper exception (its text embeds the response bytes)."""
    match = re.search(r"Response:\n(b(['\"]).*\2)\s*$", str(error), re.DOTALL)
    if not match:
        return ""
    try:
        body = ast.literal_eval(match.group(1)).decode("utf-8", "replace")
    except (ValueError, SyntaxError):
        return ""
    body = re.sub(r"<[^>]+>", " ", body)  # an HTML error page: keep its words
    return " ".join(body.split())[:200]


def timeout_message(endpoint: Endpoint) -> tuple[str, str]:
    return (
        f"no answer within {endpoint.timeout_s:g} s",
        f"the store may be busy or the URL wrong; raise {ENV_TIMEOUT} to wait longer",
    )


def _http_failure(endpoint: Endpoint, status: int, server_text: str, challenge: str = "") -> CatalogError:
    reason = http.client.responses.get(status, "")
    said = f": {server_text}" if server_text else ""
    if status == 401:
        return endpoint.error(f"answered 401 Unauthorized{said}", endpoint.auth_hint(challenge))
    if status == 403:
        return endpoint.error(f"answered 403 Forbidden{said}", "the account may not do this here; check its rights")
    if status == 404:
        return endpoint.error(
            "answered 404 Not Found: no SPARQL endpoint at this path",
            "check the URL, e.g. Oxigraph's query endpoint is /query, Virtuoso's /sparql, Fuseki's /DATASET/query",
        )
    error = endpoint.error(f"answered {status} {reason}{said}".rstrip(), "see the store's log for details")
    if status >= 500:
        raise RetryableError(error)
    return error


def _ask(endpoint: Endpoint, wrapper) -> tuple[bytes, str]:
    """One request through SPARQLWrapper: the body and content type, or a one-line error."""
    from SPARQLWrapper.SPARQLExceptions import (
        EndPointInternalError,
        EndPointNotFound,
        QueryBadFormed,
        SPARQLWrapperException,
        Unauthorized,
        URITooLong,
    )

    codes = {QueryBadFormed: 400, Unauthorized: 401, EndPointNotFound: 404, URITooLong: 414, EndPointInternalError: 500}
    try:
        result = wrapper.query()
        return result.response.read(), result.response.headers.get("Content-Type", "")
    except tuple(codes) as failure:
        raise _http_failure(endpoint, codes[type(failure)], _server_message(failure)) from None
    except urllib.error.HTTPError as failure:
        text = failure.read().decode("utf-8", "replace") if failure.fp else ""
        raise _http_failure(
            endpoint,
            failure.code,
            " ".join(re.sub(r"<[^>]+>", " ", text).split())[:200],
            failure.headers.get("WWW-Authenticate", "") if failure.headers else "",
        ) from None
    except urllib.error.URLError as failure:
        reason = failure.reason
        if isinstance(reason, TimeoutError):
            raise RetryableError(endpoint.error(*timeout_message(endpoint))) from None
        if isinstance(reason, ConnectionRefusedError):
            raise RetryableError(
                endpoint.error("connection refused", "is the store running, and is the host and port right?")
            ) from None
        if isinstance(reason, socket.gaierror):
            raise endpoint.error(f"unknown host ({reason.strerror})", "check the host name in the URL") from None
        raise RetryableError(endpoint.error(f"cannot connect: {reason}", "check the URL and the network")) from None
    except TimeoutError:  # socket.timeout is TimeoutError
        raise RetryableError(endpoint.error(*timeout_message(endpoint))) from None
    except (ConnectionError, http.client.HTTPException) as failure:
        raise RetryableError(
            endpoint.error(f"the connection failed: {type(failure).__name__} {failure}", "check the URL")
        ) from None
    except SPARQLWrapperException as failure:
        raise endpoint.error(f"failed: {type(failure).__name__}", "see the store's log for details") from None


def _term(value: dict) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    kind = value.get("type")
    if kind == "uri":
        return ox.NamedNode(value["value"])
    if kind == "bnode":
        return ox.BlankNode(value["value"])
    if value.get("xml:lang"):
        return ox.Literal(value["value"], language=value["xml:lang"])
    if value.get("datatype"):
        return ox.Literal(value["value"], datatype=ox.NamedNode(value["datatype"]))
    return ox.Literal(value["value"])


def _select_or_ask(body: bytes) -> QueryResult:
    data = json.loads(body)
    if "boolean" in data:
        return QueryResult("ASK", [], [], boolean=bool(data["boolean"]))
    variables = list(data["head"].get("vars", []))
    rows = [
        [_term(b[v]) if v in b else None for v in variables]  # type: ignore[misc]
        for b in data.get("results", {}).get("bindings", [])
    ]
    return QueryResult("SELECT", variables, rows)


def _graph(body: bytes, content_type: str, form: str) -> QueryResult:
    media = content_type.split(";")[0].strip().lower()
    rdf_format = ox.RdfFormat.from_media_type(media) if media else None
    triples = ox.parse(body, format=rdf_format or ox.RdfFormat.TURTLE)
    return QueryResult(form, [], [], triples=[ox.Triple(t.subject, t.predicate, t.object) for t in triples])


def run_remote(
    endpoint: str,
    query: BundledQuery,
    bindings: Mapping[ox.Variable, ox.NamedNode | ox.Literal],
    graph_iri: str | None = None,
    *,
    timeout_s: float | None = None,
    tries: int | None = None,
    backoff_s: float = DEFAULT_BACKOFF_S,
) -> QueryResult:
    """Answer a bundled query on a SPARQL 1.1 endpoint, with ``graph_iri`` as the default graph.

    The answer has the same shape as ``query.run_local``'s, so ``format_result`` prints it the same way.
    """
    from SPARQLWrapper import DIGEST, JSON, POST, TURTLE, SPARQLWrapper

    target = endpoint_from_env(endpoint, timeout_s=timeout_s, tries=tries, backoff_s=backoff_s)
    try:
        text = bound_text(query, dict(bindings))  # the very text run_local runs
    except ValueError as failure:
        raise CatalogError(
            Problem(str(query.file), None, "query", str(failure), "put the query in a WHERE group")
        ) from None
    form = query.form
    wrapper = SPARQLWrapper(target.url, agent="medvlm-kg (SPARQLWrapper)")
    wrapper.setQuery(text)
    wrapper.queryType = form  # SPARQLWrapper guesses the form from words in comments (its comment regex skips lines)
    wrapper.setMethod(POST)  # no URL length limit, and the query stays out of access logs
    wrapper.setOnlyConneg(True)
    wrapper.setReturnFormat(JSON if form in ("SELECT", "ASK") else TURTLE)
    wrapper.timeout = target.timeout_s  # setTimeout() truncates to whole seconds
    if graph_iri:
        wrapper.addDefaultGraph(graph_iri)
    if target.scheme in ("basic", "digest"):
        if target.scheme == "digest":
            wrapper.setHTTPAuth(DIGEST)
        wrapper.setCredentials(target.user, target.password)
    elif target.scheme == "bearer":
        wrapper.addCustomHttpHeader("Authorization", f"Bearer {target.token}")
    body, content_type = with_retries(target, lambda: _ask(target, wrapper))
    try:
        if form in ("SELECT", "ASK"):
            return _select_or_ask(body)
        return _graph(body, content_type, form)
    except (ValueError, SyntaxError, KeyError, TypeError, AttributeError) as failure:
        raise target.error(
            f"answered something that is not a SPARQL {form} result ({content_type or 'no content type'})",
            f"is this a SPARQL query endpoint? ({type(failure).__name__})",
        ) from None
