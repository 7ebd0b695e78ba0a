"""B3 evaluation of the engine (and of the old name-key matching) on a generated corpus.

``generate_corpus`` writes the truth (one person id per byline slot) next to the corpus; the
engine clusters the same slots the importer would and is scored by B3 over byline slots.
"""

from __future__ import annotations

import gzip
import json
from collections import Counter, defaultdict
from pathlib import Path

from papers.ingest import keys
from researchers.disambiguation.engine import MAX_BYLINE, Signature, split_forenames


def b3(predicted: dict, truth: dict) -> tuple[float, float, float]:
    """B3 precision, recall and F1 of ``predicted`` against ``truth`` (item → cluster label),
    over the items of ``truth``."""
    pred_sizes = Counter(predicted[i] for i in truth)
    true_sizes = Counter(truth.values())
    both = Counter((predicted[i], truth[i]) for i in truth)
    total = len(truth)
    if not total:
        return 1.0, 1.0, 1.0
    precision = sum(n * n / pred_sizes[p] for (p, _t), n in both.items()) / total
    recall = sum(n * n / true_sizes[t] for (_p, t), n in both.items()) / total
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def corpus_signatures(path: str | Path) -> tuple[list[Signature], dict[str, int], dict[str, str]]:
    """Signatures of a generated corpus, its truth (sid → person) and each sid's block key."""
    path = Path(path)
    truth_path = path.with_name(path.name.replace(".jsonl.gz", ".truth.jsonl.gz"))
    truth_rows = {}
    with gzip.open(truth_path, "rt") as fh:
        for line in fh:
            row = json.loads(line)
            truth_rows[row["id"]] = row["persons"]
    sigs, truth, blocks = [], {}, {}
    with gzip.open(path, "rt") as fh:
        for line in fh:
            rec = json.loads(line)
            parsed = rec["authors_parsed"]
            # As the pipeline reads them (selectors.blocks_for_keys): bylines cut at MAX_BYLINE.
            byline = [keys.display_name(a[0], a[1]) for a in parsed[:MAX_BYLINE]]
            persons = truth_rows[rec["id"]]
            cats = rec.get("categories") or ""
            year = int(rec["versions"][0]["created"].split()[3]) if rec.get("versions") else None
            for pos, a in enumerate(parsed):
                if persons[pos] < 0:  # a collaboration: not a person
                    continue
                first, middle = split_forenames(a[1])
                sid = f"{rec['id']}:{pos}"
                sigs.append(Signature(sid=sid, paper_id=rec["id"], position=min(pos, MAX_BYLINE), first=first, middle=middle,
                                      last=a[0], suffix=a[2] if len(a) > 2 else "",
                                      # The loader keeps a byline's affiliation (authors_parsed[3]), and
                                      # the pipeline hands it to the model: so does the evaluation.
                                      affiliation=a[3] if len(a) > 3 and a[3] else "", byline=byline,
                                      title=rec.get("title") or "", abstract=rec.get("abstract") or "",
                                      categories=cats, journal=rec.get("journal-ref") or "", year=year))
                truth[sid] = persons[pos]
                blocks[sid] = keys.initials_key(a[0], a[1])
    return sigs, truth, blocks


def name_key_clusters(sigs: list[Signature]) -> dict[str, str]:
    """The old matching, as the loader does it: one record per name key; an initials-only byline
    joins the one full-name record of its surname and initial when there is exactly one."""
    by_key = {s.sid: keys.name_key(s.last, f"{s.first} {s.middle}".strip()) for s in sigs}
    full_by_initials = defaultdict(set)
    for s in sigs:
        fore = f"{s.first} {s.middle}".strip()
        if not keys.is_initials_only(fore):
            full_by_initials[keys.initials_key(s.last, fore)].add(by_key[s.sid])
    out = {}
    for s in sigs:
        fore = f"{s.first} {s.middle}".strip()
        key = by_key[s.sid]
        if keys.is_initials_only(fore):
            cands = full_by_initials.get(keys.initials_key(s.last, fore), set())
            if len(cands) == 1:
                key = next(iter(cands))
        out[s.sid] = key
    return out
