"""Reading the panel's TSV tables (genes, exon models, curated alleles, knowledge base).

Format rules (gene_panels/README.md): UTF-8, TAB-separated, ``##key=value`` metadata lines, one header row,
``.`` for a missing value. Every problem is a :class:`PanelError` naming the file, the line and the column.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any, TypeVar

from varhlh.errors import PanelError, shown
from varhlh.fileio import TABLE_LIMIT, read_text

E = TypeVar("E", bound=Enum)


@dataclass(frozen=True)
class Row:
    path: Path
    line: int
    values: Mapping[str, str]

    def where(self, column: str) -> str:
        return f"{self.path}: line {self.line}, column {column!r}"

    def text(self, column: str) -> str:
        value = self.values[column].strip()
        if not value or value == ".":
            msg = f"{self.where(column)}: value is required"
            raise PanelError(msg)
        return value

    def optional(self, column: str) -> str | None:
        value = self.values[column].strip()
        return None if value in ("", ".") else value

    def integer(self, column: str) -> int:
        value = self.text(column)
        if not (value.isascii() and value.isdigit()) or len(value) > 12 or int(value) < 1:  # not '²', not 10^5000
            msg = f"{self.where(column)}: expected a positive integer (digits 0-9), got {shown(value)}"
            raise PanelError(msg)
        return int(value)

    def choice(self, column: str, enum: type[E]) -> E:
        value = self.text(column)
        try:
            return enum(value)
        except ValueError:
            allowed = ", ".join(str(m.value) for m in enum)
            msg = f"{self.where(column)}: {shown(value)} is not one of: {allowed}"
            raise PanelError(msg) from None

    def flag(self, column: str) -> bool:
        value = self.text(column).lower()
        if value not in ("yes", "no"):
            msg = f"{self.where(column)}: expected 'yes' or 'no', got {shown(value)}"
            raise PanelError(msg)
        return value == "yes"

    def decimal(self, column: str) -> float:
        value = self.text(column)
        try:
            number = float(value)
        except ValueError:
            number = float("nan")
        if not 0.0 <= number <= 1.0:
            msg = f"{self.where(column)}: expected a number between 0 and 1, got {shown(value)}"
            raise PanelError(msg)
        return number


def read_tsv(path: Path, columns: tuple[str, ...], digest: Any = None) -> tuple[dict[str, str], list[Row]]:
    """Metadata and rows of one table, read once (at most :data:`varhlh.fileio.TABLE_LIMIT` bytes); the bytes
    read are added to ``digest`` (a hashlib object), so the fingerprint is of exactly what was parsed."""
    text = read_text(path, TABLE_LIMIT, what="panel file", fix="check the --panel path", error=PanelError)
    meta: dict[str, str] = {}
    header: list[str] | None = None
    rows: list[Row] = []
    for number, line in lines(text):
        if line.startswith("##"):
            key, sep, value = line[2:].partition("=")
            if not sep or not key:
                msg = f"{path}: line {number}: metadata must be '##key=value'"
                raise PanelError(msg)
            meta[key.strip()] = value.strip()
        elif header is None:
            header = line.split("\t")
            missing = [c for c in columns if c not in header]
            if missing:
                msg = f"{path}: line {number}: header lacks column(s) {', '.join(missing)}"
                raise PanelError(msg)
        else:
            fields = line.split("\t")
            if len(fields) != len(header):
                msg = (f"{path}: line {number}: {len(fields)} tab-separated fields, header has "
                       f"{len(header)}; check for spaces used instead of tabs")
                raise PanelError(msg)
            rows.append(Row(path, number, dict(zip(header, fields, strict=True))))
    if header is None or not rows:
        msg = f"{path}: no data rows; a panel needs a header row and at least one gene"
        raise PanelError(msg)
    if digest is not None:
        digest.update(text.encode("utf-8"))
    return meta, rows


def lines(text: str) -> Iterator[tuple[int, str]]:
    for number, raw in enumerate(text.splitlines(), start=1):
        if raw.strip():
            yield number, raw.rstrip("\r")
