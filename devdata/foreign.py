"""A corpus of another shape than ours: the "foreign" profile of ``generate_corpus --shape foreign``.

Issue 20 measured ``import_arxiv`` on a Kaggle-format corpus that another generator made, and
it ran 7 times slower relative to ``COPY`` than on our own corpus. This writer reproduces that
shape, deliberately unlike ``world``/``corpus`` (no Lotka productivity, no real words, no name
variants), so the loader is measured on data it was not tuned to:

- 3-8 authors a paper, drawn without replacement with Zipf weights (1/rank) from one research
  community of 200 people; communities × 200 ≈ papers / 2 people, so ~50k at 100k papers;
- names made of random syllables, so nearly every person's name is distinct;
- titles of 9 words and abstracts of ~170 words (~1.2 KB) drawn with Zipf weights from an
  8,000-word vocabulary of made-up words, in sentences of 12-22 words;
- 10 categories, 40% of papers with a second one.

Same file formats as ``corpus`` (14 Kaggle fields, truth and persons sidecars), deterministic
for a seed; written in one process (100k papers take about a minute).
"""

from __future__ import annotations

import gzip
import json
import time
from pathlib import Path

import numpy as np

from devdata.corpus import CorpusStats, arxiv_ids, sidecar_paths

COMMUNITY_SIZE = 200
PEOPLE_PER_PAPER = 0.5
VOCABULARY = 8000
TITLE_WORDS = 9
ABSTRACT_WORDS = (150, 190)
CATEGORIES = ("cs.LG", "cs.CV", "cs.CL", "math.PR", "math.OC", "stat.ML", "quant-ph", "hep-th", "q-bio.NC",
              "econ.EM")
_ONSETS = ("b", "c", "d", "f", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "br", "cr", "dr", "gr",
           "pl", "st", "tr", "sh", "ch", "th", "kl", "fr", "sk", "sp")
_VOWELS = ("a", "e", "i", "o", "u", "ai", "ea", "ou", "io", "y")
_CODAS = ("", "", "", "n", "r", "s", "l", "m", "x", "nd", "rt", "st")
_T0 = 1262304000  # 2010-01-01
_T1 = 1767225600  # 2026-01-01


def _made_up(rng: np.random.Generator, n: int, syllables: tuple[int, int], seen: set[str]) -> list[str]:
    """``n`` distinct made-up words of ``syllables`` (min, max) syllables, none already in ``seen``."""
    out: list[str] = []
    while len(out) < n:
        k = int(rng.integers(syllables[0], syllables[1] + 1))
        parts = [_ONSETS[int(rng.integers(len(_ONSETS)))] + _VOWELS[int(rng.integers(len(_VOWELS)))]
                 for _ in range(k)]
        word = "".join(parts) + _CODAS[int(rng.integers(len(_CODAS)))]
        if word not in seen:
            seen.add(word)
            out.append(word)
    return out


def _zipf(n: int) -> np.ndarray:
    w = 1.0 / np.arange(1, n + 1)
    return w / w.sum()


def generate_foreign_corpus(out: str | Path, *, papers: int, seed: int = 1, compresslevel: int = 1,
                            progress=None) -> CorpusStats:
    """Write ``papers`` papers of the foreign shape to ``out`` (gzip when it ends in .gz) plus sidecars."""
    if papers < 1:
        raise ValueError("papers must be at least 1")
    t0 = time.perf_counter()
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    truth_path, persons_path = sidecar_paths(out)
    rng = np.random.default_rng([seed, 20])
    seen: set[str] = set()
    words = _made_up(rng, VOCABULARY, (1, 3), seen)
    n_comms = max(1, round(papers * PEOPLE_PER_PAPER / COMMUNITY_SIZE))
    n_people = n_comms * COMMUNITY_SIZE
    firsts = [w.capitalize() for w in _made_up(rng, 2000, (2, 3), seen)]
    lasts = [w.capitalize() for w in _made_up(rng, max(2000, n_people // 2), (2, 4), seen)]
    p_first = rng.integers(0, len(firsts), n_people)
    p_last = rng.integers(0, len(lasts), n_people)
    # Random pairs of 2,000 given names and ~25k surnames: a few people share a name, as in life.
    name_id = p_first * len(lasts) + p_last
    _ids, inverse, counts = np.unique(name_id, return_inverse=True, return_counts=True)
    homonym = counts[inverse] > 1
    word_p = _zipf(VOCABULARY)
    member_p = _zipf(COMMUNITY_SIZE)
    ts = np.sort(rng.integers(_T0, _T1, papers))
    ids = arxiv_ids(ts)
    opener = gzip.open if out.name.endswith(".gz") else open
    st = CorpusStats()
    appear = np.zeros(n_people, np.int64)
    bylines: list[tuple[int, ...]] = []  # for the hub's coauthor count
    dumps = json.JSONEncoder(separators=(",", ":")).encode
    with opener(out, "wb", compresslevel=compresslevel) as f_out, \
            gzip.open(truth_path, "wb", compresslevel=compresslevel) as f_truth:
        step = 2000
        for lo in range(0, papers, step):
            hi = min(papers, lo + step)
            lines, truth = [], []
            for i in range(lo, hi):
                comm = int(rng.integers(n_comms))
                k = int(rng.integers(3, 9))
                members = rng.choice(COMMUNITY_SIZE, size=k, replace=False, p=member_p)
                pids = (comm * COMMUNITY_SIZE + members).tolist()
                appear[pids] += 1
                bylines.append(tuple(pids))
                parsed = [[lasts[p_last[p]], firsts[p_first[p]], ""] for p in pids]
                names = [f"{fn} {ln}" for ln, fn, _ in parsed]
                title_words = [words[j] for j in rng.choice(VOCABULARY, TITLE_WORDS, p=word_p)]
                n_abs = int(rng.integers(*ABSTRACT_WORDS))
                abs_words = [words[j] for j in rng.choice(VOCABULARY, n_abs, p=word_p)]
                sentences, pos = [], 0
                while pos < n_abs:
                    ln = int(rng.integers(12, 23))
                    sentences.append(" ".join(abs_words[pos: pos + ln]).capitalize() + ".")
                    pos += ln
                cats = [CATEGORIES[int(rng.integers(len(CATEGORIES)))]]
                if rng.random() < 0.4:
                    cats.append(CATEGORIES[(CATEGORIES.index(cats[0]) + 1 + int(rng.integers(9))) % 10])
                t = time.gmtime(int(ts[i]))
                rec = {
                    "id": ids[i], "submitter": names[0], "authors": ", ".join(names),
                    "title": " ".join(title_words).capitalize(), "comments": None, "journal-ref": None,
                    "doi": None, "report-no": None, "categories": " ".join(cats), "license": None,
                    "abstract": " " + " ".join(sentences) + "\n",
                    "versions": [{"version": "v1", "created": time.strftime("%a, %-d %b %Y %H:%M:%S GMT", t)}],
                    "update_date": time.strftime("%Y-%m-%d", t), "authors_parsed": parsed,
                }
                lines.append(dumps(rec))
                truth.append(dumps({"id": ids[i], "persons": pids}))
                st.authorships += k
                st.max_authors = max(st.max_authors, k)
            f_out.write(("\n".join(lines) + "\n").encode())
            f_truth.write(("\n".join(truth) + "\n").encode())
            st.papers = hi
            if progress:
                progress(hi, papers)
    with gzip.open(persons_path, "wb", compresslevel=compresslevel) as f_persons:
        for lo in range(0, n_people, 50_000):
            f_persons.write("".join(
                dumps({"pid": p, "keyname": lasts[p_last[p]], "forenames": firsts[p_first[p]], "suffix": "",
                       "community": p // COMMUNITY_SIZE, "field": "foreign", "papers": int(appear[p]),
                       "homonym": bool(homonym[p])}) + "\n"
                for p in range(lo, min(n_people, lo + 50_000))
            ).encode())
    st.persons = n_people
    st.persons_with_papers = int((appear > 0).sum())
    st.homonym_persons = int((homonym & (appear > 0)).sum())
    st.hub_pid = int(np.argmax(appear))
    st.hub_papers = int(appear[st.hub_pid])
    st.hub_coauthors = len({p for pids in bylines if st.hub_pid in pids for p in pids} - {st.hub_pid})
    st.seconds = time.perf_counter() - t0
    st.paths = {"corpus": str(out), "truth": str(truth_path), "persons": str(persons_path)}
    return st
