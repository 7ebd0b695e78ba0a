"""Topics: arXiv category names and phrase topics that read like topic names."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from papers.ingest.topics import (
    CATEGORY_NAMES,
    PhraseExtractor,
    candidate_phrases,
    canonical_category,
    category_name,
    category_slug,
    phrase_hash,
    phrase_ok,
    phrase_slug,
)

ROOT = Path(__file__).resolve().parent.parent

# Every category on arXiv's current taxonomy page.
CURRENT_CATEGORIES = """
cs.AI cs.AR cs.CC cs.CE cs.CG cs.CL cs.CR cs.CV cs.CY cs.DB cs.DC cs.DL cs.DM cs.DS cs.ET cs.FL cs.GL cs.GR cs.GT
cs.HC cs.IR cs.IT cs.LG cs.LO cs.MA cs.MM cs.MS cs.NA cs.NE cs.NI cs.OH cs.OS cs.PF cs.PL cs.RO cs.SC cs.SD cs.SE
cs.SI cs.SY econ.EM econ.GN econ.TH eess.AS eess.IV eess.SP eess.SY math.AC math.AG math.AP math.AT math.CA
math.CO math.CT math.CV math.DG math.DS math.FA math.GM math.GN math.GR math.GT math.HO math.IT math.KT math.LO
math.MG math.MP math.NA math.NT math.OA math.OC math.PR math.QA math.RA math.RT math.SG math.SP math.ST
astro-ph.CO astro-ph.EP astro-ph.GA astro-ph.HE astro-ph.IM astro-ph.SR cond-mat.dis-nn cond-mat.mes-hall
cond-mat.mtrl-sci cond-mat.other cond-mat.quant-gas cond-mat.soft cond-mat.stat-mech cond-mat.str-el
cond-mat.supr-con gr-qc hep-ex hep-lat hep-ph hep-th math-ph nlin.AO nlin.CD nlin.CG nlin.PS nlin.SI nucl-ex
nucl-th physics.acc-ph physics.ao-ph physics.app-ph physics.atm-clus physics.atom-ph physics.bio-ph
physics.chem-ph physics.class-ph physics.comp-ph physics.data-an physics.ed-ph physics.flu-dyn physics.gen-ph
physics.geo-ph physics.hist-ph physics.ins-det physics.med-ph physics.optics physics.plasm-ph physics.pop-ph
physics.soc-ph physics.space-ph quant-ph q-bio.BM q-bio.CB q-bio.GN q-bio.MN q-bio.NC q-bio.OT q-bio.PE q-bio.QM
q-bio.SC q-bio.TO q-fin.CP q-fin.EC q-fin.GN q-fin.MF q-fin.PM q-fin.PR q-fin.RM q-fin.ST q-fin.TR stat.AP stat.CO
stat.ME stat.ML stat.OT stat.TH
""".split()


def test_every_current_arxiv_category_has_a_human_name():
    missing = [code for code in CURRENT_CATEGORIES if code not in CATEGORY_NAMES]
    assert missing == []
    assert category_name("cs.LG") == "Machine Learning"
    assert category_name("hep-th") == "High Energy Physics - Theory"
    assert category_name("math.AP") == "Analysis of PDEs"
    assert all("." not in name or " " in name for name in CATEGORY_NAMES.values())


def test_an_unknown_category_still_gets_a_readable_name_and_aliases_share_a_topic():
    assert category_name("cs.ZZ") == "Computer Science (cs.ZZ)"
    assert canonical_category("math.MP") == "math-ph"
    assert canonical_category("cs.IT") == "math.IT"
    assert category_slug("cs.LG") == "cs-lg"


def test_candidate_phrases_never_cross_stopwords_or_punctuation():
    phrases = candidate_phrases("In this paper we propose binary neural networks; quantization-aware training works.")
    assert "binary neural networks" in phrases
    assert "quantization-aware training" in phrases
    assert not any("paper" in p or "propose" in p or "networks quantization" in p for p in phrases)


@pytest.mark.parametrize("phrase", ["binary neural networks", "quantization", "neural architecture search",
                                    "twisted bilayer graphene", "markov chain monte carlo", "dark matter"])
def test_topic_shaped_phrases_pass(phrase):
    assert phrase_ok(phrase)


@pytest.mark.parametrize("phrase", ["paper propose", "results", "binary neural", "classical result", "model",
                                    "recently proposed", "cs.lg", "interaction", "significantly improves"])
def test_junk_phrases_are_rejected(phrase):
    assert not phrase_ok(phrase) or phrase not in candidate_phrases(phrase)


def test_singular_and_plural_forms_are_one_topic():
    assert phrase_slug("binary neural networks") == phrase_slug("binary neural network")
    assert phrase_slug("dimensions") == phrase_slug("dimension")


def test_phrases_extracted_from_real_abstracts_read_like_topic_names(arxiv_samples):
    docs = []
    with open(arxiv_samples / "kaggle" / "kaggle-snapshot-first200-lines-2023.jsonl") as fh:
        for line in fh:
            record = json.loads(line)
            docs.append((record["title"], record["abstract"]))
    results = PhraseExtractor().extract(docs)
    chosen = [phrase for row in results for phrase, _w in row]
    assert sum(1 for row in results if row) > 150
    assert len(chosen) > 400
    assert all(phrase_ok(p) and p == p.lower() and "." not in p for p in chosen)
    assert {"dark matter", "modular forms", "discrete dipole approximation"} <= set(chosen)
    weights = [w for row in results for _p, w in row]
    assert all(0 < w <= 1 for w in weights)


def test_a_known_phrase_is_recognised_even_when_it_occurs_once_in_a_batch():
    extractor = PhraseExtractor(known={"neural architecture search"})
    [chosen] = extractor.extract([("Neural architecture search on a budget", "We study the cost of it.")])
    assert "neural architecture search" in [p for p, _w in chosen]


def test_a_phrase_learnt_between_windows_is_recognised_in_the_next_even_in_other_scripts():
    extractor = PhraseExtractor()
    docs = [("Zorbax quilmø in żelwa arrays", "The quilmø of the żelwa is measured.")]
    assert "zorbax quilmø" not in [p for p, _w in extractor.extract(docs)[0]]
    extractor.learn(["zorbax quilmø", "żelwa arrays"])
    chosen = [p for p, _w in extractor.extract(docs)[0]]
    assert {"zorbax quilmø", "żelwa arrays"} <= set(chosen)
    assert isinstance(extractor.known, frozenset)  # learn() is the only way in: it keeps the hashes too


def test_every_counted_phrase_carries_the_hash_its_text_has(arxiv_samples):
    docs = _real_abstracts(arxiv_samples, limit=50) + _made_up_docs(50) + [("Łódź étude", "Ünïcode names of Łódź.")]
    counted = PhraseExtractor.count(docs)
    assert counted.hashes.tolist() == [phrase_hash(term) for term in counted.terms]
    assert len(set(counted.hashes.tolist())) == len(counted.terms)
    some = [7, 0, 3]
    assert counted.phrases(some) == [counted.terms[i] for i in some]


def _real_abstracts(arxiv_samples, limit=200):
    docs = []
    with open(arxiv_samples / "kaggle" / "kaggle-snapshot-first200-lines-2023.jsonl") as fh:
        for line in fh:
            record = json.loads(line)
            docs.append((record["title"], record["abstract"]))
    return docs[:limit]


def _only_verbal(word: str) -> bool:
    # LemmInflect's own reading, independent of the extractor's classes: a word English uses
    # only as a verb, adverb or auxiliary.
    import lemminflect

    readings = set(lemminflect.getAllLemmas(word))
    return bool(readings) and readings <= {"VERB", "AUX", "ADV"}


def test_no_topic_of_200_real_abstracts_is_a_stopword_or_a_verb_phrase(arxiv_samples):
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS
    import lemminflect

    docs = _real_abstracts(arxiv_samples)
    assert len(docs) == 200
    chosen = {phrase for row in PhraseExtractor().extract(docs) for phrase, _w in row}
    assert len(chosen) > 200
    for phrase in chosen:
        words = phrase.split()
        assert not any(w in ENGLISH_STOP_WORDS for w in words), phrase
        assert not any(_only_verbal(w) for w in words), phrase
        head = lemminflect.getAllLemmas(words[-1])
        assert not head or "NOUN" in head or "PROPN" in head, phrase  # ends on a noun (or an unknown term)


def test_the_filler_verb_phrases_of_issue_18_are_not_candidates():
    text = ("Differential privacy built on sparse vectors. Graph neural networks meets optimal transport. "
            "We discuss ways forward without sacrificing accuracy, and the geometry we neglected.")
    phrases = candidate_phrases(text)
    for junk in ("privacy built", "networks meets", "ways forward", "sacrificing accuracy", "geometry neglected",
                 "ways", "forward"):
        assert junk not in phrases
    assert {"differential privacy", "graph neural networks", "optimal transport"} <= set(phrases)


def test_a_text_of_unknown_words_costs_bounded_candidates():
    # No function word for hundreds of words: the boundaries are unknown, so phrases stay short.
    text = " ".join("zorb" + "aeiou"[i % 5] + "klmnprstvz"[i // 5 % 10] + "ax" for i in range(400))
    phrases = candidate_phrases(text)
    assert len(phrases) <= 2 * 400
    assert max(len(p.split()) for p in phrases) <= 2


def _reference_counts(docs):
    """What PhraseExtractor.count must find: candidate_phrases of each text, the title twice,
    phrases numbered in order of first occurrence."""
    occurrences, per_doc = [], []
    for title, abstract in docs:
        found = candidate_phrases(title) * 2 + candidate_phrases(abstract)
        occurrences += found
        per_doc.append(found)
    order = {term: n for n, term in enumerate(dict.fromkeys(occurrences))}
    pairs = {}
    for doc, found in enumerate(per_doc):
        for term in found:
            pairs[(doc, order[term])] = pairs.get((doc, order[term]), 0) + 1
    return list(order), pairs


def _made_up_docs(n, seed=7):
    # Another generator's shape: no function words, so every run is long and every word a head.
    import random

    rng = random.Random(seed)
    syllables = [c + v for c in "bdfgklmnprstvz" for v in "aeiou"]
    words = ["".join(rng.choice(syllables) for _ in range(rng.randint(1, 3))) for _ in range(300)]
    words += ["networks", "of", "binary", "the", "x-ray", "ground-based", "superconducting"]
    text = lambda k: " ".join(rng.choice(words) for _ in range(k)).capitalize() + "."  # noqa: E731
    return [(text(9), " ".join(text(rng.randint(4, 22)) for _ in range(8))) for _ in range(n)]


def test_counting_a_window_finds_exactly_the_candidates_of_candidate_phrases_in_their_order(arxiv_samples):
    docs = _real_abstracts(arxiv_samples) + _made_up_docs(150) + [("", ""), ("A", "Étude of Ünïcode names, e.g. Łódź.")]
    counted = PhraseExtractor.count(docs)
    terms, pairs = _reference_counts(docs)
    assert counted.terms == terms
    assert counted.words.tolist() == [len(t.split()) for t in terms]
    assert dict(zip(zip(counted.pair_doc.tolist(), counted.pair_term.tolist()), counted.tf.tolist())) == pairs


def test_a_window_with_no_candidate_counts_nothing():
    assert PhraseExtractor.count([("The", "Of the and."), ("", "")]) is None
    assert PhraseExtractor().extract([("The", "Of the and.")]) == [[]]


def test_the_stop_words_are_scikit_learns_list_read_without_importing_scikit_learn():
    # In a fresh interpreter: this one may have imported scikit-learn already (S2AND does).
    code = (
        "import sys\n"
        "from papers.ingest.topics import _english_stop_words, stop_words\n"
        "words = _english_stop_words()\n"
        "assert 'sklearn' not in sys.modules, 'the stop words imported scikit-learn'\n"
        "from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS\n"
        "assert words == ENGLISH_STOP_WORDS and len(words) > 300\n"
        "assert ENGLISH_STOP_WORDS <= stop_words() and 'propose' in stop_words()\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"})
    assert done.returncode == 0, done.stderr[-2000:]
