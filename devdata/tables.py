"""Global name tables: every given name and surname once, in each written form.

Names are deduplicated on their accent- and case-folded spelling, so two people only share a
name when the generator decides they do (homonyms), never because "José" and "Jose" came from
two lists. Each name is kept as Unicode, ASCII and LaTeX (the forms arXiv bylines use), plus
its initials the way arXiv's ``authors_parsed`` writes them ("J.-P." becomes "J. -P.").
"""

from __future__ import annotations

import importlib
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from devdata.names import CULTURES

_LATEX = {
    "á": "\\'a", "é": "\\'e", "í": "\\'i", "ó": "\\'o", "ú": "\\'u", "ý": "\\'y", "ć": "\\'c", "ń": "\\'n",
    "ś": "\\'s", "ź": "\\'z", "Á": "\\'A", "É": "\\'E", "Í": "\\'I", "Ó": "\\'O", "Ú": "\\'U", "Ś": "\\'S",
    "à": "\\`a", "è": "\\`e", "ì": "\\`i", "ò": "\\`o", "ù": "\\`u", "È": "\\`E",
    "â": "\\^a", "ê": "\\^e", "î": "\\^i", "ô": "\\^o", "û": "\\^u",
    "ä": '\\"a', "ë": '\\"e', "ï": '\\"i', "ö": '\\"o', "ü": '\\"u', "Ä": '\\"A', "Ö": '\\"O', "Ü": '\\"U',
    "ã": "\\~a", "õ": "\\~o", "ñ": "\\~n", "Ñ": "\\~N",
    "ç": "\\c{c}", "Ç": "\\c{C}", "ş": "\\c{s}", "Ş": "\\c{S}",
    "č": "\\v{c}", "š": "\\v{s}", "ž": "\\v{z}", "ř": "\\v{r}", "ě": "\\v{e}", "ň": "\\v{n}", "ď": "\\v{d}",
    "ť": "\\v{t}", "Č": "\\v{C}", "Š": "\\v{S}", "Ž": "\\v{Z}", "Ř": "\\v{R}",
    "ő": "\\H{o}", "ű": "\\H{u}", "ů": "\\r{u}", "å": "\\aa{}", "Å": "\\AA{}",
    "ł": "\\l{}", "Ł": "\\L{}", "ø": "{\\o}", "Ø": "{\\O}", "ß": "{\\ss}", "æ": "{\\ae}",
    "ı": "{\\i}", "İ": "\\.I", "ğ": "\\u{g}", "ż": "\\.z", "ę": "\\k{e}", "ą": "\\k{a}",
    "đ": "{\\dj}", "Đ": "{\\DJ}", "ð": "{\\dh}", "Þ": "{\\TH}", "þ": "{\\th}",
}
# Faker's per-locale name lists (real census-style names) widen the Latin-script cultures: a
# million-author corpus needs millions of distinct names, more than hand-written lists give.
FAKER_LOCALES = {
    "en": ("en_US", "en_GB", "en_NZ"),
    "in": ("en_IN",),
    "de": ("de_DE", "de_AT", "de_CH"),
    "fr": ("fr_FR", "fr_CA"),
    "it": ("it_IT",),
    "es": ("es_ES", "es_MX", "es_CO"),
    "pt": ("pt_BR", "pt_PT"),
    "pl": ("pl_PL", "cs_CZ", "sk_SK", "hr_HR", "sl_SI"),
    "nordic": ("sv_SE", "da_DK", "no_NO", "fi_FI"),
    "hu": ("hu_HU",),
    "tr": ("tr_TR",),
    "nl": ("nl_NL",),
    "af": ("yo_NG", "tw_GH"),
    "ro-baltic": ("ro_RO", "lt_LT", "lv_LV", "et_EE"),
    "ru": ("ru_RU", "uk_UA"),  # Cyrillic, transliterated as arXiv bylines write them
}
_CYRILLIC = dict(zip(
    "абвгдеёжзийклмнопрстуфхцчшщъыьэюяіїєґ",
    ["a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "y", "k", "l", "m", "n", "o", "p", "r", "s", "t",
     "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "yu", "ya", "i", "yi", "ye", "g"],
))


def _translit(name: str) -> str:
    out = []
    for ch in name:
        low = ch.lower()
        if low in _CYRILLIC:
            rep = _CYRILLIC[low]
            out.append(rep.capitalize() if ch != low else rep)
        else:
            out.append(ch)
    return "".join(out)
_PLAIN_NAME = re.compile(r"^(?:(?:van|von|de|der|den|la|le|du|del|di|da|ten|ter) )*[A-ZÀ-ÞĀ-ž][\w'\-]*(?: [A-ZÀ-Þ][\w'\-]*)?$")


def _faker_names(locales: tuple[str, ...], attr: str) -> list[str]:
    out: list[str] = []
    for loc in locales:
        try:
            provider = importlib.import_module(f"faker.providers.person.{loc}").Provider
        except ImportError:
            continue
        names = getattr(provider, attr, ())
        for n in list(names):
            n = _translit(n.strip()).replace("'", "").replace("\u02bc", "")
            if 2 <= len(n) <= 22 and _PLAIN_NAME.match(n) and n.isascii() == to_ascii(n).isascii():
                out.append(n)
    return out


_ASCII_EXTRA = str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "ß": "ss", "æ": "ae", "ı": "i",
                              "đ": "d", "Đ": "D", "ð": "d", "Þ": "Th", "þ": "th"})


def to_ascii(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.translate(_ASCII_EXTRA))
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def to_latex(text: str) -> str:
    return "".join(_LATEX.get(ch, ch) for ch in text)


def initials(given: str) -> str:
    """ "Jean-Pierre" → "J.-P.", "Gian Marco" → "G. M.", "Zechun" → "Z."."""
    return " ".join("-".join(part[:1] + "." for part in token.split("-") if part) for token in given.split())


def parsed_initials(init: str) -> str:
    """arXiv's authors_parsed writes "J.-P." as "J. -P."."""
    return init.replace(".-", ". -")


@dataclass
class NameTables:
    # given names: Unicode, ASCII, LaTeX, initials (Unicode/ASCII), hyphenation variant
    first_uni: list[str] = field(default_factory=list)
    first_ascii: list[str] = field(default_factory=list)
    first_latex: list[str] = field(default_factory=list)
    first_accented: list[bool] = field(default_factory=list)
    first_alt: list[str] = field(default_factory=list)  # "Ze-Chun" for "Zechun", "" if none
    last_uni: list[str] = field(default_factory=list)
    last_ascii: list[str] = field(default_factory=list)
    last_latex: list[str] = field(default_factory=list)
    last_accented: list[bool] = field(default_factory=list)
    cultures: list[str] = field(default_factory=list)
    culture_weights: np.ndarray | None = None
    culture_mid_rate: np.ndarray | None = None
    culture_first: list[np.ndarray] = field(default_factory=list)
    culture_last: list[np.ndarray] = field(default_factory=list)
    culture_last_p: list[np.ndarray] = field(default_factory=list)


def _add(index: dict, uni: list, asc: list, lat: list, acc: list, name: str) -> int:
    key = to_ascii(name).casefold()
    got = index.get(key)
    if got is not None:
        return got
    index[key] = len(uni)
    uni.append(name)
    a = to_ascii(name)
    asc.append(a)
    lat.append(to_latex(name))
    acc.append(a != name)
    return index[key]


@lru_cache(maxsize=1)
def name_tables() -> NameTables:
    t = NameTables()
    first_index: dict[str, int] = {}
    last_index: dict[str, int] = {}
    alts: dict[int, str] = {}
    weights, mids = [], []
    cultures = dict(CULTURES)
    cultures["ro-baltic"] = {"weight": 2, "mid": 0.05, "surnames": [], "given": []}
    for code, spec in cultures.items():
        extra = FAKER_LOCALES.get(code, ())
        if extra:
            # Faker's Russian and Ukrainian given names include archaic church-calendar names
            # (Mokey, Avdey) that no byline has: only their surnames are used.
            given = list(spec["given"]) + ([] if code == "ru" else _faker_names(extra, "first_names"))
            spec = dict(spec, given=given, surnames=list(spec["surnames"]) + _faker_names(extra, "last_names"))
        t.cultures.append(code)
        weights.append(spec["weight"])
        mids.append(spec["mid"])
        given_ids = []
        if spec.get("given") is None:
            syl1, syl2 = spec["syl"]
            hyphen_first = code == "kr"  # Korean given names are usually written "Ji-Hoon"
            for s1 in syl1:
                if code == "cn":
                    given_ids.append(_add(first_index, t.first_uni, t.first_ascii, t.first_latex,
                                          t.first_accented, s1))
                for s2 in syl2:
                    joined, hyph = s1 + s2, f"{s1}-{s2.capitalize()}"
                    main, alt = (hyph, joined) if hyphen_first else (joined, hyph)
                    gid = _add(first_index, t.first_uni, t.first_ascii, t.first_latex, t.first_accented, main)
                    alts.setdefault(gid, alt)
                    given_ids.append(gid)
        else:
            for g in spec["given"]:
                given_ids.append(_add(first_index, t.first_uni, t.first_ascii, t.first_latex, t.first_accented, g))
        t.culture_first.append(np.unique(np.asarray(given_ids, dtype=np.int32)))
        last_ids = []
        for s in spec["surnames"]:
            lid = _add(last_index, t.last_uni, t.last_ascii, t.last_latex, t.last_accented, s)
            if lid not in last_ids:
                last_ids.append(lid)
        t.culture_last.append(np.asarray(last_ids, dtype=np.int32))
        # Surname lists run roughly from common to rare: a gentle Zipf makes "Wang" and "Smith"
        # frequent without starving the rest of the list.
        w = 1.0 / (np.arange(len(last_ids)) + 8.0) ** 0.9
        t.culture_last_p.append(w / w.sum())
    t.first_alt = [alts.get(i, "") for i in range(len(t.first_uni))]
    w = np.asarray(weights, dtype=float)
    t.culture_weights = w / w.sum()
    t.culture_mid_rate = np.asarray(mids, dtype=float)
    return t
