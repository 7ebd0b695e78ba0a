"""LaTeX in arXiv metadata → readable Unicode.

pylatexenc does the conversion, but running its pure-Python parser over whole abstracts costs
milliseconds each, far too slow for millions of papers. So the text is cut into LaTeX
*chunks* (math, macros with their brace arguments, brace groups, accents) and plain runs;
plain runs are copied as they are and only chunks go through pylatexenc, memoised in an LRU
cache because the same chunks (`$\\alpha$`, `\\"u`, `$p_T$`) recur across the corpus.

Side benefits of never feeding plain text to pylatexenc: a bare `%` ("15% of") is not taken as
a comment that swallows the rest of the line, and `--` in affiliations stays as written.
"""

from __future__ import annotations

import logging
import re

from pylatexenc import latexwalker
from pylatexenc.latex2text import LatexNodes2Text, get_default_latex_context_db

from papers.ingest.memo import short_memo

__all__ = ["to_unicode", "normalize_space"]

# pylatexenc logs a warning for every unbalanced brace it tolerates; arXiv has plenty.
logging.getLogger("pylatexenc").setLevel(logging.ERROR)

_SPECIALS = frozenset("\\{}$~`")


def has_specials(text: str) -> bool:
    """Whether ``text`` holds any of _SPECIALS, the characters that can start LaTeX markup.

    Six substring scans in C: ``frozenset.isdisjoint`` hashes every character of the string into
    a set lookup (13 µs for a 1.2 KB abstract against 0.5), and titles, abstracts and names of
    every imported paper go through here.
    """
    return "\\" in text or "{" in text or "}" in text or "$" in text or "~" in text or "`" in text


# One nesting level inside braces is enough for metadata (`\"{\i}`, `\textbf{$x$}`).
_BRACED = r"\{(?:[^{}]|\{[^{}]*\})*\}"
_CHUNK_RE = re.compile(
    r"\$\$.+?\$\$"  # display math
    r"|\$[^$]+\$"  # inline math
    r"|\\\(.+?\\\)"  # \( ... \)
    rf"|\\[A-Za-z]+\*?(?:\s*(?:{_BRACED}|\[[^\]]*\]))*"  # \macro[opt]{arg}{arg}
    rf"|\\[^A-Za-z\s](?:\s*{_BRACED}|\\[A-Za-z]+|[A-Za-z])?"  # accents \'e \"{u} \"\i and \% \&
    rf"|{_BRACED}"  # brace groups: {\O}bro, {ATLAS}
    r"|(?<!/)~",  # ~ is a LaTeX space, except in URLs (http://host/~user)
    re.S,
)

# arXiv's OAI feed sometimes glues a letter macro to the rest of the name (`S\lawianowski`,
# `Go\lubowska`); when the whole word is no known macro, split off the letter macro.
_LETTER_MACROS = {
    "ss": "ß", "ae": "æ", "AE": "Æ", "oe": "œ", "OE": "Œ", "aa": "å", "AA": "Å",
    "l": "ł", "L": "Ł", "i": "ı", "j": "ȷ", "o": "ø", "O": "Ø",
}
_GLUED_RE = re.compile(r"(?<=[A-Za-z])\\(ss|ae|AE|oe|OE|aa|AA|l|L|i|j|o|O)([A-Za-z]+)")

_converter = LatexNodes2Text(math_mode="text", strict_latex_spaces=False)
_macros = get_default_latex_context_db()
_walker_macros = latexwalker.get_default_latex_context_db()


def _unglue(match: re.Match) -> str:
    word = match.group(1) + match.group(2)
    if _macros.get_macro_spec(word) is not None or _walker_macros.get_macro_spec(word) is not None:
        return match.group(0)
    return _LETTER_MACROS[match.group(1)] + match.group(2)


# A macro with flat brace arguments (`\mathcal{O}`, `\frac{1}{2}`, `\sqrt{s}`), or a bare one.
_MATH_PART_RE = re.compile(r"\\[A-Za-z]+\*?(?:\s*\{[^{}]*\})+|\\(?:[A-Za-z]+|[^A-Za-z])|[{}]")
_NESTED_RE = re.compile(r"\{[^{}]*\{|\\begin|\\\\|\[")


def _simple_math(inner: str) -> str:
    # arXiv math is mostly symbols and flat macros (`\alpha_i`, `x^{2}`, `\mathcal{O}(n)`); each
    # macro part is converted on its own through the cache, where it recurs across the corpus,
    # so pylatexenc rarely sees a whole formula.
    return _MATH_PART_RE.sub(_math_part, inner)


def _math_part(match: re.Match) -> str:
    part = match.group(0)
    return "" if part in "{}" else _convert_chunk(part)  # bare braces only group; \{ is a brace


# An accent, a macro, a formula: memoised when short (a long one would pin its text).
@short_memo(maxsize=200_000, max_chars=300)
def _convert_chunk(chunk: str) -> str:
    if chunk == "~":
        return " "
    if chunk.startswith("$"):
        inner = chunk.strip("$")
        if inner and not _NESTED_RE.search(inner):
            return _simple_math(inner)
    try:
        text = _converter.latex_to_text(chunk)
    except Exception:  # noqa: BLE001 - pylatexenc raises bare IndexError etc. on odd input
        # Keep the words and drop the markup: better a readable title than a failed record.
        text = re.sub(r"\\[A-Za-z]+\*?|[{}$\\]", " ", chunk)
    if chunk.startswith("$") and not text.strip():
        return chunk  # math pylatexenc cannot render: keep it verbatim, never lose it
    return text


def normalize_space(text: str) -> str:
    """Collapse every run of whitespace (newlines from fixed-width metadata included)."""
    return " ".join(text.split())


def to_unicode(text: str | None) -> str:
    """Convert LaTeX accents, macros and math to Unicode, and collapse whitespace."""
    if not text:
        return ""
    if not has_specials(text):
        return " ".join(text.split())
    if "\\" in text:
        text = _GLUED_RE.sub(_unglue, text)
    out = []
    pos = 0
    for match in _CHUNK_RE.finditer(text):
        start = match.start()
        if start > pos:
            out.append(text[pos:start])
        out.append(_convert_chunk(match.group(0)))
        pos = match.end()
    out.append(text[pos:])
    text = "".join(out)
    if "`" in text:
        text = text.replace("``", "\u201c").replace("''", "\u201d")
    return " ".join(text.split())
