"""The parse cache: dataset files checked by an earlier build, kept by path and content digest in the output folder,
so a file whose bytes did not change is neither parsed nor checked again.
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass

import msgspec
import orjson

from medvlm_kg.catalog.entries import Dataset
from medvlm_kg.problems import Problem


@dataclass(frozen=True, slots=True)
class Checked:
    """What checking a dataset file gave: its entry (with the line of each field) and its warnings."""

    dataset: Dataset
    problems: list[Problem]


# The entry is kept as typed JSON and read straight back into the dataclasses by msgspec (no code runs: the cache
# lives in the output folder). Making the entries again from the files' plain values took 0.37 s of an edit at
# 10,000 entries; msgspec reads them in 0.13 s.
_ENCODER = msgspec.json.Encoder()
_DECODER = msgspec.json.Decoder(Checked)


class ParseCache:
    """Dataset files checked by an earlier build, by path and content: a file whose bytes did not change is not
    parsed or checked again (the checks across files still run). It is plain JSON (never pickle: the cache lives
    in the output folder, and reading it must not run code), and it is only valid for the code and catalog.yaml
    it was made with, which ``build`` makes sure of (``key``).

    One line per file (``"name"\tsha256\t{entry}``) kept as bytes until a file asks for its entry: a catalog of
    100,000 entries would otherwise hold 100,000 entries it mostly only copies to the next build.

    Files are known by name, not by the path messages show them under (relative to the working folder): a build
    run from another folder finds them, and takes their entries with that path put in (``_shown_as``).
    """

    def __init__(self, key: str, entries: dict[str, tuple[str, bytes]] | None = None):
        self.key = key
        self._old = entries or {}  # file name → (digest, the entry as JSON)
        self._new: dict[str, tuple[str, bytes]] = {}
        self._pending: dict[str, str] = {}  # name → digest of the bytes just read, until their checks are known
        self.hit: tuple[Checked, tuple[str, bytes]] | None = None  # the last lookup's entry (``load._read_file``)

    @staticmethod
    def _digest(raw: bytes) -> str:
        return hashlib.sha256(raw).hexdigest()

    def get(self, rel: str, raw: bytes) -> tuple[Checked, tuple[str, bytes]] | None:
        """What checking a file seen before with these bytes gave, and its cache entry as kept."""
        return self.get_known(rel, self._digest(raw)) if _name(rel) in self._old else None

    def get_known(self, rel: str, digest: str) -> tuple[Checked, tuple[str, bytes]] | None:
        """``get`` for a file whose sha256 ``digest`` (hex) is known already (the build's scan just read it)."""
        found = self._old.get(_name(rel))
        if found is None or found[0] != digest:
            return None
        try:
            checked = _DECODER.decode(found[1])
        except msgspec.DecodeError:  # also a ValidationError: an entry of another shape is read from its file again
            return None
        if checked.dataset.file != rel:
            checked = _shown_as(checked, rel)
            found = (digest, _ENCODER.encode(checked))
        return checked, found

    def holds(self, rel: str, digest: str) -> bool:
        """Whether the file ``rel`` was seen before with the bytes of this sha256 ``digest`` (hex)."""
        found = self._old.get(_name(rel))
        return found is not None and found[0] == digest

    def seen(self, rel: str, raw: bytes) -> None:
        self._pending[_name(rel)] = self._digest(raw)

    def entry(self, rel: str, dataset: Dataset, problems: list[Problem]) -> tuple[str, bytes] | None:
        """The cache entry of a file that passed its checks (with what they found: warnings only), or ``None``
        when its entry does not come back the same from JSON (it is then read from its file again next time)."""
        digest = self._pending.pop(_name(rel), None)
        if digest is None:
            return None
        checked = Checked(dataset, list(problems))
        try:
            packed = _ENCODER.encode(checked)
            back = _DECODER.decode(packed)
        except (TypeError, ValueError, OverflowError, msgspec.MsgspecError):
            return None
        if back != checked or back.dataset.lines != dataset.lines:  # e.g. an integer past what JSON keeps exactly
            return None
        return digest, packed

    def learn(self, rel: str, packed: tuple[str, bytes]) -> None:
        self._new[_name(rel)] = packed

    def dump(self) -> bytes:
        lines = [orjson.dumps({"key": self.key})]
        lines += [
            orjson.dumps(name) + f"\t{sha}\t".encode() + entry for name, (sha, entry) in sorted(self._new.items())
        ]
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


def _name(rel: str) -> str:
    """A dataset file's name (its path in messages is ``<catalog folder as shown>/datasets/<name>``)."""
    return rel.rpartition("/")[2]


def _shown_as(checked: Checked, rel: str) -> Checked:
    """An entry checked while its file was shown under another path (a build run from another working folder), with
    ``rel`` wherever that path stood: the entry's file, and its warnings'."""
    before = checked.dataset.file
    problems = [dataclasses.replace(p, file=rel) if p.file == before else p for p in checked.problems]
    return Checked(dataclasses.replace(checked.dataset, file=rel), problems)
