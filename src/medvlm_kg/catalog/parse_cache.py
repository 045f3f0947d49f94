"""The parse cache: dataset files checked by an earlier build, kept by path and content digest in the output folder,
so a file whose bytes did not change is neither parsed nor checked again.
"""

from __future__ import annotations

import hashlib
from typing import Any

import orjson

from medvlm_kg.problems import Problem


class ParseCache:
    """Dataset files checked by an earlier build, by path and content: a file whose bytes did not change is not
    parsed or checked again (the checks across files still run). It is plain JSON (never pickle: the cache lives
    in the output folder, and reading it must not run code), and it is only valid for the code and catalog.yaml
    it was made with, which ``build`` makes sure of (``key``).

    One line per file (``"path"\tsha256\t{entry}``) kept as bytes until a file asks for its entry: a catalog of
    100,000 entries would otherwise hold 100,000 parsed documents it mostly only copies to the next build.
    """

    def __init__(self, key: str, entries: dict[str, tuple[str, bytes]] | None = None):
        self.key = key
        self._old = entries or {}  # path → (digest, the entry as JSON)
        self._new: dict[str, tuple[str, bytes]] = {}
        self._pending: dict[str, str] = {}  # path → digest of the bytes just read, until their checks are known
        self.hit: dict | None = None

    @staticmethod
    def _digest(raw: bytes) -> str:
        return hashlib.sha256(raw).hexdigest()

    def get(self, rel: str, raw: bytes) -> dict | None:
        """The entry of a file seen before with these bytes (``doc``, ``lines``, ``problems``, ``packed``)."""
        return self.get_known(rel, self._digest(raw)) if rel in self._old else None

    def get_known(self, rel: str, digest: str) -> dict | None:
        """``get`` for a file whose sha256 ``digest`` (hex) is known already (the build's scan just read it)."""
        found = self._old.get(rel)
        if found is None or found[0] != digest:
            return None
        try:
            entry = orjson.loads(found[1])
        except orjson.JSONDecodeError:
            return None
        return {**entry, "packed": found} if isinstance(entry, dict) else None

    def holds(self, rel: str, digest: str) -> bool:
        """Whether the file ``rel`` was seen before with the bytes of this sha256 ``digest`` (hex)."""
        found = self._old.get(rel)
        return found is not None and found[0] == digest

    def seen(self, rel: str, raw: bytes) -> None:
        self._pending[rel] = self._digest(raw)

    def entry(self, rel: str, doc: Any, dotted: dict[str, int], problems: list[Problem]) -> tuple[str, bytes] | None:
        """The cache entry of a file that passed its checks (with what they found: warnings only), or ``None``
        when it holds something other than plain values (it is then read again next time). ``dotted``: the line
        of each field by dotted name (``yaml_reader.dotted_lines``; the checked entry holds them already)."""
        digest = self._pending.pop(rel, None)
        if digest is None:
            return None
        entry = {"doc": doc, "lines": dotted, "problems": [p.as_dict() for p in problems]}
        try:  # copied: the bytes orjson returns keep its whole write buffer (8 KB held for a 2.3 KB entry)
            return digest, bytes(memoryview(orjson.dumps(entry)))
        except TypeError:
            return None

    def learn(self, rel: str, packed: tuple[str, bytes]) -> None:
        self._new[rel] = packed

    def dump(self) -> bytes:
        lines = [orjson.dumps({"key": self.key})]
        lines += [orjson.dumps(rel) + f"\t{sha}\t".encode() + entry for rel, (sha, entry) in sorted(self._new.items())]
        return b"\n".join(lines) + b"\n"

    @classmethod
    def load(cls, key: str, data: bytes | None) -> ParseCache:
        """The cache in ``data``, if it was made for ``key``; else an empty one."""
        head, _, rest = (data or b"").partition(b"\n")
        try:
            valid = orjson.loads(head).get("key") == key if head else False
        except (orjson.JSONDecodeError, AttributeError):
            valid = False
        entries: dict[str, tuple[str, bytes]] = {}
        for line in rest.splitlines() if valid else ():
            parts = line.split(b"\t", 2)
            if len(parts) == 3:
                try:
                    entries[orjson.loads(parts[0])] = (parts[1].decode("ascii"), parts[2])
                except (orjson.JSONDecodeError, UnicodeDecodeError, TypeError):
                    continue
        return cls(key, entries)
