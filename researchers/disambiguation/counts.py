"""Name counts for S2AND: how common a name is, which decides how readily namesakes are merged.

S2AND's features ask "how many people are called this?" through four dicts (first name, last
name, "first last", "last f"). Semantic Scholar ships counts over its whole corpus; we build
ours from our own bylines. A small corpus makes every name look rare, and the model then
merges namesakes (measured, /work/shared/notes/s2and.md: F1 0.841 with raw counts against
0.937 with counts scaled ×1000). So the counts are scaled toward the size of the author
population the model was trained on: ARXIV_AUTHOR_PRIOR bylines, about what the full arXiv
author table holds. Relative frequencies come from our data; the prior only sets the scale,
and it fades out as our own table grows toward that size.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

# ~2.5M distinct people over ~2.4M arXiv papers' ~10M bylines (2026); the scale our counts are
# lifted to, so that "seen once here" reads as "a few hundred people on arXiv".
ARXIV_AUTHOR_PRIOR = 10_000_000


def _normalize(text: str) -> str:
    from s2and.text import normalize_text

    return normalize_text(text or "")


def name_counts(names: Iterable[tuple[str, str, int]], *, prior: int = ARXIV_AUTHOR_PRIOR) -> dict:
    """The four S2AND count dicts from ``(forenames, surname, bylines)`` triples, scaled so the
    total reaches ``prior`` (never scaled down)."""
    first, last, first_last, last_fi = Counter(), Counter(), Counter(), Counter()
    total = 0
    for forenames, surname, n in names:
        f = _normalize(forenames).split()
        f0 = f[0] if f else ""
        s = _normalize(surname)
        if not s:
            continue
        total += n
        last[s] += n
        if f0:
            first[f0] += n
            first_last[f"{f0} {s}"] += n
            last_fi[f"{s} {f0[0]}"] += n
    scale = max(1.0, prior / total) if total else 1.0
    return {
        key: {name: max(1, round(count * scale)) for name, count in d.items()}
        for key, d in (("first_dict", first), ("last_dict", last), ("first_last_dict", first_last),
                       ("last_first_initial_dict", last_fi))
    }
