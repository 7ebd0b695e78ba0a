"""BibTeX and RIS for papers, following arXiv's own BibTeX export (`eprint`, `archivePrefix`, `primaryClass`).

BibTeX is written with bibtexparser, so whatever we emit parses back to the same fields
(tests/test_cite_and_share.py). Values keep arXiv's LaTeX as submitted (`$\\alpha$`); only what would
break a .bib file or LaTeX is escaped: unbalanced braces and bare `&`, `%`, `#`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

import bibtexparser
from bibtexparser import Library
from bibtexparser.model import Entry, Field

# arXiv's citation keys: first author's surname, year, first significant title word.
KEY_STOPWORDS = frozenset(
    "a an the on of in for and to with from by at is are towards toward via".split()
)
_UNESCAPED = re.compile(r"(?<!\\)([&%#])")


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def _balanced(text: str) -> str:
    """Drop braces that do not pair up: BibTeX counts every brace, escaped or not."""
    depth, out, opened = 0, [], []
    for ch in text:
        if ch == "{":
            opened.append(len(out))
            depth += 1
        elif ch == "}":
            if depth == 0:
                continue
            depth -= 1
            opened.pop()
        out.append(ch)
    for index in reversed(opened):  # braces never closed
        del out[index]
    return "".join(out)


def bibtex_value(text: str) -> str:
    """A field value safe inside `{…}`: single-line, balanced braces, LaTeX specials escaped."""
    return _UNESCAPED.sub(r"\\\1", _balanced(" ".join((text or "").split())))


def _surname(name: str, keyname: str = "") -> str:
    if keyname:
        return keyname
    parts = name.split()
    return parts[-1] if parts else ""


def citation_key(*, first_author: str, year, title: str) -> str:
    surname = re.sub(r"[^a-z]", "", _ascii(first_author).lower()) or "anon"
    words = [re.sub(r"[^a-z0-9]", "", w) for w in _ascii(title).lower().split()]
    word = next((w for w in words if w and w not in KEY_STOPWORDS), "")
    return f"{surname}{year or ''}{word}"


def _authors(paper) -> list[tuple[str, str]]:
    """(display name, surname) per byline slot, from `paper.cite_authors` (see selectors)."""
    return [(slot.raw_name, _surname(slot.raw_name, slot.keyname)) for slot in paper.cite_authors]


def paper_entry(paper, *, key: str | None = None) -> Entry:
    authors = _authors(paper)
    year = paper.year or (paper.submitted.year if paper.submitted else None)
    key = key or citation_key(first_author=authors[0][1] if authors else "", year=year, title=paper.title)
    fields = [
        ("title", bibtex_value(paper.title)),
        ("author", " and ".join(bibtex_value(name) for name, _ in authors)),
        ("year", str(year) if year else ""),
        ("eprint", paper.arxiv_id),
        ("archivePrefix", "arXiv"),
        ("primaryClass", paper.primary_category),
        ("url", paper.abs_url),
        ("journal", bibtex_value(paper.journal_ref)),
        ("doi", bibtex_value(paper.doi)),
    ]
    entry_type = "article" if paper.journal_ref else "misc"
    return Entry(entry_type, key, [Field(name, value) for name, value in fields if value])


def papers_bibtex(papers: Iterable) -> str:
    """One .bib document; keys made unique within it with a, b, c… as reference managers do."""
    entries, seen = [], {}
    for paper in papers:
        entry = paper_entry(paper)
        base = entry.key
        count = seen.get(base, 0)
        seen[base] = count + 1
        if count:
            entry.key = f"{base}{_suffix(count)}"
        entries.append(entry)
    return bibtexparser.write_string(Library(entries))


def _suffix(n: int) -> str:
    letters = ""
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(ord("a") + rem) + letters
    return letters


def _ris_line(tag: str, value) -> str:
    return f"{tag}  - {' '.join(str(value).split())}"


def paper_ris(paper) -> list[str]:
    year = paper.year or (paper.submitted.year if paper.submitted else None)
    lines = [_ris_line("TY", "JOUR" if paper.journal_ref else "PREPRINT"), _ris_line("TI", paper.title)]
    for name, surname in _authors(paper):
        given = name[: len(name) - len(surname)].strip() if name.endswith(surname) else ""
        lines.append(_ris_line("AU", f"{surname}, {given}" if given else name))
    if year:
        lines.append(_ris_line("PY", year))
    if paper.submitted:
        lines.append(_ris_line("DA", paper.submitted.strftime("%Y/%m/%d")))
    if paper.abstract:
        lines.append(_ris_line("AB", paper.abstract))
    lines.append(_ris_line("UR", paper.abs_url))
    lines.append(_ris_line("M1", f"arXiv:{paper.arxiv_id}"))
    lines.append(_ris_line("T2", paper.journal_ref or "arXiv"))
    if paper.doi:
        lines.append(_ris_line("DO", paper.doi))
    for code in paper.categories or []:
        lines.append(_ris_line("KW", code))
    lines.append("ER  - ")
    return lines


def papers_ris(papers: Iterable) -> str:
    """An RIS document (CRLF line ends, as the format's reference readers expect)."""
    lines = []
    for paper in papers:
        lines.extend(paper_ris(paper))
        lines.append("")
    return "\r\n".join(lines)
