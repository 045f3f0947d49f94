"""Awesome-list tables in: read a README's dataset tables into catalog entries (export: sparql/export_markdown.py).

Import never touches a curator's file: new datasets become new YAML files (created whole or not at all), and
for datasets already in the catalog it only reports how the list differs. Real lists are messy, so a table is
recognised by what its columns mean (markup, emoji, case and padding aside; synonyms in English and Chinese in
``markdown_columns.yaml``), links are classified by their host (``link_hosts.yaml``), and every table and row it
does not import is reported with the reason, grouped, with counts. No table makes it crash.

The modules, highest first (the import contract ``markdown-import`` in pyproject.toml keeps this order):
``importer`` (``import_markdown``: read the file, match the catalog, add or report) over ``document`` (an entry
as a new file's YAML document) and ``writing`` (files created whole, never over a curator's); ``links`` (paper or
access point, by host); ``rows`` (each table row read into an ``Entry``, repeats merged); ``headers`` (which
column is which, and whether a table lists datasets) and ``names`` (a name cell read, as a key, as a file id);
``report`` (what the import did), ``tables`` (where the tables are) and ``values`` (cells as concepts, sizes,
dates); ``cells`` (a cell's markup as text) and ``rules`` (the two YAML files).
"""

from medvlm_kg.catalog.markdown.cells import cell_text
from medvlm_kg.catalog.markdown.headers import Column, columns_of, table_language
from medvlm_kg.catalog.markdown.importer import import_markdown
from medvlm_kg.catalog.markdown.names import name_key, slug
from medvlm_kg.catalog.markdown.report import ImportReport
from medvlm_kg.catalog.markdown.rows import Entry, read_entries
from medvlm_kg.catalog.markdown.rules import columns
from medvlm_kg.catalog.markdown.tables import Row, Table, parse_tables

__all__ = [
    "Column",
    "Entry",
    "ImportReport",
    "Row",
    "Table",
    "cell_text",
    "columns",
    "columns_of",
    "import_markdown",
    "name_key",
    "parse_tables",
    "read_entries",
    "slug",
    "table_language",
]
