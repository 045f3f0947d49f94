"""The CI's skip check: print every test the last pytest run skipped, then fail unless each is allowed by
tests/skips-allowed.txt.

conftest.py writes what each run skipped into pytest's cache (``.pytest_cache/v/medvlm_kg/skips``);
``.ci/run`` runs ``python tests/check_skips.py`` right after pytest. Exit 0 when every skip is allowed,
1 otherwise (naming each skip that is not), 2 when there is no report or the allow-list is malformed.
"""

from __future__ import annotations

import fnmatch
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ALLOWED = Path(__file__).resolve().parent / "skips-allowed.txt"
REPORT = ROOT / ".pytest_cache" / "v" / "medvlm_kg" / "skips"  # conftest.SKIP_REPORT in pytest's cache


def read_allowed(path: Path = ALLOWED) -> list[tuple[str, str, str]]:
    """(test id pattern, reason text, the comment that justifies it) for each entry; an entry without a
    comment above it is an error: the allow-list says why each skip cannot be avoided."""
    entries, comment = [], []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line:
            comment = []
        elif line.startswith("#"):
            comment.append(line.lstrip("# ").strip())
        else:
            pattern, bar, reason = line.partition(" | ")
            if not bar or not pattern.strip() or not reason.strip():
                raise ValueError(f"{path}:{number}: write an entry as '<test id pattern> | <reason text>'")
            if not " ".join(comment).strip():
                raise ValueError(f"{path}:{number}: an entry needs a comment above it saying why it is allowed")
            entries.append((pattern.strip(), reason.strip(), " ".join(comment)))
    return entries


def is_allowed(skip: dict, entries: list[tuple[str, str, str]]) -> bool:
    return any(fnmatch.fnmatchcase(skip["test"], pattern) and text in skip["reason"] for pattern, text, _ in entries)


def check(report: Path = REPORT, allowed: Path = ALLOWED, out=None) -> int:
    """Print the skips of the run ``report`` records and whether each is allowed; 0, 1 or 2 as above."""
    out = out or sys.stdout
    try:
        ran = json.loads(report.read_text(encoding="utf-8"))
        entries = read_allowed(allowed)
    except FileNotFoundError:
        print(f"skip check: no report at {report}: run pytest first (with its cache enabled)", file=out)
        return 2
    except ValueError as error:
        print(f"skip check: {error}", file=out)
        return 2
    skips = ran["skips"]
    refused = [s for s in skips if not is_allowed(s, entries)]
    print(
        f"skip check: {ran['collected']} tests collected, {len(skips)} skipped, "
        f"{len(skips) - len(refused)} of them allowed by tests/{allowed.name}",
        file=out,
    )
    for skip in skips:
        mark = "NOT ALLOWED" if skip in refused else "allowed"
        print(f"  {mark}: {skip['test']} ({skip['kind']}, {skip['when']}): {skip['reason']}", file=out)
    if refused:
        print(
            f"skip check: FAILED: {len(refused)} skip(s) not allowed. Install the missing part (tests/setup.sh); "
            f"only a capability no install can give goes on tests/{allowed.name}, with a comment saying why",
            file=out,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(check(Path(sys.argv[1]) if len(sys.argv) > 1 else REPORT))
