"""Author bylines from arXiv metadata → ``AuthorName`` slots, in byline order.

arXiv gives authors three ways: a free-text string (Kaggle ``authors``, arXivRaw, the Atom
feed), the same string pre-split by arXiv (Kaggle ``authors_parsed``) and structured
``<keyname>``/``<forenames>`` (OAI arXiv format). All end up here.

The free-text splitter is a single left-to-right scan (linear in the string, so a 3000-author
collaboration byline is as cheap per author as a 3-author one). It only cuts at top level:
never inside parentheses (affiliations), braces (LaTeX groups) or ``$...$``, which is how LaTeX
is kept whole until each name is converted to Unicode, *before* the name is split into
surname and forenames. ``AuthorName.raw`` is the exact slice of the source string.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from nameparser.config import CONSTANTS as _NAMEPARSER

from papers.ingest.keys import strip_format_chars
from papers.ingest.latex import normalize_space, to_unicode
from papers.ingest.memo import short_memo
from papers.ingest.records import AuthorName

__all__ = [
    "split_author_string",
    "from_authors_parsed",
    "from_keyname_forenames",
    "split_personal_name",
    "is_collaboration_name",
]

# Lower-case surname particles ("van der Tak", "de la Cruz"), from nameparser's list. Only
# lower-case tokens count: "Van Dyke" as written is taken at face value.
_PARTICLES = frozenset(
    p for p in _NAMEPARSER.prefixes if p.isalpha() and p.islower() and len(p) <= 6
) | {"van", "von", "de", "der", "den", "del", "della", "di", "da", "dos", "das", "du", "la", "le",
     "ten", "ter", "zu", "zur", "vom", "y", "st", "al", "el", "dei", "degli", "des"}
# arXiv's own parser (Kaggle authors_parsed) also treats these capitalised forms as particles:
# "Paolo Di Vecchia" → Di Vecchia, "Hans De Raedt" → De Raedt.
_CAP_PARTICLES = frozenset({"De", "Di", "Da", "Del", "Della", "Dos", "Das", "Du", "Van", "Von", "Der", "Den",
                            "La", "Le", "Ter", "Ten", "Van't"})
# "J.P.Hague", "N.d'Ambrumenil": an initial glued to the surname.
_GLUED_INITIAL_RE = re.compile(r"(\b[A-Z]\.)(?=[A-Za-z][A-Za-z'\u2019\-]+)")
_LATEX_OR_SPACE = frozenset("\\{}$~`\n\t")
_SUFFIXES = {"jr": "Jr.", "jr.": "Jr.", "jnr": "Jr.", "junior": "Jr.", "sr": "Sr.", "sr.": "Sr.",
             "snr": "Sr.", "senior": "Sr.", "ii": "II", "iii": "III", "iv": "IV"}

_COLLAB_RE = re.compile(
    r"\b(collaborations?|consortium|collab\.|team|group|experiment|survey|observatory|"
    r"project|network|initiative|alliance|committee|working group)\b",
    re.I,
)
_COLLAB_END_RE = re.compile(_COLLAB_RE.pattern + r"\W*$", re.I)
_ET_AL_RE = re.compile(r"(?:^|\s)et\.?\s*al\.?\s*$", re.I)
# "A. Smith for the LIGO Scientific Collaboration", "... on behalf of the X Consortium"
_FOR_THE_RE = re.compile(r"\s*(?:,\s*)?\b(?:for|on behalf of)(?: the)?\s+(?=\S)", re.I)
_FOR_THE_TOP_RE = re.compile(r"(?<![^\s,;])(?:for|on behalf of)\s+the\s+", re.I)
_THE_RE = re.compile(r"^the\s+", re.I)
# Footnote markers in bylines: "(1)", "(1,2)", "(1 and 3)", "(1, 2 & 4)".
_MARKER_RE = re.compile(r"^\s*\d+(?:\s*(?:,|and|&|;)\s*\d+)*\s*$")
# The footnote table at the end: "((1) Harvard, (2) MIT)" or "(1 Dip. Astro.; 2 INAF)".
_TABLE_PAREN_RE = re.compile(r"\(\s*(\d+)\s*\)\s*")
_TABLE_BARE_RE = re.compile(r"(?:^|[;,]\s*)(\d+)\s+(?=[^\d\s])")


def is_collaboration_name(text: str) -> bool:
    return bool(_COLLAB_RE.search(text))


_TOKEN_RE = re.compile(r"\\.|[$(){},;&:]|(?<!\S)[aA][nN][dD](?!\S)", re.S)


def _scan_top_level(s: str) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """One pass over ``s``: top-level author separators and top-level parenthesis spans.

    Separators are commas, semicolons, colons, ``&`` and the word ``and``; each is returned as
    (start, end) of the separator text. Parenthesis spans are (open, close+1). Only the special
    characters are visited (a regex finds them), so long bylines stay cheap.
    """
    seps: list[tuple[int, int]] = []
    parens: list[tuple[int, int]] = []
    depth_paren = depth_brace = 0
    in_math = False
    paren_start = -1
    for m in _TOKEN_RE.finditer(s):
        tok = m.group()
        c = tok[0]
        if c == "\\":
            continue  # an escaped character never opens or closes anything
        if c == "$":
            in_math = not in_math
        elif in_math:
            continue
        elif c == "{":
            depth_brace += 1
        elif c == "}":
            depth_brace = max(0, depth_brace - 1)
        elif depth_brace:
            continue
        elif c == "(":
            if depth_paren == 0:
                paren_start = m.start()
            depth_paren += 1
        elif c == ")":
            if depth_paren:
                depth_paren -= 1
                if depth_paren == 0:
                    parens.append((paren_start, m.end()))
        elif depth_paren:
            continue
        else:
            seps.append(m.span())
    if depth_paren and paren_start >= 0:
        parens.append((paren_start, len(s)))  # unclosed: the rest is an affiliation, not names
    return seps, parens


def _parse_footnote_table(body: str) -> dict[str, str]:
    """'(1) Leicester, (2) Penn State' or '1 Dip. Astro., Bologna; 2 INAF' → {'1': ..., '2': ...}."""
    table: dict[str, str] = {}
    pattern = _TABLE_PAREN_RE if body.lstrip().startswith("(") else _TABLE_BARE_RE
    matches = list(pattern.finditer(body))
    for idx, m in enumerate(matches):
        end = matches[idx + 1].start() if idx + 1 < len(matches) else len(body)
        text = body[m.end():end].strip().rstrip(",;").strip()
        if text:
            table[m.group(1)] = normalize_space(to_unicode(text))
    return table


def _looks_like_table(body: str) -> bool:
    body = body.strip()
    return bool(re.match(r"^\(\s*1\s*\)", body) or re.match(r"^1\s+\D", body))


def split_personal_name(name: str) -> tuple[str, str, str]:
    """'Floris van der Tak' → ('van der Tak', 'Floris', ''); 'John Smith Jr.' → ('Smith', 'John', 'Jr.')."""
    if "." in name:
        name = _GLUED_INITIAL_RE.sub(r"\1 ", name)
    tokens = name.replace(",", " ").split()
    suffix = ""
    while len(tokens) > 1 and tokens[-1].lower() in _SUFFIXES:
        suffix = _SUFFIXES[tokens.pop().lower()] if not suffix else suffix
    if not tokens:
        return "", "", suffix
    if len(tokens) == 1:
        return tokens[0], "", suffix
    start = len(tokens) - 1
    while start > 1 and (tokens[start - 1] in _PARTICLES or tokens[start - 1] in _CAP_PARTICLES):
        start -= 1
    return " ".join(tokens[start:]), " ".join(tokens[:start]), suffix


def _collaboration(raw: str, text: str, affiliation: str = "") -> AuthorName:
    name = _THE_RE.sub("", normalize_space(strip_format_chars(text))).strip(" :,;")
    return AuthorName(raw=raw, keyname=name, affiliation=affiliation, is_collaboration=True)


def _person(raw: str, text: str, affiliation: str) -> AuthorName:
    keyname, forenames, suffix = split_personal_name(strip_format_chars(text))
    return AuthorName(raw=raw, keyname=keyname, forenames=forenames, suffix=suffix, affiliation=affiliation)


def split_author_string(authors: str) -> list[AuthorName]:
    """Split a Kaggle/arXivRaw/Atom author string into authors, in byline order."""
    return _split(authors, _person)


def _unsplit_person(raw: str, text: str, affiliation: str) -> AuthorName:
    # For callers that take the names from elsewhere (authors_parsed) and need only the slots.
    return AuthorName(raw=raw, keyname=text, affiliation=affiliation)


# Anything _scan_top_level reads besides commas: a byline without any of these is a plain list of
# names separated by commas, with no affiliation, footnote table, math or braces.
_NOT_PLAIN_RE = re.compile(r"[\\$(){};&:]|(?<!\S)[aA][nN][dD](?!\S)")


def _split_plain(s: str, person) -> list[AuthorName] | None:
    """``_split`` of a plain comma-separated byline (see _NOT_PLAIN_RE), or None when one of its
    segments needs the general path: "et al.", a suffix ("Jr."), "for the"/"on behalf of".

    Most bylines are plain, and this is what the general path does with them (a person, or a
    collaboration, per comma segment) without its scan and segment bookkeeping: 18 against ~7 µs
    for a five-author byline.
    """
    names: list[AuthorName] = []
    for segment in s.split(","):
        raw = segment.strip()
        if not raw:
            continue
        name_text, low, collab = _segment_name(segment)
        if not name_text:
            continue
        if low in _SUFFIXES or "for" in low or "behalf" in low or ("et" in low and _ET_AL_RE.search(name_text)):
            return None
        names.append(_collaboration(raw, name_text) if collab else person(raw, name_text, ""))
    return names


def _split(authors: str, person) -> list[AuthorName]:
    if not authors or not authors.strip():
        return []
    if _NOT_PLAIN_RE.search(authors) is None:
        names = _split_plain(authors, person)
        if names is not None:
            return names
    s = authors
    seps, parens = _scan_top_level(s)

    # A trailing "((1) Harvard, (2) MIT)" block is a footnote table, not an affiliation.
    table: dict[str, str] = {}
    end = len(s.rstrip())
    if parens and parens[-1][1] >= end:
        p_start, p_end = parens[-1]
        body = s[p_start + 1:p_end - 1 if s[p_end - 1] == ")" else p_end]
        if _looks_like_table(body):
            table = _parse_footnote_table(body)
            end = p_start
            parens.pop()

    # "..., and J. Zanotti, for the RBC and UKQCD Collaborations": everything after a top-level
    # "for the" naming a collaboration is that one collaboration ("and" does not split it).
    trailing_collab = None
    for m in _FOR_THE_TOP_RE.finditer(s, 0, end):
        k = m.start()
        if any(p0 < k < p1 for p0, p1 in parens):
            continue
        if _COLLAB_END_RE.search(s, m.end(), end):
            trailing_collab = (k, m.end(), end)
            end = k
            break

    # Segments between top-level separators, with their parenthesised parts.
    names: list[AuthorName] = []
    starts: list[int] = []  # where each name's raw slice begins, to extend it for "Jr."
    pending_affiliation: list[int] = []  # indexes still waiting for a shared "(Aff)" after them
    seg_start = 0
    p_idx = 0
    boundaries = [sep for sep in seps if sep[1] <= end] + [(end, end)]
    for sep_start, sep_end in boundaries:
        seg_parens = []
        while p_idx < len(parens) and parens[p_idx][0] < sep_start:
            if parens[p_idx][0] >= seg_start:
                seg_parens.append(parens[p_idx])
            p_idx += 1
        before = len(names)
        _add_segment(s, seg_start, sep_start, seg_parens, table, names, starts, pending_affiliation, person,
                     colon=s[sep_start:sep_end] == ":")
        starts.extend([seg_start] * (len(names) - before))
        seg_start = sep_end
    if trailing_collab:
        k, name_start, stop = trailing_collab
        names.append(_collaboration(s[k:stop].strip(" ,;\n"), to_unicode(s[name_start:stop])))
    return names


# A name recurs on every paper of its author, written the same way: the segment text's
# conversion and the collaboration test (a regex search) are memoised (short segments only).
@short_memo(maxsize=100_000, max_chars=300)
def _segment_name(text: str) -> tuple[str, str, bool]:
    """A segment's name text (LaTeX → Unicode, spaces collapsed), the same lower-cased, and
    whether it names a collaboration."""
    name_text = normalize_space(to_unicode(text))
    return name_text, name_text.lower(), is_collaboration_name(name_text)


def _add_segment(s, start, end, seg_parens, table, names, starts, pending, make_person, colon):
    raw = s[start:end].strip()
    if not raw:
        return
    # Text outside the parentheses is the name; inside is affiliation or footnote markers.
    pieces, affs, last = [], [], start
    for p_start, p_end in seg_parens:
        pieces.append(s[last:p_start])
        body = s[p_start + 1:p_end - 1 if s[p_end - 1] == ")" else p_end].strip()
        if _MARKER_RE.match(body):
            affs.extend(table.get(k, "") for k in re.findall(r"\d+", body))
        elif body:
            affs.append(normalize_space(to_unicode(body)))
        last = p_end
    pieces.append(s[last:end])
    name_text, low, collab = _segment_name("".join(pieces))
    affiliation = "; ".join(a for a in dict.fromkeys(affs) if a) if affs else ""

    if not name_text:
        return
    if "et" in low and _ET_AL_RE.search(name_text):
        name_text = _ET_AL_RE.sub("", name_text).strip()
        if not name_text:
            # "et al. (MAGIC collaboration: 136 additional authors not shown)"
            if affiliation and is_collaboration_name(affiliation.split(":")[0]):
                names.append(_collaboration(raw, affiliation.split(":")[0]))
            return
        low, collab = name_text.lower(), is_collaboration_name(name_text)
    if low in _SUFFIXES and names and not names[-1].is_collaboration:
        # "John Smith, Jr." — the comma before the suffix is not an author boundary.
        prev = names[-1]
        prev.suffix = _SUFFIXES[low]
        prev.raw = s[starts[-1]:end].strip()
        return

    # "A. Smith for the LIGO Scientific Collaboration": the person, then the collaboration.
    m = _FOR_THE_RE.search(name_text) if ("for" in low or "behalf" in low) else None
    if m and is_collaboration_name(name_text[m.end():]):
        person, collab = name_text[:m.start()].strip(), name_text[m.end():]
        m_raw = _FOR_THE_RE.search(raw)
        raw_person, raw_collab = (raw[:m_raw.start()].strip(), raw[m_raw.start():].strip(" ,")) if m_raw else (raw, raw)
        if person:
            names.append(make_person(raw_person, person, affiliation))
        names.append(_collaboration(raw_collab, collab))
        pending.clear()
        return

    if colon or collab:
        # "The ATLAS Collaboration: G. Aad, ..." or a bare "BABAR Collaboration".
        names.append(_collaboration(raw, name_text, affiliation))
        pending.clear()
        return

    names.append(make_person(raw, name_text, affiliation))
    if affiliation:
        # arXiv convention: "A, B and C (Aff)" — a shared affiliation covers the
        # preceding authors that have none of their own.
        for idx in pending:
            names[idx].affiliation = affiliation
        pending.clear()
    else:
        pending.append(len(names) - 1)


# Memoised as the segment names above: the same author's entry recurs on each of their papers.
@short_memo(maxsize=100_000, max_chars=300, size=lambda keyname, forenames, suffix: len(keyname) + len(forenames) + len(suffix))
def _parsed_name(keyname: str, forenames: str, suffix: str) -> tuple[str, str, str]:
    """An ``authors_parsed`` entry's name parts, LaTeX converted and format characters removed."""
    if not _LATEX_OR_SPACE.isdisjoint(keyname + forenames + suffix):
        keyname, forenames, suffix = to_unicode(keyname), to_unicode(forenames), to_unicode(suffix)
    return strip_format_chars(keyname), strip_format_chars(forenames), strip_format_chars(suffix)


def from_authors_parsed(parsed: Sequence[Sequence[str]] | None, authors: str) -> list[AuthorName]:
    """Kaggle ``authors_parsed`` ([keyname, forenames, suffix, affiliation...]) with raw slices kept.

    arXiv's own split is trusted for names; the raw string of each slot comes from our split of
    ``authors``, aligned in order (by surname when the two splits disagree in length).
    """
    if not parsed:
        return split_author_string(authors or "")
    split = _split(authors or "", _unsplit_person)
    out: list[AuthorName] = []
    same_length = len(split) == len(parsed)
    cursor = 0
    for idx, entry in enumerate(parsed):
        keyname, forenames, suffix = _parsed_name(entry[0] if len(entry) > 0 else "",
                                                  entry[1] if len(entry) > 1 else "",
                                                  entry[2] if len(entry) > 2 else "")
        parsed_aff = normalize_space(to_unicode(", ".join(a for a in entry[3:] if a))) if len(entry) > 3 else ""
        match = None
        if same_length:
            match = split[idx]
        else:
            key = keyname.casefold()
            for j in range(cursor, len(split)):
                if key and key in split[j].keyname.casefold():  # the whole unsplit name here
                    match, cursor = split[j], j + 1
                    break
        if match is not None:
            raw = match.raw
            affiliation = match.affiliation or ("" if _MARKER_RE.match(parsed_aff) else parsed_aff)
            is_collab = match.is_collaboration or (not forenames and is_collaboration_name(keyname))
        else:
            raw = " ".join(p for p in (entry[1] if len(entry) > 1 else "", entry[0], suffix) if p)
            affiliation = "" if _MARKER_RE.match(parsed_aff) else parsed_aff
            is_collab = not forenames and is_collaboration_name(keyname)
        if is_collab:
            out.append(_collaboration(raw, " ".join(p for p in (forenames, keyname) if p), affiliation))
        else:
            out.append(AuthorName(raw=raw, keyname=keyname, forenames=forenames, suffix=suffix,
                                  affiliation=affiliation))
    return out


def from_keyname_forenames(keyname: str, forenames: str = "", suffix: str = "",
                           affiliations: Iterable[str] | str = ()) -> AuthorName:
    """One OAI arXiv ``<author>``: raw is the source parts joined as they read in a byline."""
    keyname = keyname or ""
    forenames = forenames or ""
    suffix = suffix or ""
    raw = " ".join(p for p in (forenames.strip(), keyname.strip(), suffix.strip()) if p)
    if isinstance(affiliations, str):
        affiliations = [affiliations]
    affiliation = "; ".join(dict.fromkeys(normalize_space(to_unicode(a)) for a in affiliations if a and a.strip()))
    key_u = normalize_space(strip_format_chars(to_unicode(keyname)))
    fore_u = normalize_space(strip_format_chars(to_unicode(forenames)))
    if not fore_u and is_collaboration_name(key_u):
        return _collaboration(raw, key_u, affiliation)
    return AuthorName(raw=raw, keyname=key_u, forenames=fore_u,
                      suffix=_SUFFIXES.get(suffix.strip().lower(), normalize_space(suffix)), affiliation=affiliation)
