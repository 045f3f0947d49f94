"""A request to ``/sparql`` read per the SPARQL 1.1 Protocol: the parameters from the URL and a form or direct
POST body, and the query and its dataset taken from them; what is refused (updates, oversized requests,
other body types, several queries, malformed graph IRIs) raises ``Refusal`` with its status.
"""

from __future__ import annotations

from urllib.parse import parse_qsl

# Every answer of the endpoint: open to any page (the data is public), negotiated, never sniffed.
HEADERS = {"Access-Control-Allow-Origin": "*", "Vary": "Accept", "X-Content-Type-Options": "nosniff"}
MAX_QUERY_BYTES = 1 << 20  # a request body or query longer than this is refused (413)
UPDATE_WORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}


class Refusal(Exception):
    """A request the endpoint refuses: the HTTP status and the message sent back."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


async def read_params(request) -> dict[str, list[str]]:
    """The protocol parameters, from the URL and a form or direct POST body; raises Refusal."""
    params: dict[str, list[str]] = {}
    for key, value in parse_qsl(request.url.query, keep_blank_values=True):
        params.setdefault(key, []).append(value)
    if request.method != "POST":
        return params
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > MAX_QUERY_BYTES:
        raise Refusal(413, f"the request is larger than {MAX_QUERY_BYTES:,} bytes")
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_QUERY_BYTES:
            raise Refusal(413, f"the request is larger than {MAX_QUERY_BYTES:,} bytes")
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "application/x-www-form-urlencoded":
        for key, value in parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True):
            params.setdefault(key, []).append(value)
    elif content_type == "application/sparql-query":
        params.setdefault("query", []).append(body.decode("utf-8", "replace"))
    elif content_type == "application/sparql-update":
        raise Refusal(403, "this endpoint is read-only: SPARQL updates are refused")
    else:
        raise Refusal(
            415,
            "POST a query as application/sparql-query or as the form field query= (application/x-www-form-urlencoded)",
        )
    return params


def query_job(params: dict[str, list[str]]) -> dict | None:
    """The query and its dataset from the protocol parameters (``None`` if there is no query)."""
    if "update" in params:
        raise Refusal(403, "this endpoint is read-only: SPARQL updates are refused")
    queries = params.get("query", [])
    if len(queries) > 1:
        raise Refusal(400, "give one query parameter, not several")
    if not queries or not queries[0].strip():
        return None
    text = queries[0]
    if len(text.encode("utf-8")) > MAX_QUERY_BYTES:
        raise Refusal(413, f"the query is longer than {MAX_QUERY_BYTES:,} bytes")
    from medvlm_kg.sparql.remote import keywords, top_level_keywords

    words = [w for w in top_level_keywords(text) if w not in ("PREFIX", "BASE")]
    if words and words[0] in UPDATE_WORDS:
        raise Refusal(403, f"this endpoint is read-only: {words[0]} (a SPARQL update) is refused")
    if "SERVICE" in keywords(text):  # Oxigraph would fetch any URL for it: a proxy into the server's network
        raise Refusal(403, "this endpoint answers from its own graph only: SERVICE (a federated query) is refused")
    graphs = {
        "default_graphs": params.get("default-graph-uri", []),
        "named_graphs": params.get("named-graph-uri", []),
    }
    for iri in graphs["default_graphs"] + graphs["named_graphs"]:
        if not iri.lower().startswith(("http://", "https://", "urn:")) or any(c in iri for c in '<>" {}|\\^`'):
            raise Refusal(400, f'"{iri}" is not a graph IRI')
    return {"query": text, **graphs}
