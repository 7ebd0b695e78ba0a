"""Name keys and slugs: the normalised forms the loader matches authors and institutions on.

Matching happens in SQL on these keys, so they must be computed exactly the same way for
a byline being imported and for the author record it should meet.
"""

from __future__ import annotations

import re
import unicodedata

from django.utils.text import slugify

_SPACES = re.compile(r"\s+")
# "J.-P." splits into J and P; "JP" stays one token, since it may be a short name.
_INITIAL_SPLIT = re.compile(r"[\s.\-]+")
# Characters that carry no identity in a name key: punctuation other than the hyphen
# and apostrophe inside names ("O'Brien", "Jean-Pierre").
_KEY_NOISE = re.compile(r"[^\w\s'\-]")

# Letters NFKD does not decompose but people spell both ways.
_EXTRA_FOLD = str.maketrans(
    {"ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ß": "ss", "æ": "ae", "Æ": "AE",
     "œ": "oe", "Œ": "OE", "ı": "i", "þ": "th", "Þ": "Th", "ð": "d", "Ð": "D"}
)


# Joiners that shape letters in Arabic, Persian and Indic names; elsewhere they are only invisible.
_JOINERS = frozenset("\u200c\u200d")
_JOINER_FREE_SCRIPTS = ("LATIN", "GREEK", "CYRILLIC")


def _script_letter(ch: str) -> bool:
    return ch.isalpha() and not unicodedata.name(ch, "").startswith(_JOINER_FREE_SCRIPTS)


def strip_format_chars(text: str, *, keep_joiners: bool = True) -> str:
    """Drop invisible Unicode format characters (category Cf: zero-width space, bidi marks, soft hyphen).

    "Ze\u200bchun Liu" must be "Zechun Liu", not a second record taking its slug. With
    `keep_joiners`, a ZWNJ/ZWJ between two letters of a script that uses them (Persian "می‌خواهم")
    stays, for display; keys drop them all.
    """
    if text.isascii():  # every Cf character is outside ASCII; most names stop here
        return text
    out = []
    for i, ch in enumerate(text):
        if unicodedata.category(ch) != "Cf":
            out.append(ch)
        elif keep_joiners and ch in _JOINERS and 0 < i < len(text) - 1 \
                and _script_letter(text[i - 1]) and _script_letter(text[i + 1]):
            out.append(ch)
    return "".join(out)


def confusable_letters(name: str) -> list[tuple[str, str, str]]:
    """Letters that make a mixed-script name look like another: [("Ζ", "GREEK", "Z")], else [].

    Keys keep scripts apart (a Greek Zeta is not a Latin Z: real Greek names must not merge into
    Latin ones), so a look-alike becomes its own record; this says which records to flag.
    """
    if name.isascii():
        return []
    from confusable_homoglyphs import confusables

    if not confusables.is_dangerous(name):
        return []
    found = confusables.is_confusable(name, greedy=True, preferred_aliases=["latin"]) or []
    return [(f["character"], f["alias"], f["homoglyphs"][0]["c"]) for f in found if f.get("homoglyphs")]


def fold(text: str) -> str:
    """Unicode-fold (NFKD, combining marks dropped, format characters removed) and case-fold,
    whitespace collapsed."""
    if text.isascii():  # most names: nothing to decompose
        return " ".join(text.split()).casefold()
    text = unicodedata.normalize("NFKD", strip_format_chars(text, keep_joiners=False).translate(_EXTRA_FOLD))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return _SPACES.sub(" ", text).strip().casefold()


def _key_part(text: str) -> str:
    return _SPACES.sub(" ", _KEY_NOISE.sub(" ", fold(text))).strip()


def is_initials_only(forenames: str) -> bool:
    """True for "J.", "J. R.", "J.-P.", "J R": forenames that are nothing but initials."""
    tokens = [t for t in _INITIAL_SPLIT.split(fold(forenames)) if t]
    return bool(tokens) and all(len(t) == 1 for t in tokens)


def name_key(keyname: str, forenames: str) -> str:
    """ "surname|forenames", folded: the exact-match key. Initials lose their dots so
    "J. R. Smith" and "J.R. Smith" meet."""
    fore = _key_part(forenames.replace(".", ". ").replace("-", " - "))
    fore = fore.replace(" - ", "-").replace(" -", "-").replace("- ", "-")
    return f"{_key_part(keyname)}|{fore}"[:300]


def initials_key(keyname: str, forenames: str) -> str:
    """ "surname|f": the weak key an initials-only byline may match on."""
    fore = _key_part(forenames)
    first = next((ch for ch in fore if ch.isalnum()), "")
    return f"{_key_part(keyname)}|{first}"[:220]


def display_name(keyname: str, forenames: str, suffix: str = "") -> str:
    """ "Forenames Surname[, Suffix]" as shown on a profile."""
    name = " ".join(p for p in (forenames.strip(), keyname.strip()) if p)
    if suffix:
        name = f"{name} {suffix.strip()}"
    return _SPACES.sub(" ", strip_format_chars(name)).strip()[:300]


_SLUG_DROP = re.compile(r"[^\w\s-]")
_SLUG_DASHES = re.compile(r"[-\s]+")


def ascii_slugify(value: str) -> str:
    """Exactly ``django.utils.text.slugify(value)`` for a str, without its lazy-text wrapper.

    The import computes one per byline and phrase, where the wrapper's cost showed in profiles;
    pure-ASCII text (most names) also skips the NFKD round trip, which leaves it unchanged.
    """
    if not value.isascii():
        value = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode("ascii")
    return _SLUG_DASHES.sub("-", _SLUG_DROP.sub("", value.lower())).strip("-_")


def slug_base(text: str, *, max_length: int = 300, fallback: str = "author") -> str:
    """An ASCII slug ("zechun-liu"); names in scripts slugify cannot transliterate keep
    their Unicode letters so they still get a readable slug."""
    slug = ascii_slugify(fold(text))
    if not slug:
        slug = slugify(text, allow_unicode=True)
    return (slug[:max_length].strip("-")) or fallback


def institution_key(affiliation: str) -> str:
    return _key_part(affiliation)[:500]
