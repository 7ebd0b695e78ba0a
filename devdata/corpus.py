"""Write a synthetic world as a Kaggle ``arxiv-metadata-oai-snapshot`` file plus sidecars.

The paper file has exactly the 14 fields of the real snapshot, in the same order and the
same encoding (compact JSON, ASCII-escaped, authors string wrapped like arXiv's with
"\\n  ", LaTeX accents in the authors string but Unicode in ``authors_parsed``).

Sidecars, next to the paper file:
- ``<base>.truth.jsonl.gz``: ``{"id": arxiv_id, "persons": [pid, ...]}`` per paper, one pid per
  ``authors_parsed`` entry in byline order; a collaboration entry gets ``-1 - k``.
- ``<base>.persons.jsonl.gz``: every person's canonical name, community and field, and whether
  another person shares the exact name.

Speed: papers are rendered in chunks of 2000 whose random draws come from one numpy call each,
seeded by (seed, chunk start), so chunks are independent: forked workers render and gzip them
in parallel and the parent writes them in order, one gzip member per chunk (a multi-member
gzip file reads as one stream). Output is byte-identical for a given seed whatever the
number of workers (gzip mtime fixed at 0).
"""

from __future__ import annotations

import gzip
import multiprocessing
import os
from array import array
import json
import math
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from devdata import vocab
from devdata.names import INSTITUTIONS
from devdata.tables import initials, name_tables, to_ascii, to_latex
from devdata.world import ALPHABET, T1, World, build_world

CHUNK = 2000
_WD = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MON = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_SUFFIX = ("", "Jr.", "II", "III")
_WRAP = re.compile(r"(.{1,79})(?: +|$)")
_WRAP_AUTHORS = re.compile(r"(.{1,72})(?: +|$)")
_ACR_PREFIX = ("", "", "", "Ada", "Bi", "Q", "Meta", "Flex", "Sparse", "Fast", "Uni", "Dyna", "Auto", "Omni", "Neo",
               "Eff", "Tiny", "Deep", "Hyper", "Mo")
_ACR_SUFFIX = ("", "", "-Net", "Former", "++", "-X", "Lite", "-v2", "Bench", "Flow", "GPT", "Fusion")
_CODE_HOSTS = ("https://github.com", "https://github.com", "https://github.com", "https://github.com",
               "https://gitlab.com")


def sidecar_paths(out: str | Path) -> tuple[Path, Path]:
    """Truth and persons sidecar paths for a corpus file ``out``."""
    out = Path(out)
    name = out.name
    for ext in (".gz", ".jsonl", ".json"):
        if name.endswith(ext):
            name = name[: -len(ext)]
    return out.with_name(name + ".truth.jsonl.gz"), out.with_name(name + ".persons.jsonl.gz")


def _fmt_created(ts: int) -> str:
    t = time.gmtime(ts)
    return (f"{_WD[t.tm_wday]}, {t.tm_mday} {_MON[t.tm_mon - 1]} {t.tm_year} "
            f"{t.tm_hour:02d}:{t.tm_min:02d}:{t.tm_sec:02d} GMT")


def _fmt_day(ts: int) -> str:
    t = time.gmtime(ts)
    return f"{t.tm_year:04d}-{t.tm_mon:02d}-{t.tm_mday:02d}"


def _wrap_authors(s: str) -> str:
    if len(s) <= 72:
        return s
    return "\n  ".join(_WRAP_AUTHORS.findall(s)).rstrip()


def _wrap_title(s: str) -> str:
    if len(s) <= 72:
        return s
    return "\n  ".join(_WRAP_AUTHORS.findall(s)).rstrip()


def _wrap_abstract(s: str) -> str:
    return "  " + "\n".join(_WRAP.findall(s)).rstrip() + "\n"


def _cap(s: str) -> str:
    return s[:1].upper() + s[1:]


def _title_case(s: str) -> str:
    return " ".join(w[:1].upper() + w[1:] if len(w) > 3 and w[:1].islower() and "$" not in w else w
                    for w in s.split(" "))


@dataclass
class CorpusStats:
    papers: int = 0
    authorships: int = 0
    persons: int = 0
    persons_with_papers: int = 0
    homonym_persons: int = 0
    collaboration_papers: int = 0
    max_authors: int = 0
    variant_authorships: int = 0
    initials_authorships: int = 0
    latex_authorships: int = 0
    with_code: int = 0
    with_doi: int = 0
    with_journal_ref: int = 0
    multi_version: int = 0
    hub_pid: int = -1
    hub_papers: int = 0
    hub_coauthors: int = 0
    seconds: float = 0.0
    paths: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


class _Renderer:
    """Turns one world paper into (Kaggle JSON line, truth line)."""

    def __init__(self, world: World, seed: int):
        self.w = world
        self.seed = seed
        self.t = name_tables()
        t = self.t
        # Given-name forms, indexed by global id.
        self.f_uni = t.first_uni
        self.f_ascii = t.first_ascii
        self.f_latex = t.first_latex
        self.f_acc = t.first_accented
        self.f_alt = t.first_alt
        self.f_init = [initials(n) for n in t.first_uni]
        self.f_init_ascii = [to_ascii(i) for i in self.f_init]
        self.f_alt_init = [initials(a) if a else "" for a in t.first_alt]
        self.l_uni = t.last_uni
        self.l_ascii = t.last_ascii
        self.l_latex = t.last_latex
        self.l_acc = t.last_accented
        # Per-person columns as Python lists: indexing lists is much cheaper than numpy scalars.
        # Per-person columns as array.array: indexing is as cheap as a list's, at 4 bytes a person.
        self.p_first = array("i", world.first.astype(np.int32).tobytes())
        self.p_mid = array("b", world.mid.astype(np.int8).tobytes())
        self.p_last = array("i", world.last.astype(np.int32).tobytes())
        self.p_suffix = array("b", world.suffix.astype(np.int8).tobytes())
        self.p_count = array("i", world.count.astype(np.int32).tobytes())
        self.slot_person = world.slot_person
        self.comm_field = world.comm_field.tolist()
        self.comm_cat = world.comm_cat.tolist()
        self.comm_inst = world.comm_inst.tolist()
        self.comm_phrases = [p.tolist() for p in world.comm_phrases]
        self.fields = vocab.FIELDS
        self.collabs = vocab.COLLABORATIONS
        self.rosters = world.rosters
        self.collab_members: dict[int, list[int]] = {}  # paper index → members, for hub stats
        self.stats = CorpusStats()
        self.name_counts = [0, 0, 0]
        self.name = self._make_namer()
        # Per field: acronym stems of its phrases and the cross-list candidates of each primary.
        self.acr_stem = []
        self.cross = []
        for F in self.fields:
            stems = []
            for ph in F["phrases"]:
                words = [wd for wd in re.split(r"[\s\-/]+", ph) if wd[:1].isalpha()]
                stem = "".join(wd[0].upper() for wd in words[:3])
                stems.append(stem if len(stem) > 1 else words[0][:4].capitalize())
            self.acr_stem.append(stems)
            self.cross.append({p: [x for x in F["cross"] + F["cats"] if x != p] for p in F["cats"]})
        self.field_index = {F["key"]: i for i, F in enumerate(self.fields)}

    # -- names --------------------------------------------------------------------------
    def _make_namer(self):
        """One authorship → (byline string, authors_parsed entry). A closure over local lists:
        this runs ~5 million times for a 1M-paper corpus."""
        p_first, p_mid, p_last, p_suffix = self.p_first, self.p_mid, self.p_last, self.p_suffix
        f_uni, f_ascii, f_acc, f_alt = self.f_uni, self.f_ascii, self.f_acc, self.f_alt
        f_init, f_init_ascii, f_alt_init = self.f_init, self.f_init_ascii, self.f_alt_init
        l_uni, l_ascii, l_latex, l_acc = self.l_uni, self.l_ascii, self.l_latex, self.l_acc
        mids = [""] + [f" {a}." for a in ALPHABET]
        counts = self.name_counts  # [initials, variants, latex]

        def name(pid, initials_only, u, u2, u3, inst):
            f = p_first[pid]
            last = p_last[pid]
            m = p_mid[pid]
            alt = f_alt[f] if (u2 < 0.10 and f_alt[f]) else ""
            mode = 0
            if f_acc[f] or l_acc[last]:
                mode = 0 if u3 < 0.55 else (1 if u3 < 0.8 else 2)
            if initials_only or u < 0.04:
                counts[0] += 1
                fore = f_alt_init[f] if alt else (f_init_ascii[f] if mode == 1 else f_init[f])
                fore_p = fore.replace(".-", ". -")
                fore_s = to_latex(fore) if mode == 2 else fore
            else:
                fore_p = alt or (f_ascii[f] if mode == 1 else f_uni[f])
                fore_s = to_latex(fore_p) if mode == 2 else fore_p
            if alt or mode:
                counts[1] += 1
            if m:
                if u2 < 0.92:  # the middle initial is sometimes left out
                    fore_s += mids[m]
                    fore_p += mids[m]
                else:
                    counts[1] += 1
            if mode == 0:
                sur_p = sur_s = l_uni[last]
            elif mode == 1:
                sur_p = sur_s = l_ascii[last]
            else:
                counts[2] += 1
                sur_p, sur_s = l_uni[last], l_latex[last]
            sfx = _SUFFIX[p_suffix[pid]]
            s = f"{fore_s} {sur_s}"
            if sfx:
                s = f"{s} {sfx}" if sfx != "Jr." or u3 < 0.5 else f"{s}, Jr."
            if inst:
                return f"{s} ({inst})", [sur_p, fore_p, sfx, inst]
            return s, [sur_p, fore_p, sfx]

        return name

    def canonical(self, pid: int) -> tuple[str, str, str]:
        f, m = self.p_first[pid], self.p_mid[pid]
        fore = self.f_uni[f] + (f" {ALPHABET[m - 1]}." if m else "")
        return self.l_uni[self.p_last[pid]], fore, _SUFFIX[self.p_suffix[pid]]

    # -- one chunk -------------------------------------------------------------------------
    def render_chunk(self, lo: int, hi: int, ids: list[str]) -> tuple[bytes, bytes]:
        w = self.w
        n = hi - lo
        rng = np.random.default_rng([self.seed, 7, lo])
        U = rng.random((n, 32)).tolist()
        R = rng.integers(0, 1 << 30, (n, 24)).tolist()
        comms = w.paper_comm[lo:hi].tolist()
        starts = w.paper_start[lo:hi].tolist()
        lens = w.paper_len[lo:hi].tolist()
        tss = w.paper_ts[lo:hi].tolist()
        n_auth = sum(lens) + sum(len(self.rosters[-1 - c]) for c in comms if c < 0)
        UA = rng.random(3 * n_auth + 8).tolist()
        ua = 0
        out = []
        truth = []
        dumps = json.JSONEncoder(separators=(",", ":")).encode
        self.stats = st = CorpusStats()
        self.name_counts[:] = [0, 0, 0]
        self.collab_members = {}
        name = self.name
        for i in range(n):
            c = comms[i]
            u = U[i]
            r = R[i]
            ts = tss[i]
            year = time.gmtime(ts).tm_year
            if c >= 0:
                fi = self.comm_field[c]
                F = self.fields[fi]
                pids = self.slot_person[starts[i]: starts[i] + lens[i]].tolist()
                order = F["order"]
                if order == "alpha" and u[20] < 0.85:
                    pids.sort(key=lambda p: self.l_ascii[self.p_last[p]])
                elif order == "pi_last" and len(pids) > 2 and u[20] < 0.7:
                    senior = max(pids, key=lambda p: self.p_count[p])
                    pids.remove(senior)
                    pids.append(senior)
                initials_only = u[0] < F["initials"]
                inst_mode = u[1] < 0.07
                names, parsed = [], []
                home = INSTITUTIONS[self.comm_inst[c] % len(INSTITUTIONS)]
                for pid in pids:
                    inst = ""
                    if inst_mode:
                        inst = home if UA[ua] < 0.7 else INSTITUTIONS[int(UA[ua + 1] * 1e6) % len(INSTITUTIONS)]
                    s, p = name(pid, initials_only, UA[ua], UA[ua + 1], UA[ua + 2], inst)
                    ua += 3
                    names.append(s)
                    parsed.append(p)
                if len(names) > 1 and u[2] < 0.55:
                    authors = ", ".join(names[:-1]) + " and " + names[-1]
                else:
                    authors = ", ".join(names)
                truth_ids = pids
                phr = self.comm_phrases[c]
                cats = F["cats"]
                primary = cats[self.comm_cat[c]]
            else:
                k = -1 - c
                cname, fkey, _ = self.collabs[k]
                fi = self.field_index[fkey]
                F = self.fields[fi]
                roster = self.rosters[k].tolist()
                style = u[3]
                if style < 0.1:
                    members = []
                else:
                    members = [p for j, p in enumerate(roster) if UA[ua + j] < 0.88]
                ua += len(roster)
                self.collab_members[lo + i] = members
                names, parsed = [], []
                for pid in members:
                    s, p = name(pid, True, 1.0, UA[ua % len(UA)], 0.0, "")
                    names.append(s)
                    parsed.append(p)
                the = "The " if u[4] < 0.5 else ""
                if style < 0.1:
                    authors, centry, cpos = cname, cname, 0
                elif style < 0.55:
                    centry, cpos = f"{the}{cname}", 0
                    authors = f"{centry}: " + ", ".join(names)
                elif style < 0.8:
                    centry, cpos = f"{the}{cname}", 0
                    authors = f"{centry}, " + ", ".join(names)
                else:
                    centry, cpos = f"for the {cname}", len(names)
                    authors = ", ".join(names) + f", {centry}"
                parsed.insert(cpos, [centry, "", ""])
                truth_ids = members[:cpos] + [c] + members[cpos:]
                st.collaboration_papers += 1
                phr = list(range(len(F["phrases"])))
                primary = F["cats"][0]
                pids = members
            st.authorships += len(truth_ids)
            if len(truth_ids) > st.max_authors:
                st.max_authors = len(truth_ids)

            # -- text --------------------------------------------------------------------
            kind = F["kind"]
            phrases = F["phrases"]
            core = phr[: 3]
            i1 = core[r[0] % len(core)] if u[5] < 0.7 else phr[r[0] % len(phr)]
            p1 = phrases[i1]
            p2 = phrases[phr[r[1] % len(phr)]]
            p3 = phrases[phr[r[2] % len(phr)]]
            if p2 == p1:
                p2 = phrases[phr[(r[1] + 1) % len(phr)]]
            meths = F["methods"]
            data = F["data"]
            acr = _ACR_PREFIX[r[3] % len(_ACR_PREFIX)] + self.acr_stem[fi][i1] + _ACR_SUFFIX[r[4] % len(_ACR_SUFFIX)]
            slots = {
                "p1": p1, "p2": p2, "p3": p3, "P1": _cap(p1), "m": meths[r[5] % len(meths)],
                "d": data[r[6] % len(data)], "a": vocab.ADJ[r[7] % len(vocab.ADJ)],
                "A": _cap(vocab.ADJ[r[7] % len(vocab.ADJ)]), "acr": acr, "n": f"{1 + r[8] % 150 / 10:.1f}",
                "k": str(2 + r[9] % 9),
            }
            tt = vocab.TITLE[kind]
            title = tt[r[10] % len(tt)].format(**slots)
            if kind != "math" and u[6] < 0.45:
                title = _title_case(title)
            sentences = [
                vocab.INTRO[kind][r[11] % len(vocab.INTRO[kind])],
                vocab.PROBLEM[r[12] % len(vocab.PROBLEM)],
                vocab.METHOD[kind][r[13] % len(vocab.METHOD[kind])],
            ]
            if u[7] < 0.6:
                sentences.append(vocab.DETAIL[r[14] % len(vocab.DETAIL)])
            res = vocab.RESULT[kind]
            sentences.append(res[r[15] % len(res)])
            if u[8] < 0.45:
                sentences.append(res[(r[15] + 1 + r[16] % (len(res) - 1 or 1)) % len(res)])
            sentences.append(vocab.CONCLUSION[r[17] % len(vocab.CONCLUSION)])
            abstract = " ".join(s for s in sentences if s).format(**slots)

            # code link: common in CS, rare elsewhere
            code_url = ""
            if u[9] < (0.10 if kind == "cs" else 0.012) and pids:
                p0 = pids[0]
                handle = (self.f_ascii[self.p_first[p0]][:1] + self.l_ascii[self.p_last[p0]]).lower()
                handle = re.sub(r"[^a-z0-9]", "", handle) or "lab"
                repo = acr if u[10] < 0.6 else re.sub(r"[^A-Za-z0-9]+", "-", p1).strip("-").lower()
                code_url = f"{_CODE_HOSTS[r[18] % len(_CODE_HOSTS)]}/{handle}/{repo}"
                st.with_code += 1
                if u[11] < 0.5:
                    abstract += f" Code is available at {code_url}."
                    code_url_in_comments = False
                else:
                    code_url_in_comments = True
            else:
                code_url_in_comments = False

            # comments
            comments = None
            if u[12] < 0.003:
                comments = "This paper has been withdrawn by the author due to an error in " + (
                    "the main proof", "Section 3", "the data analysis", "equation (12)")[r[19] % 4]
            elif u[12] < 0.8 or code_url_in_comments:
                nfig = r[20] % 16
                comments = f"{4 + r[19] % 40} pages, {nfig} figure{'' if nfig == 1 else 's'}"
                if kind == "cs" and u[13] < 0.25:
                    comments += f"; accepted at {vocab.VENUES[r[21] % len(vocab.VENUES)]} {min(year + 1, 2026)}"
                elif u[13] > 0.9:
                    comments += "; v2: minor revisions, references added"
                if code_url_in_comments:
                    comments += f"; code: {code_url}"

            # publication details
            journal_ref = doi = report_no = None
            p_jr = 0.45 if year < 2015 else (0.3 if year < 2022 else 0.12)
            if u[14] < p_jr:
                jr, dp = vocab.JOURNALS[kind][r[22] % len(vocab.JOURNALS[kind])]
                jy = min(year + (1 if u[15] < 0.5 else 0), 2026)
                vals = {"v": 10 + r[23] % 150, "p": 100000 + r[23] % 899999 if "Phys. Rev" in jr else 1 + r[23] % 2000,
                        "i": 1 + r[19] % 12, "y": jy, "yy": f"{jy % 100:02d}", "r": f"{r[21] % 9000000 + 1000000}"}
                vals["q"] = (vals["p"] if isinstance(vals["p"], int) else 0) + 5 + r[20] % 40
                journal_ref = jr.format(**vals)
                if dp and u[16] < 0.85:
                    doi = dp.format(**vals)
            if F["key"] in ("hep-ph", "hep-th", "hep-ex") and u[17] < 0.3:
                report_no = vocab.REPORT_NOS[r[21] % len(vocab.REPORT_NOS)].format(
                    y=year, yy=f"{year % 100:02d}", r3=f"{r[22] % 900 + 100}", r4=f"{r[22] % 9000 + 1000}",
                    r5=f"{r[22] % 90000 + 10000}")
            st.with_doi += doi is not None
            st.with_journal_ref += journal_ref is not None

            # categories
            cross = self.cross[fi][primary]
            n_cross = 0 if u[18] < 0.5 else (1 if u[18] < 0.85 else 2)
            cat_list = [primary] + [cross[(r[2] + j * 7) % len(cross)] for j in range(n_cross)]
            categories = " ".join(dict.fromkeys(cat_list))

            # license by era
            if year < 2010:
                lic = None if u[19] < 0.8 else vocab.LICENSES[0]
            elif year < 2016:
                lic = None if u[19] < 0.35 else vocab.LICENSES[0 if u[19] < 0.85 else 5]
            else:
                lic = vocab.LICENSES[0 if u[19] < 0.65 else (1 if u[19] < 0.88 else 2 + r[20] % 3)]

            # versions
            nv = 1 if u[21] < 0.62 else (2 if u[21] < 0.86 else (3 if u[21] < 0.95 else (4 if u[21] < 0.99 else 5)))
            vts = [ts]
            for j in range(1, nv):
                nxt = vts[-1] + 43200 + int(-math.log(1.0 - U[i][22 + j % 8]) * 45 * 86400)
                if nxt >= T1:  # no revisions after the end of the corpus
                    break
                vts.append(nxt)
            nv = len(vts)
            if nv > 1:
                st.multi_version += 1
            versions = [{"version": f"v{j + 1}", "created": _fmt_created(v)} for j, v in enumerate(vts)]
            upd = vts[-1]
            if u[27] < 0.25:
                upd = min(T1, upd + int(u[28] * 700 * 86400))

            if pids:
                sub = pids[0] if u[29] < 0.6 else pids[r[0] % len(pids)]
                last_name, fore, _ = self.canonical(sub)
                submitter = f"{fore} {last_name}"
            else:
                submitter = "Collaboration Office"
            aid = ids[i]
            rec = {
                "id": aid,
                "submitter": submitter,
                "authors": _wrap_authors(authors),
                "title": _wrap_title(title),
                "comments": comments,
                "journal-ref": journal_ref,
                "doi": doi,
                "report-no": report_no,
                "categories": categories,
                "license": lic,
                "abstract": _wrap_abstract(abstract),
                "versions": versions,
                "update_date": _fmt_day(upd),
                "authors_parsed": parsed,
            }
            out.append(dumps(rec))
            truth.append(f'{{"id":"{aid}","persons":[{",".join(map(str, truth_ids))}]}}')
        st.papers += n
        st.initials_authorships, st.variant_authorships, st.latex_authorships = self.name_counts
        return ("\n".join(out) + "\n").encode(), ("\n".join(truth) + "\n").encode()


def arxiv_ids(ts: np.ndarray) -> list[str]:
    """New-style arXiv ids from (sorted) submission times: YYMM.NNNN until 2014, YYMM.NNNNN after."""
    return format_ids(*id_parts(ts), 0, len(ts))


def id_parts(ts: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(yymm, sequence number within the month, digits) per paper, for sorted times."""
    months = ts.astype("datetime64[s]").astype("datetime64[M]")
    years = months.astype("datetime64[Y]").astype(int) + 1970
    mon = months.astype(int) % 12 + 1
    yymm = (years % 100) * 100 + mon
    boundary = np.ones(len(ts), bool)
    boundary[1:] = months[1:] != months[:-1]
    first = np.maximum.accumulate(np.where(boundary, np.arange(len(ts)), 0))
    seq = np.arange(len(ts)) - first + 1
    per_month_max = np.zeros(len(ts), np.int64)
    if len(ts):
        starts = np.flatnonzero(boundary)
        sizes = np.diff(np.append(starts, len(ts)))
        per_month_max = np.repeat(sizes, sizes)
    digits = np.where((years < 2015) & (per_month_max <= 9999), 4, 5).astype(np.int8)
    return yymm.astype(np.int32), seq.astype(np.int32), digits


def format_ids(yymm: np.ndarray, seq: np.ndarray, digits: np.ndarray, lo: int, hi: int) -> list[str]:
    return [f"{ym:04d}.{s:04d}" if d == 4 else f"{ym:04d}.{s:05d}"
            for ym, s, d in zip(yymm[lo:hi].tolist(), seq[lo:hi].tolist(), digits[lo:hi].tolist())]


_TASK_STATE = None  # (renderer, ids, gzip?, level): set before forking workers


def _render_task(task: tuple[int, int]):
    rend, ids, gz, level = _TASK_STATE
    lo, hi = task
    body, truth = rend.render_chunk(lo, hi, format_ids(*ids, lo, hi))
    if gz:
        body = gzip.compress(body, compresslevel=level, mtime=0)
    return body, gzip.compress(truth, compresslevel=level, mtime=0), rend.stats, rend.collab_members


_ADDITIVE = ("papers", "authorships", "collaboration_papers", "variant_authorships", "initials_authorships",
             "latex_authorships", "with_code", "with_doi", "with_journal_ref", "multi_version")


def _merge_stats(total: CorpusStats, part: CorpusStats) -> None:
    for k in _ADDITIVE:
        setattr(total, k, getattr(total, k) + getattr(part, k))
    total.max_authors = max(total.max_authors, part.max_authors)


def _write_persons(path: Path, world: World, appear: np.ndarray, compresslevel: int) -> None:
    """One line per person: canonical name, community, field, papers written, homonym flag."""
    t = name_tables()
    esc = lambda x: json.dumps(x)[1:-1]  # noqa: E731
    first = [esc(x) for x in t.first_uni]
    last = [esc(x) for x in t.last_uni]
    mids = [""] + [f" {a}." for a in ALPHABET]
    field_keys = [F["key"] for F in vocab.FIELDS]
    pf_all = world.comm_field[world.community]
    step = 50000  # slices keep the Python-object copies of the columns small
    with open(path, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=compresslevel,
                                                 mtime=0) as out:
        for lo in range(0, world.n_persons, step):
            sl = slice(lo, lo + step)
            cols = zip(world.first[sl].tolist(), world.mid[sl].tolist(), world.last[sl].tolist(),
                       world.suffix[sl].tolist(), world.community[sl].tolist(), pf_all[sl].tolist(),
                       appear[sl].tolist(), world.homonym[sl].tolist())
            lines = [
                f'{{"pid":{pid},"keyname":"{last[l]}","forenames":"{first[f]}{mids[m]}","suffix":"{_SUFFIX[sx]}",'
                f'"community":{c},"field":"{field_keys[fld]}","papers":{n},"homonym":{"true" if h else "false"}}}'
                for pid, (f, m, l, sx, c, fld, n, h) in enumerate(cols, start=lo)
            ]
            out.write(("\n".join(lines) + "\n").encode())


def generate_corpus(out: str | Path, *, papers: int, seed: int = 1, homonym_rate: float = 0.05,
                    collab_rate: float = 0.001, compresslevel: int = 1, workers: int | None = None,
                    progress=None) -> CorpusStats:
    """Write ``papers`` synthetic papers to ``out`` (gzip when it ends in .gz) plus sidecars."""
    if papers < 1:
        raise ValueError("papers must be at least 1")
    if not 0 <= homonym_rate < 1:
        raise ValueError("homonym rate must be in [0, 1)")
    t0 = time.perf_counter()
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    truth_path, persons_path = sidecar_paths(out)
    world = build_world(papers, seed, homonym_rate=homonym_rate, collab_rate=collab_rate)
    ids = id_parts(world.paper_ts)
    rend = _Renderer(world, seed)
    gz_out = out.name.endswith(".gz")
    st = CorpusStats()
    collab_members: dict[int, list[int]] = {}
    tasks = [(lo, min(papers, lo + CHUNK)) for lo in range(0, papers, CHUNK)]
    global _TASK_STATE
    _TASK_STATE = (rend, ids, gz_out, compresslevel)
    workers = max(1, min(workers or os.cpu_count() or 1, len(tasks)))
    # Each chunk is compressed into its own gzip member (a multi-member gzip file is valid and
    # reads as one stream), so workers do the compression too and the parent only writes.
    with open(out, "wb") as f_out, open(truth_path, "wb") as f_truth:
        pool = multiprocessing.get_context("fork").Pool(workers) if workers > 1 else None
        try:
            results = pool.imap(_render_task, tasks) if pool else map(_render_task, tasks)
            for body, truth, chunk_stats, members in results:
                f_out.write(body)
                f_truth.write(truth)
                _merge_stats(st, chunk_stats)
                collab_members.update(members)
                if progress:
                    progress(st.papers, papers)
        finally:
            if pool:
                pool.close()
                pool.join()
            _TASK_STATE = None

    # Persons sidecar and the statistics.
    appear = np.zeros(world.n_persons, np.int64)
    reg = world.paper_comm >= 0
    lens = world.paper_len[reg]
    starts = world.paper_start[reg]
    idx = np.repeat(starts - np.concatenate(([0], np.cumsum(lens)[:-1])), lens) + np.arange(int(lens.sum()))
    used = world.slot_person[idx]
    np.add.at(appear, used, 1)
    for members in collab_members.values():
        if members:
            appear[np.asarray(members)] += 1
    st.persons = world.n_persons
    st.persons_with_papers = int((appear > 0).sum())
    st.homonym_persons = int((world.homonym & (appear > 0)).sum())
    hub = int(np.argmax(appear))
    st.hub_pid, st.hub_papers = hub, int(appear[hub])
    co = set()
    paper_of = np.repeat(np.flatnonzero(reg), lens)
    for p in paper_of[used == hub].tolist():
        s, n_ = int(world.paper_start[p]), int(world.paper_len[p])
        co.update(world.slot_person[s: s + n_].tolist())
    for members in collab_members.values():
        if hub in members:
            co.update(members)
    co.discard(hub)
    st.hub_coauthors = len(co)
    _write_persons(persons_path, world, appear, compresslevel)
    st.seconds = time.perf_counter() - t0
    st.paths = {"corpus": str(out), "truth": str(truth_path), "persons": str(persons_path)}
    return st
