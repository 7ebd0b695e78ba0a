"""BibTeX and RIS for a paper, a works list and a reading list; share tags and the canonical link."""

import datetime as dt

import bibtexparser
import pytest
from django.utils import timezone

from papers.discovery.citations import bibtex_value, citation_key
from tests.factories import AuthorshipFactory, PaperFactory, SavedPaperFactory, UserFactory, paper_with_byline

pytestmark = pytest.mark.django_db


def bit_paper(**kwargs):
    return paper_with_byline(
        "Zechun Liu", "Barlas Oğuz", "Aasish Pappu",
        arxiv_id="2205.13016", title="BiT: Robustly Binarized Multi-distilled Transformer",
        categories=["cs.LG", "cs.CL"], primary_category="cs.LG",
        submitted=timezone.make_aware(dt.datetime(2022, 5, 25, 12)), year=2022, **kwargs,
    )


def parse(text):
    library = bibtexparser.parse_string(text)
    assert library.failed_blocks == []
    return library


def test_paper_bibtex_follows_arxiv_conventions_and_round_trips(client):
    bit_paper()
    response = client.get("/papers/2205.13016/bibtex")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/x-bibtex")
    [entry] = parse(response.content.decode()).entries
    fields = {name: f.value for name, f in entry.fields_dict.items()}
    assert entry.entry_type == "misc" and entry.key == "liu2022bit"
    assert fields == {
        "title": "BiT: Robustly Binarized Multi-distilled Transformer",
        "author": "Zechun Liu and Barlas Oğuz and Aasish Pappu",
        "year": "2022", "eprint": "2205.13016", "archivePrefix": "arXiv", "primaryClass": "cs.LG",
        "url": "https://arxiv.org/abs/2205.13016",
    }


def test_a_journal_paper_is_an_article_with_its_journal_and_doi():
    from papers.discovery.citations import papers_bibtex
    from papers.discovery.selectors import paper_for_citation

    bit_paper(journal_ref="NeurIPS 2022", doi="10.1000/xyz_123")
    [entry] = parse(papers_bibtex([paper_for_citation(arxiv_id="2205.13016")])).entries
    assert entry.entry_type == "article"
    assert entry.fields_dict["journal"].value == "NeurIPS 2022"
    assert entry.fields_dict["doi"].value == "10.1000/xyz_123"


@pytest.mark.parametrize("raw, written", [
    ("Plain title", "Plain title"),
    ("Math $\\alpha$-nets {kept} as submitted", "Math $\\alpha$-nets {kept} as submitted"),
    ("Salt & pepper: 100% #1", "Salt \\& pepper: 100\\% \\#1"),
    ("Unbalanced } and { braces", "Unbalanced  and  braces"),
    ("Already \\& escaped", "Already \\& escaped"),
    ("Line\nbreaks   collapse", "Line breaks collapse"),
])
def test_titles_are_made_safe_for_bibtex_and_parse_back_to_what_was_written(raw, written):
    from papers.discovery.citations import papers_bibtex
    from papers.discovery.selectors import paper_for_citation

    PaperFactory(arxiv_id="2301.00001", title=raw)
    assert bibtex_value(raw) == written
    [entry] = parse(papers_bibtex([paper_for_citation(arxiv_id="2301.00001")])).entries
    assert entry.fields_dict["title"].value == written


def test_citation_keys_skip_stopwords_and_fold_accents():
    assert citation_key(first_author="Oğuz", year=2022, title="On the Binarized Transformer") == "oguz2022binarized"
    assert citation_key(first_author="", year=None, title="") == "anon"


def test_a_works_list_exports_every_work_with_unique_keys(client, django_assert_num_queries):
    author = AuthorshipFactory(paper=bit_paper(), position=3).author
    for n in range(3):
        AuthorshipFactory(author=author, position=0, paper=PaperFactory(
            arxiv_id=f"2206.0000{n}", title="Binarized transformers again", year=2022,
            submitted=timezone.make_aware(dt.datetime(2022, 6, 1 + n))))
    with django_assert_num_queries(3):
        # 1 the author record, 2 their works, 3 the works' bylines
        response = client.get(f"/researchers/{author.slug}/works.bib")
    entries = parse(response.content.decode()).entries
    assert len(entries) == 4
    assert len({e.key for e in entries}) == 4
    assert {e.fields_dict["eprint"].value for e in entries} >= {"2205.13016", "2206.00000"}


def test_ris_export_of_a_paper_names_every_author_surname_first(client):
    bit_paper()
    body = client.get("/papers/2205.13016/ris").content.decode()
    lines = body.split("\r\n")
    assert lines[0] == "TY  - PREPRINT"
    assert "AU  - Liu, Zechun" in lines and "AU  - Oğuz, Barlas" in lines
    assert "M1  - arXiv:2205.13016" in lines and "UR  - https://arxiv.org/abs/2205.13016" in lines
    assert lines[-2] == "ER  - "


def test_the_reading_list_exports_as_bibtex_for_its_owner_only(client):
    user = UserFactory()
    SavedPaperFactory(user=user, paper=bit_paper())
    SavedPaperFactory(paper=PaperFactory(arxiv_id="2207.00001"))  # someone else's list
    assert client.get("/me/saved.bib").status_code == 302
    client.force_login(user)
    [entry] = parse(client.get("/me/saved.bib").content.decode()).entries
    assert entry.fields_dict["eprint"].value == "2205.13016"


def test_unknown_papers_have_no_bibtex(client):
    assert client.get("/papers/2299.99999/bibtex").status_code == 404


def test_paper_and_profile_pages_carry_share_cards_and_a_canonical_link(client):
    paper = bit_paper(abstract="Modern pre-trained transformers have rapidly advanced the state-of-the-art.")
    html = client.get("/papers/2205.13016/?utm_source=x").content.decode()
    assert '<link rel="canonical" href="http://testserver/papers/2205.13016/">' in html
    assert '<meta property="og:title" content="BiT: Robustly Binarized Multi-distilled Transformer">' in html
    assert '<meta property="og:type" content="article">' in html
    assert '<meta name="twitter:card" content="summary">' in html
    assert 'href="/papers/2205.13016/bibtex"' in html
    author = paper.authorships.first().author
    html = client.get(author.get_absolute_url()).content.decode()
    assert f'<meta property="og:title" content="{author.display_name}">' in html
    assert f'href="/researchers/{author.slug}/feed.atom"' in html
