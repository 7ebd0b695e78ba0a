"""Author bylines → AuthorName slots: LaTeX, accents, collaborations, initials, suffixes, scale."""

import json
import re

import pytest

from papers.ingest.latex import has_specials, to_unicode
from papers.ingest.names import from_authors_parsed, from_keyname_forenames, split_author_string


def _kaggle_line(samples, arxiv_id):
    with open(samples / "kaggle" / "kaggle-snapshot-first200-lines-2023.jsonl", encoding="utf-8") as fh:
        for line in fh:
            obj = json.loads(line)
            if obj["id"] == arxiv_id:
                return obj
    raise AssertionError(f"{arxiv_id} not in the sample")


def test_latex_accents_are_converted_before_the_name_is_split():
    names = split_author_string(r"J\"urgen Schmidhuber, {\'E}mile Borel and Mikkel {\O}bro")
    assert [(n.forenames, n.keyname) for n in names] == [("Jürgen", "Schmidhuber"), ("Émile", "Borel"),
                                                         ("Mikkel", "Øbro")]
    assert names[0].raw == r"J\"urgen Schmidhuber"  # raw keeps the source exactly


def test_real_kaggle_byline_with_caron_and_acute_accents(arxiv_samples):
    line = next(
        json.loads(x) for x in open(arxiv_samples / "kaggle" / "kaggle-snapshot-first200-lines-2023.jsonl",
                                    encoding="utf-8")
        if "Vina" in x
    )
    names = split_author_string(line["authors"])
    assert [n.keyname for n in names] == ["Šrámek", "Brejová", "Vinař"]
    assert [n.forenames for n in names] == ["Rastislav", "Broňa", "Tomáš"]


def test_already_unicode_names_pass_through_unchanged():
    names = split_author_string("François Gómez-Núñez and Zoë Ångström")
    assert [(n.forenames, n.keyname) for n in names] == [("François", "Gómez-Núñez"), ("Zoë", "Ångström")]


def test_glued_letter_macros_from_the_oai_feed_become_polish_letters():
    author = from_keyname_forenames(r"S\lawianowski", "Jan Jerzy")
    assert author.keyname == "Sławianowski"
    assert author.raw == r"Jan Jerzy S\lawianowski"


def test_commas_and_and_joins_keep_byline_order():
    names = split_author_string("Ileana Streinu and Louis Theran, A. B. Cee & D. Eff")
    assert [n.keyname for n in names] == ["Streinu", "Theran", "Cee", "Eff"]


def test_initials_stay_in_the_forenames_and_particles_stay_with_the_surname():
    names = split_author_string("C.-P. Yuan, J. W. F. Valle, Floris van der Tak, Ewine van Dishoeck")
    assert [(n.forenames, n.keyname) for n in names] == [
        ("C.-P.", "Yuan"), ("J. W. F.", "Valle"), ("Floris", "van der Tak"), ("Ewine", "van Dishoeck")]


def test_et_al_is_dropped_and_a_leading_collaboration_is_kept_as_its_own_author(arxiv_samples):
    line = next(
        json.loads(x) for x in open(arxiv_samples / "kaggle" / "kaggle-snapshot-first200-lines-2023.jsonl",
                                    encoding="utf-8")
        if "BABAR" in x
    )
    assert line["authors"] == "The BABAR Collaboration, B. Aubert, et al"
    names = split_author_string(line["authors"])
    assert [(n.keyname, n.is_collaboration) for n in names] == [("BABAR Collaboration", True), ("Aubert", False)]
    assert names[0].raw == "The BABAR Collaboration"


def test_collaboration_prefix_with_colon_and_for_the_suffix():
    names = split_author_string("The ATLAS Collaboration: G. Aad, B. Abbott for the LIGO Scientific Collaboration")
    assert [(n.keyname, n.is_collaboration) for n in names] == [
        ("ATLAS Collaboration", True), ("Aad", False), ("Abbott", False), ("LIGO Scientific Collaboration", True)]
    assert names[2].raw == "B. Abbott"
    assert names[3].raw == "for the LIGO Scientific Collaboration"


def test_on_behalf_of_a_consortium_is_a_collaboration():
    names = split_author_string("Jane Doe on behalf of the Planck Consortium")
    assert [(n.keyname, n.is_collaboration) for n in names] == [("Doe", False), ("Planck Consortium", True)]


def test_suffixes_jr_and_iii_are_kept_apart_from_the_surname():
    names = split_author_string("John Smith, Jr., Jane Doe and K. Lee III")
    assert [(n.keyname, n.forenames, n.suffix) for n in names] == [
        ("Smith", "John", "Jr."), ("Doe", "Jane", ""), ("Lee", "K.", "III")]
    assert names[0].raw == "John Smith, Jr."


def test_a_name_seen_before_is_parsed_afresh_for_each_byline_it_is_on():
    # The segment text and authors_parsed entries are memoised, the slots built from them are not:
    # a suffix or an affiliation one byline gives a name must not follow it to the next paper.
    first = split_author_string("John Smith, Jr., Jane Doe and K. Lee (MIT)")
    again = split_author_string("John Smith, Jane Doe")
    assert [(n.keyname, n.suffix, n.affiliation) for n in first] == [
        ("Smith", "Jr.", "MIT"), ("Doe", "", "MIT"), ("Lee", "", "MIT")]
    assert [(n.keyname, n.suffix, n.affiliation) for n in again] == [("Smith", "", ""), ("Doe", "", "")]
    assert again[0] is not first[0]
    parsed = [["Smith", "John", ""], ["Doe", "Jane", "", "MIT"]]
    one = from_authors_parsed(parsed, "John Smith, Jane Doe (MIT)")
    two = from_authors_parsed(parsed, "John Smith, Jane Doe")
    assert [(n.keyname, n.forenames, n.affiliation) for n in one] == [("Smith", "John", "MIT"), ("Doe", "Jane", "MIT")]
    assert [(n.keyname, n.raw, n.affiliation) for n in two] == [("Smith", "John Smith", ""), ("Doe", "Jane Doe", "MIT")]


def test_affiliation_in_parentheses_is_attached_and_shared_backwards(arxiv_samples):
    line = next(
        json.loads(x) for x in open(arxiv_samples / "kaggle" / "kaggle-snapshot-first200-lines-2023.jsonl",
                                    encoding="utf-8")
        if "Floris van der Tak" in x
    )
    names = split_author_string(line["authors"])
    assert [(n.keyname, n.affiliation) for n in names] == [
        ("van der Tak", "SRON Groningen"), ("Black", "Onsala"), ("Schoeier", "Stockholm"),
        ("Jansen", "Leiden"), ("van Dishoeck", "Leiden")]
    # The line break inside the source byline is kept in raw.
    assert names[2].raw == "Fredrik\n  Schoeier (Stockholm)"


def test_numbered_affiliation_footnotes_are_resolved(arxiv_samples):
    line = next(
        json.loads(x) for x in open(arxiv_samples / "kaggle" / "kaggle-snapshot-first200-lines-2023.jsonl",
                                    encoding="utf-8")
        if x.startswith('{"id":"') and "Mishchenko" in x
    )
    names = split_author_string(line["authors"])
    assert [n.keyname for n in names] == ["Mishchenko", "Nagaosa"]
    assert names[0].affiliation == (
        "CREST, Japan Science and Technology Agency; Russian Research Centre “Kurchatov Institute”")
    assert names[1].affiliation == "CREST, Japan Science and Technology Agency; The University of Tokyo"


def test_authors_parsed_is_used_for_names_while_raw_comes_from_the_byline(arxiv_samples):
    line = _kaggle_line(arxiv_samples, "0704.0001")
    names = from_authors_parsed(line["authors_parsed"], line["authors"])
    assert [(n.keyname, n.forenames) for n in names] == [
        ("Balázs", "C."), ("Berger", "E. L."), ("Nadolsky", "P. M."), ("Yuan", "C. -P.")]
    assert [n.raw for n in names] == [r"C. Bal\'azs", "E. L. Berger", "P. M. Nadolsky", "C.-P. Yuan"]


def test_authors_parsed_collaboration_entry_is_flagged(arxiv_samples):
    line = next(
        json.loads(x) for x in open(arxiv_samples / "kaggle" / "kaggle-snapshot-first200-lines-2023.jsonl",
                                    encoding="utf-8")
        if "BABAR" in x
    )
    names = from_authors_parsed(line["authors_parsed"], line["authors"])
    assert [(n.keyname, n.is_collaboration) for n in names] == [("BABAR Collaboration", True), ("Aubert", False)]


def test_keyname_forenames_with_affiliations_and_suffix():
    author = from_keyname_forenames("Oliveira", "Jos\\'e", "Jr", ["Univ. S\\~ao Paulo", "CERN"])
    assert (author.keyname, author.forenames, author.suffix) == ("Oliveira", "José", "Jr.")
    assert author.affiliation == "Univ. São Paulo; CERN"
    assert from_keyname_forenames("CMS Collaboration", "").is_collaboration


def test_three_thousand_author_byline_is_split_completely():
    byline = "The ATLAS Collaboration: " + ", ".join(
        f"A{i}. Kowalsk\\'a{i}" for i in range(2999)) + " and Z. Last"
    names = split_author_string(byline)
    assert len(names) == 3001
    assert names[0].is_collaboration
    assert names[1].keyname == "Kowalská0"
    assert names[2999].keyname == "Kowalská2998"
    assert names[-1].keyname == "Last"
    # A 30k-name byline finishes at all only because the scan is linear.
    assert len(split_author_string(", ".join(["A. B"] * 30000))) == 30000


def test_to_unicode_keeps_math_readable_and_percent_signs():
    assert to_unicode(r"the $(k,\ell)$-pebble game, 15% of $\alpha$") == "the (k,ℓ)-pebble game, 15% of α"
    assert to_unicode("plain\n  text  ") == "plain text"
    assert to_unicode(r"Universit\"at ``quoted''") == "Universität “quoted”"
    assert to_unicode("see http://host/~user/code") == "see http://host/~user/code"


@pytest.mark.parametrize("special", ["\\", "{", "}", "$", "~", "`"])
def test_every_character_that_can_start_latex_sends_the_text_through_the_converter(special):
    # The plain-text shortcut (only whitespace collapsed) must never swallow markup.
    assert has_specials(f"plain {special} text")
    assert not has_specials("plain text, 15% (a) [b] é")


@pytest.mark.parametrize("raw", ["", "   ", "et al."])
def test_empty_bylines_give_no_authors(raw):
    assert split_author_string(raw) == []


def test_free_text_splitter_agrees_with_arxivs_own_authors_parsed_on_the_kaggle_sample(arxiv_samples):
    # arXivRaw and Atom only give the free-text byline, so the splitter must match arXiv's own
    # split, including glued initials ("J.P.Hague") and capitalised particles ("Di Vecchia").
    disagreements, total = [], 0
    with open(arxiv_samples / "kaggle" / "kaggle-snapshot-first200-lines-2023.jsonl", encoding="utf-8") as fh:
        for line in fh:
            obj = json.loads(line)
            ours = split_author_string(obj["authors"])
            assert len(ours) == len(obj["authors_parsed"]), obj["authors"]
            for name, (keyname, forenames, *_rest) in zip(ours, obj["authors_parsed"]):
                total += 1
                if (name.keyname, name.forenames.replace(" ", "")) != (
                        to_unicode(keyname), to_unicode(forenames).replace(" ", "")):
                    disagreements.append((name.keyname, keyname))
    assert total == 537
    # The one difference is deliberate: "The BABAR Collaboration" is stored without its article.
    assert disagreements == [("BABAR Collaboration", "The BABAR Collaboration")]


PLAIN_EDGES = [
    "Ada Lovelace, Grace Hopper",
    "A. Smith, Jr., B. Jones",
    "A. Smith, B. Jones et al.",
    "A. Smith for the LIGO Scientific Collaboration",
    "B. Jones, on behalf of the ATLAS Collaboration",
    "ATLAS Collaboration, B. Jones",
    "A. Smith,, B. Jones,",
    " , ",
    "Randy Anderson, Band Member",
    "Xiao-Li Meng,\n  Donald B.\n Rubin",
    "J. Smith, Sr",
]


def test_plain_bylines_split_exactly_as_the_general_path_splits_them(arxiv_samples, monkeypatch):
    from papers.ingest import names

    with open(arxiv_samples / "kaggle" / "kaggle-snapshot-first200-lines-2023.jsonl", encoding="utf-8") as fh:
        records = [json.loads(line) for line in fh]
    bylines = [r["authors"] for r in records] + PLAIN_EDGES
    parsed = [r["authors_parsed"] for r in records]
    assert sum(names._NOT_PLAIN_RE.search(b) is None for b in bylines) > 50  # the fast path is exercised
    fast = [split_author_string(b) for b in bylines]
    fast_parsed = [from_authors_parsed(p, b) for p, b in zip(parsed, bylines)]
    names._segment_name.cache_clear()
    monkeypatch.setattr(names, "_NOT_PLAIN_RE", re.compile(""))  # every byline takes the general path
    assert [split_author_string(b) for b in bylines] == fast
    assert [from_authors_parsed(p, b) for p, b in zip(parsed, bylines)] == fast_parsed
