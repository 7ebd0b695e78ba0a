"""Topics: arXiv categories with their human names, and phrase topics from titles and abstracts.

Phrase topics are noun phrases. A POS tagger reads context but costs milliseconds an abstract
on two shared cores (an import must stay near 1/20 of raw COPY), so each word's possible parts
of speech come from LemmInflect's English lexicon instead, cached per word: a phrase is a run
of nouns and adjectives ending on a noun, cut at stopwords (scikit-learn's list plus the
boilerplate of academic prose), words English uses only as verbs or adverbs ("built",
"sacrificing") and punctuation; a plural noun ends its run ("networks meets" is two runs).
A single word is a topic only when the lexicon does not know it (a technical term).

Candidates are scored by TF-IDF against the window of papers they were counted in, merged
when one contains the other or they differ only in number, and a paper keeps its top five.
The vocabulary is the set of phrase topics already in the database plus phrases that recur in
the window (document frequency >= ``min_df``): a phrase must be seen in several papers before
it becomes a topic, and once it is a topic it is recognised in every later batch.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

import numpy as np
from django.utils.text import slugify

from papers.ingest.memo import short_memo
from papers.ingest.keys import ascii_slugify

# Every arXiv category, current and legacy (pre-2009 archives still appear in old records).
# Names as arXiv's taxonomy page prints them.
CATEGORY_NAMES: dict[str, str] = {
    # Computer Science
    "cs.AI": "Artificial Intelligence",
    "cs.AR": "Hardware Architecture",
    "cs.CC": "Computational Complexity",
    "cs.CE": "Computational Engineering, Finance, and Science",
    "cs.CG": "Computational Geometry",
    "cs.CL": "Computation and Language",
    "cs.CR": "Cryptography and Security",
    "cs.CV": "Computer Vision and Pattern Recognition",
    "cs.CY": "Computers and Society",
    "cs.DB": "Databases",
    "cs.DC": "Distributed, Parallel, and Cluster Computing",
    "cs.DL": "Digital Libraries",
    "cs.DM": "Discrete Mathematics",
    "cs.DS": "Data Structures and Algorithms",
    "cs.ET": "Emerging Technologies",
    "cs.FL": "Formal Languages and Automata Theory",
    "cs.GL": "General Literature",
    "cs.GR": "Graphics",
    "cs.GT": "Computer Science and Game Theory",
    "cs.HC": "Human-Computer Interaction",
    "cs.IR": "Information Retrieval",
    "cs.IT": "Information Theory",
    "cs.LG": "Machine Learning",
    "cs.LO": "Logic in Computer Science",
    "cs.MA": "Multiagent Systems",
    "cs.MM": "Multimedia",
    "cs.MS": "Mathematical Software",
    "cs.NA": "Numerical Analysis",
    "cs.NE": "Neural and Evolutionary Computing",
    "cs.NI": "Networking and Internet Architecture",
    "cs.OH": "Other Computer Science",
    "cs.OS": "Operating Systems",
    "cs.PF": "Performance",
    "cs.PL": "Programming Languages",
    "cs.RO": "Robotics",
    "cs.SC": "Symbolic Computation",
    "cs.SD": "Sound",
    "cs.SE": "Software Engineering",
    "cs.SI": "Social and Information Networks",
    "cs.SY": "Systems and Control",
    # Economics
    "econ.EM": "Econometrics",
    "econ.GN": "General Economics",
    "econ.TH": "Theoretical Economics",
    # Electrical Engineering and Systems Science
    "eess.AS": "Audio and Speech Processing",
    "eess.IV": "Image and Video Processing",
    "eess.SP": "Signal Processing",
    "eess.SY": "Systems and Control",
    # Mathematics
    "math.AC": "Commutative Algebra",
    "math.AG": "Algebraic Geometry",
    "math.AP": "Analysis of PDEs",
    "math.AT": "Algebraic Topology",
    "math.CA": "Classical Analysis and ODEs",
    "math.CO": "Combinatorics",
    "math.CT": "Category Theory",
    "math.CV": "Complex Variables",
    "math.DG": "Differential Geometry",
    "math.DS": "Dynamical Systems",
    "math.FA": "Functional Analysis",
    "math.GM": "General Mathematics",
    "math.GN": "General Topology",
    "math.GR": "Group Theory",
    "math.GT": "Geometric Topology",
    "math.HO": "History and Overview",
    "math.IT": "Information Theory",
    "math.KT": "K-Theory and Homology",
    "math.LO": "Logic",
    "math.MG": "Metric Geometry",
    "math.MP": "Mathematical Physics",
    "math.NA": "Numerical Analysis",
    "math.NT": "Number Theory",
    "math.OA": "Operator Algebras",
    "math.OC": "Optimization and Control",
    "math.PR": "Probability",
    "math.QA": "Quantum Algebra",
    "math.RA": "Rings and Algebras",
    "math.RT": "Representation Theory",
    "math.SG": "Symplectic Geometry",
    "math.SP": "Spectral Theory",
    "math.ST": "Statistics Theory",
    # Physics: astrophysics
    "astro-ph": "Astrophysics",
    "astro-ph.CO": "Cosmology and Nongalactic Astrophysics",
    "astro-ph.EP": "Earth and Planetary Astrophysics",
    "astro-ph.GA": "Astrophysics of Galaxies",
    "astro-ph.HE": "High Energy Astrophysical Phenomena",
    "astro-ph.IM": "Instrumentation and Methods for Astrophysics",
    "astro-ph.SR": "Solar and Stellar Astrophysics",
    # Physics: condensed matter
    "cond-mat": "Condensed Matter",
    "cond-mat.dis-nn": "Disordered Systems and Neural Networks",
    "cond-mat.mes-hall": "Mesoscale and Nanoscale Physics",
    "cond-mat.mtrl-sci": "Materials Science",
    "cond-mat.other": "Other Condensed Matter",
    "cond-mat.quant-gas": "Quantum Gases",
    "cond-mat.soft": "Soft Condensed Matter",
    "cond-mat.stat-mech": "Statistical Mechanics",
    "cond-mat.str-el": "Strongly Correlated Electrons",
    "cond-mat.supr-con": "Superconductivity",
    # Physics: single-archive subjects
    "gr-qc": "General Relativity and Quantum Cosmology",
    "hep-ex": "High Energy Physics - Experiment",
    "hep-lat": "High Energy Physics - Lattice",
    "hep-ph": "High Energy Physics - Phenomenology",
    "hep-th": "High Energy Physics - Theory",
    "math-ph": "Mathematical Physics",
    "nucl-ex": "Nuclear Experiment",
    "nucl-th": "Nuclear Theory",
    "quant-ph": "Quantum Physics",
    # Physics: nonlinear sciences
    "nlin.AO": "Adaptation and Self-Organizing Systems",
    "nlin.CD": "Chaotic Dynamics",
    "nlin.CG": "Cellular Automata and Lattice Gases",
    "nlin.PS": "Pattern Formation and Solitons",
    "nlin.SI": "Exactly Solvable and Integrable Systems",
    # Physics: physics archive
    "physics.acc-ph": "Accelerator Physics",
    "physics.ao-ph": "Atmospheric and Oceanic Physics",
    "physics.app-ph": "Applied Physics",
    "physics.atm-clus": "Atomic and Molecular Clusters",
    "physics.atom-ph": "Atomic Physics",
    "physics.bio-ph": "Biological Physics",
    "physics.chem-ph": "Chemical Physics",
    "physics.class-ph": "Classical Physics",
    "physics.comp-ph": "Computational Physics",
    "physics.data-an": "Data Analysis, Statistics and Probability",
    "physics.ed-ph": "Physics Education",
    "physics.flu-dyn": "Fluid Dynamics",
    "physics.gen-ph": "General Physics",
    "physics.geo-ph": "Geophysics",
    "physics.hist-ph": "History and Philosophy of Physics",
    "physics.ins-det": "Instrumentation and Detectors",
    "physics.med-ph": "Medical Physics",
    "physics.optics": "Optics",
    "physics.plasm-ph": "Plasma Physics",
    "physics.pop-ph": "Popular Physics",
    "physics.soc-ph": "Physics and Society",
    "physics.space-ph": "Space Physics",
    # Quantitative Biology
    "q-bio": "Quantitative Biology",
    "q-bio.BM": "Biomolecules",
    "q-bio.CB": "Cell Behavior",
    "q-bio.GN": "Genomics",
    "q-bio.MN": "Molecular Networks",
    "q-bio.NC": "Neurons and Cognition",
    "q-bio.OT": "Other Quantitative Biology",
    "q-bio.PE": "Populations and Evolution",
    "q-bio.QM": "Quantitative Methods",
    "q-bio.SC": "Subcellular Processes",
    "q-bio.TO": "Tissues and Organs",
    # Quantitative Finance
    "q-fin.CP": "Computational Finance",
    "q-fin.EC": "Economics",
    "q-fin.GN": "General Finance",
    "q-fin.MF": "Mathematical Finance",
    "q-fin.PM": "Portfolio Management",
    "q-fin.PR": "Pricing of Securities",
    "q-fin.RM": "Risk Management",
    "q-fin.ST": "Statistical Finance",
    "q-fin.TR": "Trading and Market Microstructure",
    # Statistics
    "stat.AP": "Applications",
    "stat.CO": "Computation",
    "stat.ME": "Methodology",
    "stat.ML": "Machine Learning (Statistics)",
    "stat.OT": "Other Statistics",
    "stat.TH": "Statistics Theory",
    # Legacy archives, merged into the ones above but still on old records.
    "acc-phys": "Accelerator Physics",
    "adap-org": "Adaptation, Noise, and Self-Organizing Systems",
    "alg-geom": "Algebraic Geometry",
    "ao-sci": "Atmospheric-Oceanic Sciences",
    "atom-ph": "Atomic, Molecular and Optical Physics",
    "bayes-an": "Bayesian Analysis",
    "chao-dyn": "Chaotic Dynamics",
    "chem-ph": "Chemical Physics",
    "cmp-lg": "Computation and Language",
    "comp-gas": "Cellular Automata and Lattice Gases",
    "dg-ga": "Differential Geometry",
    "funct-an": "Functional Analysis",
    "mtrl-th": "Materials Theory",
    "patt-sol": "Pattern Formation and Solitons",
    "plasm-ph": "Plasma Physics",
    "q-alg": "Quantum Algebra and Topology",
    "solv-int": "Exactly Solvable and Integrable Systems",
    "supr-con": "Superconductivity",
    "math": "Mathematics",
    "physics": "Physics",
    "cs": "Computer Science",
    "nlin": "Nonlinear Sciences",
}

# The group name is what makes a bare code readable when arXiv adds a category this map
# does not know yet ("cs.XX" → "Computer Science (cs.XX)"), never the bare code alone.
_ARCHIVE_NAMES = {
    "cs": "Computer Science", "econ": "Economics", "eess": "Electrical Engineering and Systems Science",
    "math": "Mathematics", "astro-ph": "Astrophysics", "cond-mat": "Condensed Matter", "nlin": "Nonlinear Sciences",
    "physics": "Physics", "q-bio": "Quantitative Biology", "q-fin": "Quantitative Finance", "stat": "Statistics",
}

# arXiv lists both codes of an aliased pair on a paper; one topic stands for both.
CATEGORY_ALIASES = {
    "math.MP": "math-ph",
    "cs.IT": "math.IT",
    "cs.NA": "math.NA",
    "cs.SY": "eess.SY",
    "math.ST": "stat.TH",
    "q-fin.EC": "econ.GN",
}

_CATEGORY_CODE = re.compile(r"^[a-z][a-z-]*(?:\.[A-Za-z-]+)?$")


def is_category_code(code: str) -> bool:
    return bool(_CATEGORY_CODE.match(code))


def canonical_category(code: str) -> str:
    return CATEGORY_ALIASES.get(code, code)


@lru_cache(maxsize=4096)
def category_name(code: str) -> str:
    """The human name of an arXiv category: cs.LG → "Machine Learning"."""
    if code in CATEGORY_NAMES:
        return CATEGORY_NAMES[code]
    archive = code.split(".", 1)[0]
    return f"{_ARCHIVE_NAMES.get(archive, archive)} ({code})"


@lru_cache(maxsize=4096)
def category_slug(code: str) -> str:
    """cs.LG → "cs-lg", hep-th → "hep-th": stable, and distinct from phrase slugs."""
    return slugify(code.replace(".", "-"))


# ---------------------------------------------------------------------------------------------
# Phrase topics

# Words that end a candidate phrase: function words, the verbs and hedges of academic prose,
# and evaluative adjectives that never belong to a topic's name.
_ACADEMIC_BREAKS = """
paper papers article letter note thesis work works propose proposes proposed proposing present presents presented
show shows shown showed showing demonstrate demonstrates demonstrated introduce introduces introduced study
studies studied investigate investigates investigated consider considers considered use uses used using based
obtain obtains obtained find finds found provide provides provided allow allows allowed achieve achieves achieved
improve improves improved derive derives derived describe describes described discuss discusses discussed
develop develops developed compute computed calculate calculated perform performs performed apply applies applied
explore explores explored analyze analyzes analyzed analyse analysed examine examined report reports reported
new novel recent recently different various several existing given general specific particular simple simpler
important significant significantly large larger largest small smaller smallest high higher highest low lower lowest
good better best first second third also however thus therefore hence well able main key various previous previously
respectively various furthermore moreover addition additionally whereas while via without within across among
state-of-the-art art end-to-end compared comparison outperforms outperform outperforming existing effective efficient
efficiently robust strong stronger simple recent popular typical typically usually generally often widely commonly
leads lead leading yields yield yielding enables enable enabling makes make making takes take taking gives give
giving called known due possible possibly potentially likely able unable needed need needs require requires required
remains remain remaining appears appear suggest suggests suggested indicate indicates indicated confirm confirms
et al i.e e.g eg ie etc vs cf fig figs table tables section sections eq eqs ref refs arxiv preprint version
one two three four five six seven eight nine ten single multiple many much more most less least few fewer
here there this these those such same other others another certain whole entire full fully total overall
predict predicts predicted agree agrees agreed evaluate evaluates evaluated estimate estimates estimated
exact exactly underlying corresponding respective relevant related associated possible means mean lies lie
discussed argue argues argued establish establishes established prove proves proved determine determines determined
measure measures measured observe observes observed detect detects detected employ employs employed
sharp careful carefully rigorous rigorously promising considerable considerably poorly negligible remarkable
reveal reveals revealed reveals highlight highlights highlighted emerged emerging emerge emerges leverage leverages
attracted attract attracts affect affects affected identify identifies identified treat treats treated limits
break breaks broke cease ceases ceased clarify clarifies clarified connect connects connected exploit exploits
exploited reduce reduces reduced favour favours favor favors extensive additional expensive major
ensure ensures ensured describing allowing giving making taking using yielding involving including
coexist coexists understood interesting surprising surprisingly natural naturally standard classic so-called
"""


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    """scikit-learn's English stop words plus the academic breaks above (read on first use)."""
    return frozenset(_english_stop_words()) | frozenset(_ACADEMIC_BREAKS.split())


def _english_stop_words() -> frozenset[str]:
    """scikit-learn's ENGLISH_STOP_WORDS, without importing scikit-learn unless it already is.

    The list is a plain module (sklearn/feature_extraction/_stop_words.py), but importing it the
    usual way runs scikit-learn's package __init__, which imports scipy.stats and most of the
    library: 0.9 s with compiled bytecode and 2.7 s without, on the critical path of every
    import (the first batch's phrase topics wait for it, and nothing overlaps that batch). Its
    file is executed on its own instead; the usual import stays the fallback.
    """
    if "sklearn" not in sys.modules:
        package = importlib.util.find_spec("sklearn")  # locates the package without running it
        for folder in (package.submodule_search_locations or ()) if package else ():
            path = Path(folder) / "feature_extraction" / "_stop_words.py"
            if path.is_file():
                spec = importlib.util.spec_from_file_location("bzpeer_sklearn_stop_words", path)
                module = importlib.util.module_from_spec(spec)
                spec.loader.exec_module(module)
                words = getattr(module, "ENGLISH_STOP_WORDS", None)
                if isinstance(words, frozenset) and words:
                    return words
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return ENGLISH_STOP_WORDS


# Allowed inside a phrase ("language models", "inverse problem") but too vague alone.
GENERIC_WORDS = frozenset("""
method methods approach approaches result results framework frameworks problem problems model models system systems
data analysis performance task tasks set sets case cases way ways number numbers order terms term effect effects
property properties process processes state states time times type types value values field fields theory theories
function functions structure structures technique techniques application applications experiment experiments
evidence example examples question questions range level levels rate rates role form forms part parts point points
respect context class classes solution solutions algorithm algorithms network networks learning training accuracy
quality information scale scales size sizes feature features dataset datasets benchmark benchmarks parameter
parameters behavior behaviour dynamics mechanism mechanisms condition conditions limit limits regime regimes phase
phases energy temperature spectrum spectra observation observations measurement measurements simulation simulations
study studies approach design designs scheme schemes strategy strategies technique tool tools issue issues aspect
aspects impact impacts factor factors component components element elements object objects version versions
series sequence sequences group groups space spaces variety area areas domain domains challenge challenges
improvement improvements implementation implementations evaluation evaluations setting settings test tests
distribution distributions relation relations relationship relationships presence absence existence basis
formula formulas formulation equation equations estimate estimates estimation bound bounds error errors loss
cost costs efficiency gain gains change changes increase decrease difference differences total amount amounts
calculation calculations computation computations production construction constructions
characterization characterizations description descriptions definition definitions consequence consequences
formation operation operations generalization generalizations extension extensions contribution contributions
introduction conclusion conclusions discussion investigation investigations observation interpretation
application combination combinations situation situations possibility possibilities
dimension dimensions graph graphs matrix matrices surface surfaces region regions population populations
interaction interactions action actions progress attention direction directions interplay connection
connections applicability input inputs presence implication implications finding findings insight insights
nature future understanding dependence determination precision representation expectations notion
literature researchers research authors people users user community communities world society years year
""".split())

# Words a topic name never ends on, however specific its first words ("classical result").
BAD_HEADS = frozenset("""
result results question questions analysis reveals finding findings insight insights implication implications
work works paper papers way ways aspect aspects issue issues example examples progress attention direction
directions interplay connection applicability input presence study studies approach approaches method methods
treatment treatments cost costs knowledge picture obstacle obstacles perspective experiments
case cases setting settings scheme version versions behavior behaviour properties property effect effects
""".split())

# Word classes of the noun-phrase filter, from LemmInflect's English lexicon (its part-of-speech
# lemma tables, ~100k words, shipped in the wheel): a POS tagger reads context but costs
# milliseconds an abstract on these 2 cores, while a lexicon look-up is cached per word.
_BREAK = 0  # stopword, or a word English uses only as a verb, adverb or function word: ends a phrase
_MOD = 1  # an adjective with no noun reading ("binary", "dark"): may start a phrase, never ends it
_NOUN = 2  # a noun, or a word the lexicon does not know (technical terms, names): may end a phrase
_PLURAL = 3  # a plural noun form ("networks", "meets"): ends its phrase, as a head, and nothing follows it

_NOUN_POS = ("NOUN", "PROPN")

MAX_PHRASE_WORDS = 4
LONG_RUN = 8
_MIN_UNIGRAM = 5
# Unknown words with these endings are derived adjectives ("nonlinear", "nonlocal", "unitary").
_ADJ_ENDINGS = ("al", "ar", "ic", "ive", "ous", "ible", "able", "ary", "less", "ful")

# Words (letters, with in-word hyphens and apostrophes) or any other single character, which
# cuts a phrase: punctuation, math and LaTeX leftovers, digits ("h2o" leaves one-letter
# fragments, which no phrase accepts). One findall in C over every abstract.
_TOKEN = re.compile(r"[^\W\d_]+(?:['\-][^\W\d_]+)*|\S")
# The same on lower-cased ASCII text, where a letter is a-z: a third faster than the Unicode classes.
_ASCII_TOKEN = re.compile(r"[a-z]+(?:['\-][a-z]+)*|\S")


@lru_cache(maxsize=1)
def _lexicon():
    # Imported on first use: loading its tables takes about a second.
    import lemminflect

    return lemminflect.getAllLemmas


# Bounded: on a corpus of made-up or misspelt words the cache must not grow without end.
_CLASS_CACHE_MAX = 400_000
# ... and in bytes: a "word" longer than this (formula residue, a base64 blob) is classed each time.
_CACHED_WORD_MAX = 64
_class_cache: dict[str, int] = {}
_unigram_cache: dict[str, bool] = {}


def word_class(word: str) -> int:
    """The phrase role of a lower-cased word (cached): _BREAK, _MOD, _NOUN or _PLURAL."""
    cls = _class_cache.get(word)
    if cls is not None:
        return cls
    if word in stop_words() or len(word) < 2:
        cls = _BREAK
    else:
        lemmas = _lexicon()(word)
        if not lemmas and "-" in word:
            # A compound reads as its last part: "ground-based", "so-called" and
            # "non-interacting" modify a noun, "spin-orbit" and "x-ray" are nouns.
            last = word.rsplit("-", 1)[1]
            cls = word_class(last) if len(last) > 1 else _NOUN
            if cls == _BREAK or (cls == _NOUN and last.endswith(("ing", "ed")) and _lexicon()(last)):
                cls = _MOD
        elif not lemmas:
            # Unknown to the lexicon: a technical term or a name, unless shaped like a participle
            # ("superconducting", "linearized"), which modifies a noun.
            cls = _MOD if word.endswith(("ing", "ed")) else _NOUN
        else:
            noun = next((lemmas[p] for p in _NOUN_POS if p in lemmas), None)
            if noun is not None:
                cls = _PLURAL if word not in noun and word.endswith("s") else _NOUN
            elif "ADJ" in lemmas:
                cls = _MOD
            else:
                cls = _BREAK
    if len(word) > _CACHED_WORD_MAX:
        return cls
    if len(_class_cache) >= _CLASS_CACHE_MAX:
        _class_cache.clear()
        _unigram_cache.clear()
    _class_cache[word] = cls
    return cls


def _unigram_ok(word: str) -> bool:
    """A single word names a topic only when it is a technical term: unknown to the general
    English lexicon ("graphene", "blazars", "hamiltonian") and not shaped like an adjective
    ("nonlinear", "multiscale" is fine). Common nouns alone ("theorems", "coefficients",
    "predictions") are too vague: they name topics inside a phrase ("modular forms")."""
    ok = _unigram_cache.get(word)
    if ok is None:
        ok = len(word) >= _MIN_UNIGRAM and word not in GENERIC_WORDS and word not in BAD_HEADS
        if ok:
            lemmas = _lexicon()(word)
            ok = not lemmas and not word.endswith(_ADJ_ENDINGS)
        if len(word) <= _CACHED_WORD_MAX:
            _unigram_cache[word] = ok
    return ok


def candidate_phrases(text: str, max_words: int = MAX_PHRASE_WORDS) -> list[str]:
    """Noun-phrase candidates of ``text``: 1-4 word n-grams inside runs of nouns and adjectives,
    ending on a noun, cut at stopwords, verbs, adverbs and punctuation; a plural noun ends its run."""
    out: list[str] = []
    append = out.append
    cached = _class_cache.get
    unigram = _unigram_cache.get
    words: list[str] = []
    classes: list[int] = []
    for word in (*_TOKEN.findall(text.lower()), ""):
        if len(word) > 1:  # one character: punctuation, a digit, a lone letter
            cls = cached(word)
            if cls is None:
                cls = word_class(word)
            if cls != _BREAK:
                words.append(word)
                classes.append(cls)
                if cls != _PLURAL:
                    continue
        n = len(words)
        if not n:
            continue
        # A run longer than LONG_RUN content words with no function word, verb or punctuation
        # is not prose the lexicon can segment (formula residue, foreign or made-up words):
        # its phrase boundaries are unknown, so it proposes two-word phrases at most.
        span = max_words if n <= LONG_RUN else min(2, max_words)
        for j in range(n):  # j: the head's index
            if classes[j] < _NOUN:
                continue
            head = words[j]
            ok = unigram(head)
            if ok is None:
                ok = _unigram_ok(head)
            if ok:
                append(head)
            elif head in BAD_HEADS:
                continue
            if span == 2:  # long runs: the bigram only
                if j:
                    append(f"{words[j - 1]} {head}")
                continue
            for i in range(max(0, j - span + 1), j):
                append(" ".join(words[i:j + 1]))
        words = []
        classes = []
    return out


# Phrases are identified by a 64-bit hash of their words: Python's string hash of each word, chained
# as h(w1 .. wn) = h(w1 .. wn-1) * _HASH_MULT + h(wn) modulo 2**64. The window's n-grams get their
# hash from their prefix's in one array operation, with no string built; two distinct phrases of a
# 200k-phrase window share a hash with a probability of about 1e-9. String hashes are salted per
# process, so a hash is meaningful only inside the process that made it (never stored).
_HASH_MULTIPLIER = 0x9E3779B97F4A7C15
_HASH_MULT = np.uint64(_HASH_MULTIPLIER)
_HASH_MASK = (1 << 64) - 1
_FILTER_BITS = 22  # PhraseExtractor's filter of known hashes: 2**22 slots, by a hash's top bits
_FILTER_SHIFT = np.uint64(64 - _FILTER_BITS)


def phrase_hash(phrase: str) -> int:
    """The hash ``count_phrases`` gives ``phrase`` (its words as separated by single spaces)."""
    h = 0
    for word in phrase.split(" "):
        h = (h * _HASH_MULTIPLIER + (hash(word) & _HASH_MASK)) & _HASH_MASK
    return h


class PhraseCounts(NamedTuple):
    """A window's candidate phrases: each distinct phrase once, in order of first occurrence, and
    every (document, phrase) pair once, with its term frequency.

    A phrase's text is built only when asked for (``phrases``): on made-up or foreign words a
    window holds ~200k distinct phrases, nine in ten seen once and never chosen, and building
    their strings was a fifth of the counting."""

    words: np.ndarray  # each phrase's number of words
    pair_doc: np.ndarray
    pair_term: np.ndarray
    tf: np.ndarray
    hashes: np.ndarray  # each phrase's phrase_hash, uint64
    ends: np.ndarray  # where each phrase first occurs: the position of its last word in ``tokens``
    tokens: np.ndarray  # the window's words, as indexes into ``vocabulary``
    vocabulary: list[str]

    def phrases(self, ids) -> list[str]:
        """The text of the phrases ``ids`` (an int array), in that order."""
        ids = np.asarray(ids, dtype=np.int64)
        out = np.empty(len(ids), dtype=object)
        if not len(ids):
            return []
        vocabulary = np.array(self.vocabulary, dtype=object)
        lengths = self.words[ids]
        for n in range(1, int(lengths.max()) + 1):
            which = np.flatnonzero(lengths == n)
            if len(which):
                ends = self.ends[ids[which]]
                parts = [vocabulary[self.tokens[ends - (n - 1 - k)]] for k in range(n)]
                out[which] = list(map(" ".join, zip(*parts))) if n > 1 else parts[0]
        return out.tolist()

    @property
    def terms(self) -> list[str]:
        """Every phrase's text, in phrase order."""
        return self.phrases(np.arange(len(self.words)))


def count_phrases(docs: Sequence[tuple[str, str]], max_words: int = MAX_PHRASE_WORDS) -> PhraseCounts | None:
    """``candidate_phrases`` of every (title, abstract) of a window, counted with the title twice.

    The same candidates, found for the whole window at once: the window's words become ids with
    their classes in arrays, runs and n-grams are array operations, and an n-gram is identified
    by a hash made from its prefix's hash and its last word's (see ``phrase_hash``), so no phrase
    string is built here at all. Phrase ids follow the order in which ``candidate_phrases`` would
    first emit each phrase, as the choice between equal scores does.
    """
    from pandas import factorize  # hashing, not sorting: ids of words, phrases and pairs in one pass each

    tokens: list[str] = []
    for title, abstract in docs:
        for text in (title or "", abstract or ""):
            text = text.lower()
            tokens += (_ASCII_TOKEN if text.isascii() else _TOKEN).findall(text)
            tokens.append("")  # ends each text as in candidate_phrases: no token is empty, and it ends any run
    # Words by their string hash: hashing a token is cheaper than a dict lookup, and the ids come
    # from one factorize over integers.
    tok_hash = np.fromiter(map(hash, tokens), dtype=np.int64, count=len(tokens)).view(np.uint64)
    tok, word_hashes = factorize(tok_hash)
    n_words = len(word_hashes)
    seen_at = np.empty(n_words, dtype=np.int64)  # a position of each word (any one: the text is the same)
    seen_at[tok] = np.arange(len(tok))
    words = list(map(tokens.__getitem__, seen_at.tolist()))
    del tokens  # a window's occurrences as strings: the largest object here
    word_cls = np.fromiter(map(_class_of, words), dtype=np.int8, count=n_words)
    nouns = np.flatnonzero(word_cls >= _NOUN)
    unigram = np.zeros(n_words, dtype=bool)
    unigram[nouns] = np.fromiter(map(_unigram_ok, [words[i] for i in nouns.tolist()]), dtype=bool, count=len(nouns))
    bad_head = np.fromiter(map(BAD_HEADS.__contains__, words), dtype=bool, count=n_words)

    # Runs: consecutive content words; a plural noun is the last word of its run.
    cls = word_cls[tok]
    content = cls != _BREAK
    continues = np.zeros(len(tok), dtype=bool)
    continues[1:] = content[:-1] & (cls[:-1] != _PLURAL)
    pos = np.flatnonzero(content)
    run_of = np.cumsum(content & ~continues)[pos] - 1
    run_start = pos[np.flatnonzero(np.diff(run_of, prepend=-1))]
    j = pos - run_start[run_of]  # the word's index in its run
    # A run too long to segment proposes two-word phrases at most (see candidate_phrases).
    span = np.where(np.bincount(run_of)[run_of] <= LONG_RUN, max_words, min(2, max_words))
    head = cls[pos] >= _NOUN
    grams = head & ~bad_head[tok[pos]]

    # Occurrences: a head's unigram, and its n-grams; each n-gram's hash is made from its prefix's.
    occ_pos = [pos[head & unigram[tok[pos]]]]
    occ_len = [np.ones(len(occ_pos[0]), dtype=np.int64)]
    occ_key = [tok_hash[occ_pos[0]]]
    gram_hash = tok_hash  # the hash of the n-gram of length n ending at each position (where j >= n - 1)
    for n in range(2, max_words + 1):
        at = pos[(j >= n - 1) & (span >= n)]
        if not len(at):
            break
        longer = np.zeros(len(tok), dtype=np.uint64)
        longer[at] = gram_hash[at - 1] * _HASH_MULT + tok_hash[at]  # modulo 2**64
        gram_hash = longer
        emitted = pos[grams & (j >= n - 1) & (span >= n)]
        occ_pos.append(emitted)
        occ_len.append(np.full(len(emitted), n, dtype=np.int64))
        occ_key.append(gram_hash[emitted])
    occ_pos_a, occ_len_a = np.concatenate(occ_pos), np.concatenate(occ_len)
    if not len(occ_pos_a):
        return None
    # candidate_phrases' order: by head, its unigram first, then its longest n-gram first. Each
    # part is already in position order, so the stable sort merges a few sorted runs.
    stream = np.argsort(occ_pos_a * (max_words + 1) + np.where(occ_len_a == 1, 0, max_words + 1 - occ_len_a),
                        kind="stable")
    occ_pos_a, occ_len_a = occ_pos_a[stream], occ_len_a[stream]
    # Ids in order of first appearance: exactly the phrase order of candidate_phrases.
    occ_term, term_hashes = factorize(np.concatenate(occ_key)[stream])
    n_terms = len(term_hashes)
    is_first = np.ones(len(occ_term), dtype=bool)
    is_first[1:] = occ_term[1:] > np.maximum.accumulate(occ_term)[:-1]
    first = np.flatnonzero(is_first)  # the first occurrence of phrase 0, 1, 2 ...

    # Term frequencies per (document, phrase); title words count twice: the title names the
    # paper's subject most directly.
    text_ends = np.flatnonzero(tok_hash == np.uint64(hash("") & _HASH_MASK))
    text = np.searchsorted(text_ends, occ_pos_a)
    pair_codes, pairs = factorize((text >> 1) * n_terms + occ_term)
    tf = np.bincount(pair_codes, weights=np.where(text & 1, 1, 2)).astype(np.int64)
    pair_doc, pair_term = np.divmod(pairs, n_terms)
    # Narrow types: a batch ahead keeps several windows of these alive.
    return PhraseCounts(occ_len_a[first].astype(np.int8), pair_doc.astype(np.int32), pair_term.astype(np.int32),
                        tf.astype(np.int32), np.asarray(term_hashes, dtype=np.uint64),
                        occ_pos_a[first].astype(np.int32), tok.astype(np.int32), words)


def _class_of(word: str) -> int:
    cls = _class_cache.get(word)
    return word_class(word) if cls is None else cls


def phrase_ok(phrase: str) -> bool:
    """Whether ``phrase`` is itself a noun-phrase candidate (the shape rules of ``candidate_phrases``)."""
    return phrase.lower() == phrase and phrase in candidate_phrases(phrase)


def _singular(word: str) -> str:
    cls = word_class(word)
    if cls == _PLURAL:
        lemmas = _lexicon()(word)
        noun = next((lemmas[p] for p in _NOUN_POS if p in lemmas), None)
        if noun:
            return min(noun, key=len)
    if cls == _NOUN and len(word) > 4 and word.endswith("ies") and word not in ("series", "species"):
        return word[:-3] + "y"
    if cls == _NOUN and len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is", "ics")):
        return word[:-1]  # an unknown word's plural ("bilayers", "qubits")
    return word


# Phrases recur in batch after batch, so their slugs are memoised (a phrase of four long made-up
# "words" is not: it would pin its text).
@short_memo(maxsize=262_144, max_chars=300)
def phrase_slug(phrase: str) -> str:
    """The identity of a phrase topic: "dimension" and "dimensions" are one topic."""
    words = phrase.split()
    if words:
        words[-1] = _singular(words[-1])
    return ascii_slugify(" ".join(words))[:200]


# Longer phrases are more specific and more readable: "neural architecture search" beats
# "architecture search" at equal TF-IDF.
_LENGTH_BOOST = np.array([0.0, 1.0, 1.6, 2.0, 2.2])


class PhraseExtractor:
    """Picks the top phrase topics of each document in a batch.

    Candidates are noun phrases (``candidate_phrases``); each is scored by TF-IDF against the
    window of documents it was counted in (sublinear term frequency, smoothed IDF, a boost
    for longer phrases); a phrase seen in fewer than ``min_df`` documents of the window is
    dropped unless it is already a topic, and one in over a fifth of a big window is
    background. Near-duplicates merge: a phrase inside a chosen one, or with the same slug
    (singular and plural), is skipped.

    ``known`` is the phrase vocabulary already in the database (and grows as the loader
    creates topics), so a phrase recognised once is recognised in every later batch even
    where it occurs only once.
    """

    def __init__(self, known: Iterable[str] = (), *, top_k: int = 5, min_df: int = 2, min_score: float = 0.12):
        self._known: set[str] = set()
        # A filter of the known hashes by their top bits (4 MB), so that a window's ~150k rare
        # phrases are screened by one array lookup; 2% pass it by chance with 80k phrases known.
        self._known_filter = np.zeros(1 << _FILTER_BITS, dtype=bool)
        self.learn(known)
        self.top_k = top_k
        self.min_df = min_df
        self.min_score = min_score

    @property
    def known(self) -> frozenset[str]:
        """The phrase vocabulary: phrases recognised wherever they occur (grown with ``learn``)."""
        return frozenset(self._known)

    def learn(self, phrases: Iterable[str]) -> None:
        """Add ``phrases`` to the vocabulary."""
        new = set(phrases) - self._known
        if new:
            self._known |= new
            hashes = np.fromiter(map(phrase_hash, new), dtype=np.uint64, count=len(new))
            self._known_filter[hashes >> _FILTER_SHIFT] = True

    def _known_rare(self, counted: PhraseCounts, rare: np.ndarray) -> np.ndarray:
        """Those of the phrases ``rare`` that are in the vocabulary.

        By hash first, an array operation over the window's ~150k rare phrases (made-up or foreign
        words); the few that pass the filter are then built and compared as text."""
        if not self._known or not len(rare):
            return rare[:0]
        maybe = rare[self._known_filter[counted.hashes[rare] >> _FILTER_SHIFT]]
        if not len(maybe):
            return maybe
        return maybe[np.fromiter(map(self._known.__contains__, counted.phrases(maybe)), dtype=bool, count=len(maybe))]

    def extract(self, docs: Sequence[tuple[str, str]]) -> list[list[tuple[str, float]]]:
        """For each (title, abstract), a list of (phrase, weight) with weight in (0, 1]."""
        return self.select(len(docs), self.count(docs))

    @staticmethod
    def count(docs: Sequence[tuple[str, str]]) -> PhraseCounts | None:
        """The candidate phrases of a window and their counts: the costly half of ``extract``.

        It depends on nothing but ``docs`` (not on ``known``), so the loader runs it a batch
        ahead in its parse thread while the main thread waits on Postgres. Exactly the
        candidates of ``candidate_phrases`` (the title counted twice), found with array
        operations over the whole window instead of a Python loop per word: on made-up or
        foreign words every word is a candidate head and the loop cost ~300 µs a paper.
        None when there is no candidate.
        """
        return count_phrases(docs)

    def select(self, n_docs: int, counted: PhraseCounts | None) -> list[list[tuple[str, float]]]:
        """The top phrases of each document from ``count``'s output, given what is ``known`` now."""
        results: list[list[tuple[str, float]]] = [[] for _ in range(n_docs)]
        if counted is None or not n_docs:
            return results
        term_words, pair_doc, pair_term, tf = counted.words, counted.pair_doc, counted.pair_term, counted.tf
        n_terms = len(term_words)
        df = np.bincount(pair_term, minlength=n_terms)
        # A phrase in over a fifth of a big window is background vocabulary for that window.
        max_df = n_docs if n_docs < 200 else max(self.min_df, int(0.2 * n_docs))
        eligible = (df >= self.min_df) & (df <= max_df)
        eligible[self._known_rare(counted, np.flatnonzero(df < self.min_df))] = True
        chosen_terms = np.flatnonzero(eligible)
        if not len(chosen_terms):
            return results
        n_words = term_words[chosen_terms]
        # Smoothed IDF; with a tiny window it is nearly flat and the length boost decides.
        weight = np.zeros(n_terms)
        weight[chosen_terms] = (np.log((1 + n_docs) / (1 + df[chosen_terms])) + 1.0) * _LENGTH_BOOST[
            np.minimum(n_words, 4)]
        score = np.log1p(tf) * weight[pair_term]  # sublinear tf
        keep = score > 0
        pair_doc, pair_term, score = pair_doc[keep], pair_term[keep], score[keep]
        norm = np.sqrt(np.bincount(pair_doc, weights=score * score, minlength=n_docs))
        score = score / norm[pair_doc]
        # Only a phrase scoring min_score or more can be chosen: the rest is never looked at, so it
        # is left out before the sort (on made-up words, nine pairs in ten).
        top = score >= self.min_score
        pair_doc, pair_term, score = pair_doc[top], pair_term[top], score[top]
        # Best first within each document; equal scores in phrase order, for a stable choice.
        order = np.lexsort((pair_term, -score, pair_doc))
        pair_doc = pair_doc[order]
        bounds = np.flatnonzero(np.diff(pair_doc, prepend=-1, append=n_docs)).tolist()
        pair_term = pair_term[order]
        docs, term_ids, values = pair_doc.tolist(), pair_term.tolist(), score[order].tolist()
        # The text of just the phrases looked at below.
        looked = np.unique(pair_term)
        terms = dict(zip(looked.tolist(), counted.phrases(looked)))
        for start, end in zip(bounds, bounds[1:]):
            chosen = results[docs[start]]
            chosen_padded: list[str] = []
            slugs: set[str] = set()
            for k in range(start, end):
                term = terms[term_ids[k]]
                padded = f" {term} "
                if any(padded in c or c in padded for c in chosen_padded):
                    continue  # "architecture search" inside "neural architecture search"
                slug = phrase_slug(term)
                if not slug or slug in slugs:
                    continue  # "wave signal" after "wave signals": one topic
                slugs.add(slug)
                chosen.append((term, round(values[k], 4)))
                chosen_padded.append(padded)
                if len(chosen) >= self.top_k:
                    break
        return results
