"""Standalone HTML pages for reports: inline CSS, a title, the as-of date, the tables,
and diagrams inlined as SVG.

Every text that is not rbp's own markup goes through :func:`html.escape`; the tables
come from the reports' ``_repr_html_`` (which escapes every cell), and the SVG comes
from Graphviz, which escapes labels as XML. Reports hold keys and numbers only, so a
page carries no personal data unless a caller puts names into a diagram's labels.
"""

from __future__ import annotations

import html
import re
import shutil
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pendulum

__all__ = ["Diagrams", "diagram_svg", "page", "write_page"]

Diagrams = Mapping[str, Any] | Iterable[Any] | None
"""Diagrams for a page: graphviz objects, or a mapping of caption to graphviz object."""

CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
       margin: 2rem auto; max-width: 1100px; padding: 0 1rem; color: #1f2933;
       background: #ffffff; line-height: 1.4; }
header { border-bottom: 3px solid #1d4e89; margin-bottom: 1.5rem; }
h1 { color: #1d4e89; margin-bottom: 0.2rem; }
h2 { color: #1d4e89; border-bottom: 1px solid #d0d7de; padding-bottom: 0.2rem;
     margin-top: 2rem; }
p.as-of { color: #52606d; margin-top: 0; }
table { border-collapse: collapse; margin: 0.5rem 0 1rem; font-size: 0.9rem; }
th { background: #1d4e89; color: #ffffff; text-align: left; }
th, td { border: 1px solid #d0d7de; padding: 0.25rem 0.6rem; vertical-align: top; }
tbody tr:nth-child(even) { background: #f3f6f9; }
figure { margin: 1rem 0; border: 1px solid #d0d7de; padding: 0.5rem; overflow: auto; }
figure svg { max-width: 100%; height: auto; }
figcaption { color: #52606d; font-size: 0.9rem; }
.note { color: #8a4b08; background: #fff4e5; padding: 0.4rem 0.6rem; }
footer { color: #7b8794; font-size: 0.8rem; margin-top: 2rem; }
"""

_PROLOG = re.compile(r"\A(?:\s*<\?xml[^>]*\?>|\s*<!DOCTYPE[^>]*>|\s*<!--.*?-->)*\s*", re.S)


def diagram_svg(diagram: Any) -> str | None:
    """The diagram as inline SVG markup, or None when Graphviz's ``dot`` is missing.

    Parameters
    ----------
    diagram : graphviz.Graph or graphviz.Digraph
        Rendered with ``diagram.pipe(format="svg")``.

    Returns
    -------
    str or None
        An ``<svg>`` element without the XML prolog, ready to put in a page.

    Examples
    --------
    >>> import graphviz
    >>> svg = diagram_svg(graphviz.Graph(body=['a -- b']))
    >>> svg is None or svg.startswith("<svg")
    True
    """
    if shutil.which("dot") is None:
        return None
    raw = diagram.pipe(format="svg", encoding="utf-8")
    return _PROLOG.sub("", str(raw), count=1)


def _diagram_items(diagrams: Diagrams) -> list[tuple[str, Any]]:
    if diagrams is None:
        return []
    if isinstance(diagrams, Mapping):
        return [(str(k), v) for k, v in diagrams.items()]
    return [(str(getattr(d, "name", None) or f"Diagram {i}"), d) for i, d in enumerate(diagrams, 1)]


def page(
    title: str,
    sections: Iterable[tuple[str, str]],
    *,
    as_of: pendulum.DateTime | None = None,
    diagrams: Diagrams = None,
) -> str:
    """A standalone HTML page.

    Parameters
    ----------
    title : str
        The page title (escaped).
    sections : iterable of (str, str)
        ``(heading, html)`` pairs; the heading is escaped, the html is trusted
        markup from a report's ``_repr_html_`` (which escapes its cells).
    as_of : DateTime, optional
        Printed under the title.
    diagrams : mapping or iterable, optional
        Graphviz objects (or caption → object), inlined as SVG when ``dot`` exists;
        otherwise the page says the diagram was left out.

    Examples
    --------
    >>> text = page("Gaps <east>", [("Table", "<p>1</p>")])
    >>> "<title>Gaps &lt;east&gt;</title>" in text and "<p>1</p>" in text
    True
    """
    esc = html.escape
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{esc(title)}</title><style>{CSS}</style></head><body>",
        f"<header><h1>{esc(title)}</h1>",
    ]
    if as_of is not None:
        parts.append(f'<p class="as-of">As of {esc(as_of.format("YYYY-MM-DD HH:mm zz"))}</p>')
    parts.append("</header><main>")
    for heading, body in sections:
        parts.append(f"<section><h2>{esc(heading)}</h2>{body}</section>")
    items = _diagram_items(diagrams)
    if items:
        parts.append("<section><h2>Diagrams</h2>")
        for caption, diagram in items:
            svg = diagram_svg(diagram)
            if svg is None:
                inner = (
                    '<p class="note">Graphviz&#x27;s dot is not installed, so this diagram '
                    "is left out (apt-get install graphviz).</p>"
                )
            else:
                inner = svg
            parts.append(f"<figure>{inner}<figcaption>{esc(caption)}</figcaption></figure>")
        parts.append("</section>")
    parts.append(
        "</main><footer>Made by rbp. Keys and counts only: no names, contacts or notes."
        "</footer></body></html>\n"
    )
    return "\n".join(parts)


def write_page(
    path: str | Path,
    title: str,
    sections: Iterable[tuple[str, str]],
    *,
    as_of: pendulum.DateTime | None = None,
    diagrams: Diagrams = None,
) -> Path:
    """Write :func:`page` to ``path`` (UTF-8, parent folders made) and return the path.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     out = write_page(pathlib.Path(tmp) / "a" / "p.html", "T", [("S", "<p>x</p>")])
    ...     out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    True
    """
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(page(title, sections, as_of=as_of, diagrams=diagrams), encoding="utf-8")
    return out
