"""The tables of an HTML page as a browser would read them: header cells and body rows.

Tests check rendered pages through this parser (the standard library's HTMLParser),
never by comparing with the renderer's own output.
"""

from __future__ import annotations

from html.parser import HTMLParser


class Tables(HTMLParser):
    """Each table of a page: its header cells and its body rows (cell texts), and every tag."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[tuple[list[str], list[list[str]]]] = []
        self.tags: list[str] = []
        self._part = ""
        self._cell: list[str] | None = None
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag == "table":
            self.tables.append(([], []))
        elif tag in ("thead", "tbody"):
            self._part = tag
        elif tag == "tr" and self._part == "tbody":
            self.tables[-1][1].append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "th" and self._cell is not None:
            self.tables[-1][0].append("".join(self._cell))
        elif tag == "td" and self._cell is not None:
            self.tables[-1][1][-1].append("".join(self._cell))
        if tag in ("td", "th"):
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)

    def rows(self, *header: str) -> list[list[str]]:
        """Body rows of every table with exactly this header."""
        return [r for head, rows in self.tables if tuple(head) == header for r in rows]

    def table(self, *header: str) -> list[list[str]]:
        """The body rows of the one table with exactly this header."""
        found = [rows for head, rows in self.tables if tuple(head) == header]
        assert len(found) == 1, (header, [h for h, _ in self.tables])
        return found[0]
