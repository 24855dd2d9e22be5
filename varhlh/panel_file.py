"""A panel TSV as text (``##key=value`` metadata lines, header, rows), for ``panel show`` and ``panel update``.

Standard library only: ``varhlh panel show`` runs on a base install (no ``online`` extra).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass
class Table:
    """A panel TSV as text: ``##key=value`` lines in order, the header, rows as column -> value."""

    meta: list[tuple[str, str]]
    header: list[str]
    rows: list[dict[str, str]]

    @classmethod
    def read(cls, path: Path) -> Table:
        meta: list[tuple[str, str]] = []
        header: list[str] = []
        rows: list[dict[str, str]] = []
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            if line.startswith("##"):
                key, _, value = line[2:].partition("=")
                meta.append((key.strip(), value.strip()))
            elif not header:
                header = line.split("\t")
            else:
                rows.append(dict(zip(header, line.split("\t"), strict=True)))
        return cls(meta, header, rows)

    def render(self) -> str:
        lines = [f"##{k}={v}" for k, v in self.meta]
        lines.append("\t".join(self.header))
        lines.extend("\t".join(row[c] for c in self.header) for row in self.rows)
        return "\n".join(lines) + "\n"


__all__ = ["Table"]
