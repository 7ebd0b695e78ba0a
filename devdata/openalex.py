"""OpenAlex-shaped works for a synthetic corpus: what an OpenAlex snapshot would say about it.

For every paper of a generated Kaggle corpus, one arXiv work (DataCite DOI 10.48550/arXiv.<id>,
an arxiv.org location) whose references point at earlier papers of the same corpus, older
papers drawn more often so citation counts are heavy-tailed; cited_by_count is the in-corpus
citations plus some from outside, with counts_by_year by the citing paper's year. Papers with
a journal DOI also get their published version as a second work (matched by DOI, as OpenAlex
has them), which some citing papers reference instead of the preprint.

Written as snapshot-style gzip JSON lines, deterministic for a seed; memory is a few arrays
of the corpus size plus one rendered chunk.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import numpy as np

PREPRINT_BASE = 4_000_000_000
PUBLISHED_BASE = 5_000_000_000
MEAN_REFERENCES = 12
EXTERNAL_MEAN = 2.0  # citations from works outside the corpus
CHUNK = 20_000


def _read_corpus(path: Path) -> tuple[list[str], np.ndarray, list[str | None], list[str]]:
    ids, years, dois, titles = [], [], [], []
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            ids.append(rec["id"])
            created = (rec.get("versions") or [{}])[0].get("created") or ""
            year = int(created.split()[3]) if len(created.split()) > 3 else int((rec.get("update_date") or "2000")[:4])
            years.append(year)
            dois.append(rec.get("doi"))
            titles.append(" ".join((rec.get("title") or "").split()))
    return ids, np.asarray(years, np.int32), dois, titles


def write_openalex_works(corpus: str | Path, out: str | Path, *, seed: int = 1, compresslevel: int = 1) -> dict:
    """Write the works of ``corpus`` to ``out`` (gzip JSON lines); returns counts."""
    corpus, out = Path(corpus), Path(out)
    ids, years, dois, titles = _read_corpus(corpus)
    n = len(ids)
    rng = np.random.default_rng(seed)
    # Papers are in submission order; each cites earlier ones, older ones more often (u**2).
    n_refs = rng.integers(0, 2 * MEAN_REFERENCES + 1, n)
    n_refs[0] = 0
    citing = np.repeat(np.arange(n, dtype=np.int64), n_refs)
    cited = np.floor(citing * rng.random(citing.size) ** 2).astype(np.int64)
    keep = cited < citing
    pairs = np.unique(citing[keep] * n + cited[keep])
    citing, cited = pairs // n, pairs % n
    # A DOI two papers of the corpus share matches neither (papers.impact.store): no published work for them.
    doi_count: dict[str, int] = {}
    for d in dois:
        if d:
            doi_count[d.lower()] = doi_count.get(d.lower(), 0) + 1
    has_doi = np.array([bool(d) and doi_count[d.lower()] == 1 for d in dois])
    # A third of the citations of a published paper point at its published version instead.
    to_published = has_doi[cited] & (rng.random(cited.size) < 0.33)
    external = rng.poisson(EXTERNAL_MEAN, n)
    # Both versions of a citing paper list its references, and OpenAlex counts each of them.
    weight = 1 + has_doi[citing].astype(np.int64)
    n_pre = np.bincount(cited[~to_published], weights=weight[~to_published], minlength=n).astype(np.int64) + external
    n_pub = np.bincount(cited[to_published], weights=weight[to_published], minlength=n).astype(np.int64)
    # Counts by year, per (cited work, citing year).
    year0 = int(years.min()) if n else 2000
    span = int(years.max()) - year0 + 1 if n else 1
    by_year_key = (cited * 2 + to_published) * span + (years[citing] - year0)
    keys, inverse = np.unique(by_year_key, return_inverse=True)
    counts = np.bincount(inverse, weights=weight, minlength=keys.size).astype(np.int64)
    ref_start = np.searchsorted(citing, np.arange(n + 1))
    key_start = np.searchsorted(keys // span, np.arange(2 * n + 1))
    works = published = 0
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "wb") as fh:
        for lo in range(0, n, CHUNK):
            lines = []
            for i in range(lo, min(n, lo + CHUNK)):
                refs = [f"https://openalex.org/W{(PUBLISHED_BASE if pub else PREPRINT_BASE) + int(j)}"
                        for j, pub in zip(cited[ref_start[i]:ref_start[i + 1]].tolist(),
                                          to_published[ref_start[i]:ref_start[i + 1]].tolist(), strict=True)]
                for version in (0, 1) if has_doi[i] else (0,):
                    k0, k1 = key_start[2 * i + version], key_start[2 * i + version + 1]
                    cby = [{"year": year0 + int(k % span), "cited_by_count": int(c)}
                           for k, c in zip(keys[k0:k1].tolist(), counts[k0:k1].tolist(), strict=True)]
                    if version == 0:
                        doi, wid, total = f"10.48550/arxiv.{ids[i]}", PREPRINT_BASE + i, int(n_pre[i])
                        locations = [{"landing_page_url": f"https://arxiv.org/abs/{ids[i]}", "pdf_url": None,
                                      "source": {"display_name": "arXiv (Cornell University)", "type": "repository"}}]
                        kind = "preprint"
                    else:
                        doi, wid, total = dois[i].lower(), PUBLISHED_BASE + i, int(n_pub[i])
                        locations = [{"landing_page_url": f"https://doi.org/{doi}", "pdf_url": None}]
                        kind = "article"
                        published += 1
                    lines.append(json.dumps({
                        "id": f"https://openalex.org/W{wid}", "doi": f"https://doi.org/{doi}", "title": titles[i],
                        "publication_year": int(years[i]), "type": kind,
                        "ids": {"openalex": f"https://openalex.org/W{wid}", "doi": f"https://doi.org/{doi}"},
                        "locations": locations, "cited_by_count": total,
                        "counts_by_year": sorted(cby, key=lambda r: -r["year"]),
                        # The published version lists the same references as the preprint.
                        "referenced_works": refs,
                    }, separators=(",", ":")))
                    works += 1
            fh.write(gzip.compress(("\n".join(lines) + "\n").encode(), compresslevel=compresslevel, mtime=0))
    # What BZPEER should show once both versions are summed and seen double citations removed.
    expected = int(citing.size + external.sum())
    return {"papers": n, "works": works, "published_versions": published, "references": int(citing.size),
            "expected_citations": expected}
