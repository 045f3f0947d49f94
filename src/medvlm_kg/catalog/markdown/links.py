"""Links by what they point to: a paper or an access point, by the host rules of ``link_hosts.yaml``; a link
whose text says nothing ("link", "[1]") labelled from its host; links the catalog cannot hold reported."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from urllib.parse import unquote, urljoin, urlsplit

from medvlm_kg.catalog.checks import url_problem
from medvlm_kg.catalog.markdown.cells import without_pictographs
from medvlm_kg.catalog.markdown.names import name_key
from medvlm_kg.catalog.markdown.report import ImportReport
from medvlm_kg.catalog.markdown.rows import Entry
from medvlm_kg.catalog.markdown.rules import link_hosts
from medvlm_kg.catalog.markdown.rules import link_rule as _link_rule
from medvlm_kg.catalog.markdown.values import _code_words, _header_key, column_words

_ARXIV = re.compile(r"arxiv\.org/(?:abs|pdf|html)/(\d{4}\.\d{4,5})(?:v\d+)?", re.IGNORECASE)
_DOI = re.compile(r"(?:dx\.)?doi\.org/(10\.\d{4,9}/[^\s?#]+)", re.IGNORECASE)


@cache
def _data_hosts() -> frozenset[str]:
    """The names of the data hosts the rules know ("TCIA", "Zenodo", "figshare"), as header keys."""
    return frozenset(_header_key(rule["label"]) for rule in link_hosts()["access"])


@cache
def _data_doi_prefixes() -> dict[str, str]:
    """DOI prefix → the data repository that registers it (10.5281 → Zenodo)."""
    return {str(k): v for k, v in (link_hosts().get("data_doi_prefixes") or {}).items()}


def _generic(label: str) -> bool:
    return (
        not label
        or _header_key(label) in column_words("generic_link_labels")
        or bool(re.fullmatch(r"\[?\d+\]?", label))
    )


def _host_label(url: str) -> str:
    """A host no rule knows, as its registered name: "atp-modelzoo-sh.oss-cn-shanghai.aliyuncs.com" →
    "aliyuncs.com", "www.creatis.insa-lyon.fr" → "insa-lyon.fr", "openi.nlm.nih.gov" → "nih.gov"."""
    labels = (urlsplit(url).hostname or "").lower().split(".")
    short_second = len(labels) >= 3 and labels[-2] in ("co", "com", "ac", "edu", "gov", "org", "net", "or", "ne")
    keep = 3 if short_second else 2
    return ".".join(labels[-keep:]) or url


@dataclass
class Links:
    """An entry's links by what they are: access points (each ``{label, url}``), papers, code (a paper's code, a
    demo) and the list's own pages on the dataset (its notes, slides, notebooks beside the list)."""

    access: list[dict] = field(default_factory=list)
    papers: list[str] = field(default_factory=list)
    code: list[str] = field(default_factory=list)
    pages: list[str] = field(default_factory=list)


# A file of data, not a page about it: a list whose repository holds its data links it ("./data/x.zip",
# ".../raw/main/train.jsonl"), and that link is where the data is.
_DATA_FILE = re.compile(
    r"\.(?:zip|tar|gz|tgz|bz2|xz|7z|rar|csv|tsv|json|jsonl|parquet|arrow|h5|hdf5|npz|npy|nii|dcm|xlsx?)(?:[?#]|$)"
    r"|/(?:raw|releases/download|media)/",
    re.IGNORECASE,
)
# A document of a GitHub repository (notes, slides, a notebook), not its data.
_DOCUMENT = re.compile(r"/blob/[^?#]*\.(?:md|markdown|pdf|ipynb|html?|rst|txt|docx?|pptx?)(?:[?#]|$)", re.IGNORECASE)


def _list_repository(source_url: str | None) -> str | None:
    """The address prefix of the list's own GitHub repository ("https://github.com/owner/repo/"), lower-cased."""
    m = re.match(r"https://github\.com/([^/?#]+)/([^/?#]+)/", source_url or "", re.IGNORECASE)
    return f"https://github.com/{m.group(1)}/{m.group(2)}/".lower() if m else None


def _beside_the_list(entry: Entry, source_url: str | None) -> list[tuple[str, str, str]]:
    """The entry's links to files beside the list ("./resources/CT-ORG.md"), resolved against the list's own address
    (a GitHub file's neighbours are files of the same commit); none without ``--source-url``."""
    if not source_url or not source_url.startswith(("https://", "http://")):
        return []
    resolved = [("beside", label, urljoin(source_url, target)) for label, target in entry.relative]
    return [link for link in resolved if link[2] != source_url]


def _classified_links(entry: Entry, report: ImportReport, source_url: str | None = None) -> Links:
    """The entry's links by what they point to (``Links``), each URL once, an access point labelled from its host
    when the list's text says nothing; links the catalog cannot hold are reported. A file of the list's own
    repository, or one beside the list, is the list's page on the dataset, unless it is a data file."""
    found = Links()
    access, papers, code = found.access, found.papers, found.code
    own = _list_repository(source_url)
    seen: set[str] = set()
    labels: Counter = Counter()
    # a URL the list gives as a download or name link is an access point even where its paper column repeats it
    offered = {url for role, _, url in entry.links if role in ("links", "name")}
    for role, label, url in entry.links + _beside_the_list(entry, source_url):
        if unquote(url) in seen:  # "…/%E4%B8%AD" and "…/中": one link
            continue
        if re.fullmatch(r"\[[^\[\]]*\]", label):  # "[[code]](…)": the text is "code"
            label = label[1:-1].strip()
        label = without_pictographs(label)  # "🔗 Source"
        seen.add(unquote(url))
        problem = url_problem(url)  # a file the import writes must pass validate
        if problem and role == "beside":  # a path no valid address resolves from: not a link of the list's
            continue
        if problem:
            reason = f"a link is left out of access (the cell stays in listed): {problem}"
            report.skip(entry.line, "link-refused", reason, kept=True)
            continue
        listed_here = role == "beside" or (own is not None and url.lower().startswith(own))
        if listed_here and not _DATA_FILE.search(url) and (role == "beside" or _DOCUMENT.search(url)):
            found.pages.append(url)  # its notes, slides, notebooks; a release, a raw file or a folder holds data
            continue
        rule = _link_rule(url)
        # "[TCIA](https://doi.org/10.25737/…)" in a download column: a DOI names data too, where the list labels it
        # with a data host's name, or says it is the data ("[data](https://doi.org/10.6084/…)"); an article's DOI
        # stays a paper: "[Scientific Data](https://doi.org/10.1038/…)"
        doi = _DOI.search(url) if rule is not None and rule[1]["label"] == "DOI" else None
        repository = _data_doi_prefixes().get(doi.group(1).split("/")[0]) if doi else None  # Zenodo's 10.5281
        dataset_doi = doi is not None and (
            (repository is not None and role in ("links", "name"))
            or (
                role == "links"
                and (_header_key(label) in _data_hosts() or _header_key(label) in column_words("data_link_labels"))
            )
        )
        if rule and rule[0] == "paper" and not dataset_doi:
            papers.append(url)
            continue
        if dataset_doi:
            rule = None
        if (role == "paper" and rule is None and url not in offered) or _header_key(label) in column_words(
            "paper_link_labels"
        ):
            papers.append(url)
            continue
        if role == "code" or _header_key(label) in _code_words():  # the code of a paper, a demo: not the data
            code.append(url)
            continue
        if _header_key(label) in column_words("placeholder_link_labels"):
            report.note(entry.line, "link-placeholder", f'a link labelled "{label}" is no access point yet: left out')
            continue
        if label.count("[") > label.count("]"):  # the inner link of "[a<br/>[b](…)](…)": its own text
            label = label[label.rfind("[") + 1 :].strip()
        names_it = role == "name" and name_key(label) == name_key(entry.name)  # the link the name is written as
        same_host = rule is not None and name_key(label) == name_key(rule[1]["label"])  # "Github" → "GitHub"
        titled = role == "paper"  # a paper column's link to a dataset page: its text is the paper's title
        if (
            _generic(label) or names_it or same_host or titled
        ):  # a name cell's further link keeps its text ("1M version")
            label = rule[1]["label"] if rule else (repository or "DOI") if dataset_doi else _host_label(url)
        point = {"label": label, "url": url}  # the platform is found from the host when the file is read
        labels[label] += 1
        access.append(point)
    other = _OTHER_SCHEME.findall(entry.cells.get("links") or "")
    if other:  # "fMoW-full: s3://spacenet-dataset/…": no web address, so no access point, but not in silence
        report.note(
            entry.line,
            "link-not-web",
            f"an address that is not a web link ({other[0]}) stays in listed.links only: write `access:` by hand "
            "with the web page that explains how to get it",
        )
    return found


_OTHER_SCHEME = re.compile(r"(?<![\w/])((?:s3|gs|ftp|sftp|hdfs|az|abfss?|wasbs?|rsync|magnet)://[^\s)\]|<>\"']{1,200})")
