"""The set-based loader: idempotency, versions, bad records, name matching, topics and aggregates."""

import datetime as dt
import json

import pytest

from papers.ingest.load import find_code_url, load_records
from papers.ingest.records import AuthorName, PaperRecord, RecordError, VersionInfo
from papers.models import Authorship, AuthorTopic, ImportRun, Institution, Paper, PaperTopic, Topic
from papers.services import import_run_start
from researchers.models import Author
from tests.factories import UserFactory, record_paper as paper, record_person as person, records_load as load

pytestmark = pytest.mark.django_db

UTC = dt.UTC



def counts(run):
    return (run.seen, run.created, run.updated, run.unchanged, run.failed)


ML_ABSTRACTS = [
    "We study binary neural networks and quantization for efficient inference on mobile devices.",
    "Quantization of binary neural networks with neural architecture search improves accuracy.",
    "Neural architecture search finds binary neural networks that are robust to quantization.",
    "We apply neural architecture search to language models with low-bit quantization.",
]


def test_importing_the_same_records_twice_changes_nothing_the_second_time():
    records = [
        paper("2301.00001", person("Zechun", "Liu"), person("Barlas", "Oguz"), abstract=ML_ABSTRACTS[0]),
        paper("2301.00002", person("Zechun", "Liu"), person("Raghuraman", "Krishnamoorthi"), abstract=ML_ABSTRACTS[1]),
        paper("2301.00003", person("Zechun", "Liu"), person("Barlas", "Oguz"), abstract=ML_ABSTRACTS[2]),
    ]
    first = load(records)
    assert counts(first) == (3, 3, 0, 0, 0)
    assert first.authors_created == 3
    snapshot = (
        Paper.objects.count(), Author.objects.count(), Authorship.objects.count(), Topic.objects.count(),
        PaperTopic.objects.count(), AuthorTopic.objects.count(),
        list(Author.objects.order_by("id").values_list("works_count", "close_collaborators_count", "data_changed_at")),
        list(Paper.objects.order_by("id").values_list("modified_at", flat=True)),
    )
    second = load(records)
    assert counts(second) == (3, 0, 0, 3, 0)
    assert second.authors_created == 0
    assert snapshot == (
        Paper.objects.count(), Author.objects.count(), Authorship.objects.count(), Topic.objects.count(),
        PaperTopic.objects.count(), AuthorTopic.objects.count(),
        list(Author.objects.order_by("id").values_list("works_count", "close_collaborators_count", "data_changed_at")),
        list(Paper.objects.order_by("id").values_list("modified_at", flat=True)),
    )


def test_a_newer_version_updates_the_paper_and_keeps_the_version_history():
    load([paper("2301.00010", person("Ada", "Lovelace"), title="Old title", version=1)])
    run = load([paper("2301.00010", person("Ada", "Lovelace"), title="New title", version=2)])
    assert counts(run) == (1, 0, 1, 0, 0)
    p = Paper.objects.get(arxiv_id="2301.00010")
    assert p.title == "New title"
    assert p.version == 2
    assert [v["version"] for v in p.versions] == [1, 2]
    assert p.submitted == dt.datetime(2023, 3, 1, tzinfo=UTC)


def test_an_older_version_arriving_late_only_adds_its_dates_to_the_history():
    v3 = paper("2301.00011", person("Ada", "Lovelace"), title="Latest", version=3,
               versions=[VersionInfo(version=3, date=dt.datetime(2023, 9, 1, tzinfo=UTC))])
    load([v3])
    v1 = paper("2301.00011", person("Ada", "Lovelace"), title="First draft", version=1)
    run = load([v1])
    assert counts(run) == (1, 0, 1, 0, 0)
    p = Paper.objects.get(arxiv_id="2301.00011")
    assert p.title == "Latest" and p.version == 3
    assert [v["version"] for v in p.versions] == [1, 3]


def test_a_bad_record_in_a_batch_is_logged_and_the_others_land():
    records = [
        paper("2301.00020", person("Ada", "Lovelace")),
        RecordError(record_id="oai:arXiv.org:2301.00021", reason="no <metadata>"),
        paper("2301.00022", person("Ada", "Lovelace"), title="   "),
        paper("not-an-id", person("Ada", "Lovelace")),
        paper("2301.00023", person("Alan", "Turing")),
    ]
    run = load(records)
    assert counts(run) == (5, 2, 0, 0, 3)
    assert run.state == "partial"
    assert {e["record_id"] for e in run.errors} == {"oai:arXiv.org:2301.00021", "2301.00022", "not-an-id"}
    assert {e["reason"] for e in run.errors} >= {"no <metadata>", "missing title"}
    assert set(Paper.objects.values_list("arxiv_id", flat=True)) == {"2301.00020", "2301.00023"}


def test_a_source_that_breaks_midway_commits_the_records_read_before_the_fault():
    class Broken(Exception):
        pass

    def source():
        yield paper("2301.00030", person("Ada", "Lovelace"))
        yield paper("2301.00031", person("Ada", "Lovelace"))
        raise Broken("unexpected end of file")

    run = import_run_start(source="broken", format="test")
    with pytest.raises(Broken):
        load_records(source(), run=run, batch_size=1000)
    assert Paper.objects.count() == 2
    run.refresh_from_db()
    assert run.created == 2


def test_a_deleted_record_marks_the_paper_deleted_and_drops_it_from_works_counts():
    load([paper("2301.00040", person("Ada", "Lovelace")), paper("2301.00041", person("Ada", "Lovelace"))])
    assert Author.objects.get(name_key="lovelace|ada").works_count == 2
    run = load([PaperRecord(arxiv_id="2301.00040", title="", deleted=True)])
    assert counts(run) == (1, 0, 1, 0, 0)
    assert Paper.objects.get(arxiv_id="2301.00040").deleted
    assert Author.objects.get(name_key="lovelace|ada").works_count == 1


def test_bylines_with_the_same_name_key_meet_on_one_author_record_with_variants():
    load([paper("2301.00050", person("Zechun", "Liu"))])
    load([paper("2301.00051", person("Zéchun", "LIU", raw="Zéchun LIU"))])
    author = Author.objects.get()
    assert author.slug == "zechun-liu"
    assert author.display_name == "Zechun Liu"
    assert author.works_count == 2
    assert set(author.name_variants) == {"Zechun Liu", "Zéchun LIU"}
    assert list(Authorship.objects.values_list("raw_name", flat=True).order_by("paper__arxiv_id")) == [
        "Zechun Liu", "Zéchun LIU"
    ]


def test_an_initials_only_byline_weakly_matches_the_unique_author_with_those_initials():
    load([paper("2301.00060", person("John", "Smith"))])
    load([paper("2301.00061", person("J.", "Smith"))])
    assert Author.objects.count() == 1
    slot = Authorship.objects.get(paper__arxiv_id="2301.00061")
    assert slot.attribution == "initials"
    assert slot.raw_name == "J. Smith"
    assert slot.author.works_count == 2


@pytest.mark.parametrize(
    "known, byline, display",
    [
        # Two candidates: we cannot tell which one wrote it.
        ([person("John", "Smith"), person("Jane", "Smith")], person("J.", "Smith"), "J. Smith"),
        # One candidate, but the middle initial contradicts its forenames.
        ([person("Ernst-Dieter G.", "Berger")], person("E. L.", "Berger"), "E. L. Berger"),
    ],
    ids=["two-candidates", "contradicting-initial"],
)
def test_an_initials_only_byline_without_one_compatible_candidate_gets_its_own_record(known, byline, display):
    load([paper(f"2301.0007{i}", name) for i, name in enumerate(known)])
    load([paper("2301.00079", byline)])
    assert Author.objects.count() == len(known) + 1
    slot = Authorship.objects.get(paper__arxiv_id="2301.00079")
    assert slot.attribution == "name"
    assert slot.author.display_name == display


def test_an_initials_only_byline_matching_the_candidates_initials_joins_it():
    load([paper("2301.00075", person("Ernst-Dieter G.", "Berger"))])
    load([paper("2301.00076", person("E.-D.", "Berger")), paper("2301.00077", person("E.", "Berger"))])
    assert Author.objects.count() == 1
    assert set(Authorship.objects.values_list("attribution", flat=True)) == {"name", "initials"}
    assert Author.objects.get().works_count == 3


def test_homonym_slugs_are_numbered_like_dblp():
    load([paper("2301.00080", person("Wei", "Zhang"))])
    # Different name keys that slugify alike: an unsplit byline and a stray hyphen.
    load([paper("2301.00081", person("", "Wei Zhang"), person("Wei", "Zhang-"))])
    assert dict(Author.objects.values_list("name_key", "slug")) == {
        "zhang|wei": "wei-zhang", "wei zhang|": "wei-zhang-2", "zhang-|wei": "wei-zhang-3"
    }
    # Numbering continues after the highest number taken, even with gaps.
    Author.objects.filter(slug="wei-zhang-3").update(slug="wei-zhang-7")
    load([paper("2301.00083", person("Wei", "Zhang'"))])
    assert Author.objects.get(name_key="zhang'|wei").slug == "wei-zhang-8"
    # Folding makes accents meet the existing record rather than a homonym.
    load([paper("2301.00084", person("Wéi", "Zháng"))])
    assert Author.objects.get(slug="wei-zhang").works_count == 2


def test_a_collaboration_gets_its_own_record_flagged_as_a_collaboration():
    collab = AuthorName(raw="The ATLAS Collaboration", keyname="ATLAS Collaboration", is_collaboration=True)
    load([paper("2301.00090", collab, person("Fabiola", "Gianotti"))])
    record = Author.objects.get(is_collaboration=True)
    assert record.display_name == "ATLAS Collaboration"
    assert record.slug == "atlas-collaboration"
    assert Author.objects.get(is_collaboration=False).display_name == "Fabiola Gianotti"


def test_new_name_matches_onto_an_owned_record_wait_for_the_owners_review():
    load([paper("2301.00100", person("Grace", "Hopper"))])
    owner = UserFactory()
    Author.objects.filter(name_key="hopper|grace").update(owner=owner, claim_state="claimed")
    load([paper("2301.00101", person("Grace", "Hopper"))])
    assert Authorship.objects.get(paper__arxiv_id="2301.00101").attribution == "pending"
    assert Authorship.objects.get(paper__arxiv_id="2301.00100").attribution == "name"
    Author.objects.filter(name_key="hopper|grace").update(auto_accept_name_matches=True)
    load([paper("2301.00102", person("Grace", "Hopper"))])
    assert Authorship.objects.get(paper__arxiv_id="2301.00102").attribution == "name"


def test_a_re_pointed_authorship_survives_a_new_version_of_the_paper():
    load([paper("2301.00110", person("Ada", "Lovelace"), person("Charles", "Babbage"))])
    other = Author.objects.create(display_name="Ada Lovelace (2)", name_key="lovelace|ada", initials_key="lovelace|a",
                                  slug="ada-lovelace-2")
    Authorship.objects.filter(paper__arxiv_id="2301.00110", position=0).update(author=other, attribution="owner")
    load([paper("2301.00110", person("Ada", "Lovelace"), person("Charles", "Babbage"), version=2, title="v2")])
    slot = Authorship.objects.get(paper__arxiv_id="2301.00110", position=0)
    assert slot.author_id == other.id and slot.attribution == "owner"


def test_a_changed_byline_re_matches_the_changed_slot_and_drops_removed_ones():
    load([paper("2301.00120", person("Ada", "Lovelace"), person("Charles", "Babbage"), person("Alan", "Turing"))])
    load([paper("2301.00120", person("Ada", "Lovelace"), person("Grace", "Hopper"), version=2)])
    assert list(Authorship.objects.filter(paper__arxiv_id="2301.00120").values_list("raw_name", flat=True)) == [
        "Ada Lovelace", "Grace Hopper"
    ]
    assert Author.objects.get(name_key="babbage|charles").works_count == 0
    assert Author.objects.get(name_key="turing|alan").works_count == 0
    assert Paper.objects.get(arxiv_id="2301.00120").authors_count == 2


def test_affiliations_become_institutions_and_the_latest_fills_the_author_affiliation():
    load([paper("2301.00130", person("Ada", "Lovelace", affiliation="University of London"), year=2020)])
    load([paper("2301.00131", person("Ada", "Lovelace", affiliation="Université Paris-Saclay"), year=2022)])
    assert set(Institution.objects.values_list("key", flat=True)) == {"university of london", "universite paris-saclay"}
    assert Author.objects.get().affiliation == "Université Paris-Saclay"
    assert Authorship.objects.get(paper__arxiv_id="2301.00130").institution.name == "University of London"


def test_a_github_url_in_the_abstract_or_comments_sets_the_code_badge():
    load([
        paper("2301.00140", person("A", "B"), abstract="Code is at https://github.com/facebookresearch/LLM-QAT."),
        paper("2301.00141", person("A", "B"), comments="10 pages (code: gitlab.com/group/project)"),
        paper("2301.00142", person("A", "B"), abstract="No code here; see github for nothing."),
    ])
    got = dict(Paper.objects.values_list("arxiv_id", "code_url"))
    assert got == {
        "2301.00140": "https://github.com/facebookresearch/LLM-QAT",
        "2301.00141": "https://gitlab.com/group/project",
        "2301.00142": "",
    }
    assert list(Paper.objects.filter(has_code=True).values_list("arxiv_id", flat=True).order_by("arxiv_id")) == [
        "2301.00140", "2301.00141"
    ]


def test_find_code_url_strips_trailing_punctuation():
    assert find_code_url("(see https://github.com/a/b).") == "https://github.com/a/b"
    assert find_code_url("https://github.com/a/b/tree/main/src;") == "https://github.com/a/b/tree/main/src"
    assert find_code_url("www.github.com only") == ""


def test_works_counts_years_and_close_collaborators_are_maintained():
    liu, oguz, k = person("Zechun", "Liu"), person("Barlas", "Oguz"), person("Raghuraman", "Krishnamoorthi")
    load([paper("2301.00150", liu, oguz, year=2021), paper("2301.00151", liu, oguz, k, year=2023)])
    author = Author.objects.get(name_key="liu|zechun")
    assert (author.works_count, author.first_year, author.last_year) == (2, 2021, 2023)
    assert author.close_collaborators_count == 1  # Oguz shares two papers, Krishnamoorthi one
    assert Author.objects.get(name_key="krishnamoorthi|raghuraman").close_collaborators_count == 0
    load([paper("2301.00152", liu, k, year=2024)])
    author.refresh_from_db()
    assert author.close_collaborators_count == 2
    assert Author.objects.get(name_key="krishnamoorthi|raghuraman").close_collaborators_count == 1


def test_topics_read_like_names_and_weights_aggregate_per_author():
    liu = person("Zechun", "Liu")
    records = [
        paper(f"2301.0016{i}", liu, title=title, abstract=ML_ABSTRACTS[i], categories=("cs.LG", "cs.CV"))
        for i, title in enumerate([
            "Binary neural networks for quantization",
            "Quantization of binary neural networks",
            "Neural architecture search for binary neural networks",
            "Low-bit quantization of language models",
        ])
    ]
    load(records)
    names = set(Topic.objects.values_list("name", flat=True))
    assert {"Machine Learning", "Computer Vision and Pattern Recognition"} <= names
    assert {"binary neural networks", "quantization", "neural architecture search"} <= names
    assert not any("." in n and n.startswith("cs") for n in names)
    assert "paper propose" not in names
    assert Topic.objects.get(code="cs.LG").papers_count == 4
    author = Author.objects.get()
    weights = list(AuthorTopic.objects.filter(author=author).values_list("weight", flat=True))
    assert abs(sum(weights) - 1.0) < 1e-6
    top = AuthorTopic.objects.filter(author=author).order_by("-weight").first()
    assert top.topic.code == "cs.LG" and top.papers_count == 4
    assert author.topics_count >= 3


def test_a_paper_weighs_once_on_a_record_holding_two_of_its_slots():
    # Two namesakes on one byline meet on one record; the paper must not count twice for it.
    load([
        paper("2301.00165", person("J.", "Smith"), person("J.", "Smith"), categories=("cs.LG",)),
        paper("2301.00166", person("J.", "Smith"), categories=("math.CO",)),
    ])
    author = Author.objects.get()
    assert author.works_count == 2
    weights = dict(AuthorTopic.objects.filter(author=author).values_list("topic__code", "weight"))
    assert weights == {"cs.LG": 0.5, "math.CO": 0.5}
    assert set(AuthorTopic.objects.filter(author=author).values_list("papers_count", flat=True)) == {1}


def test_the_data_changed_watermark_moves_only_for_authors_whose_authorships_changed():
    load([paper("2301.00170", person("Ada", "Lovelace")), paper("2301.00171", person("Alan", "Turing"))])
    Author.objects.update(data_changed_at=dt.datetime(2020, 1, 1, tzinfo=UTC))
    before = dict(Author.objects.values_list("name_key", "data_changed_at"))
    load([paper("2301.00172", person("Ada", "Lovelace"))])
    after = dict(Author.objects.values_list("name_key", "data_changed_at"))
    assert after["lovelace|ada"] > before["lovelace|ada"]
    assert after["turing|alan"] == before["turing|alan"]


def test_batches_are_independent_transactions_and_counts_add_up():
    records = [paper(f"2302.{i:05d}", person("Ada", "Lovelace"), person(f"Co{i}", "Author")) for i in range(25)]
    run = load(records, batch_size=7)
    assert counts(run) == (25, 25, 0, 0, 0)
    assert Author.objects.get(name_key="lovelace|ada").works_count == 25
    assert ImportRun.objects.get(pk=run.pk).state == "succeeded"


def test_author_counts_owed_by_a_killed_import_are_settled_by_the_next_drain():
    from papers.ingest.load import BatchLoader, drain_author_refresh
    from papers.models import PendingAuthorRefresh

    run = import_run_start(source="killed", format="test")
    # A batch committed, then the process died before the end-of-run drain.
    BatchLoader(run=run).load_batch([paper("2301.00180", person("Ada", "Lovelace"), person("Alan", "Turing"))])
    assert PendingAuthorRefresh.objects.count() == 2
    assert Author.objects.get(name_key="lovelace|ada").works_count == 0
    assert drain_author_refresh() == 2
    assert Author.objects.get(name_key="lovelace|ada").works_count == 1
    assert not PendingAuthorRefresh.objects.exists()


def test_the_refresh_queue_remembers_a_change_until_the_drain_whatever_later_batches_only_touch():
    from papers.ingest.load import BatchLoader, drain_author_refresh
    from papers.models import PendingAuthorRefresh

    def queued():
        return dict(PendingAuthorRefresh.objects.values_list("author__name_key", "authorships_changed"))

    loader = BatchLoader(run=import_run_start(source="batches", format="test"))
    loader.load_batch([paper("2301.00185", person("Ada", "Lovelace"), title="First title")])
    assert queued() == {"lovelace|ada": True}
    # A new version with the same byline keeps Ada's slot: it touches her record, changes nothing.
    loader.load_batch([paper("2301.00185", person("Ada", "Lovelace"), title="Second title", version=2)])
    assert queued() == {"lovelace|ada": True}
    assert drain_author_refresh() == 1
    # Touched first, then changed by a later batch: the queue holds the change.
    loader.load_batch([paper("2301.00185", person("Ada", "Lovelace"), title="Third title", version=3)])
    assert queued() == {"lovelace|ada": False}
    loader.load_batch([paper("2301.00186", person("Ada", "Lovelace"))])
    assert queued() == {"lovelace|ada": True}
    assert drain_author_refresh() == 1
    assert Author.objects.get(name_key="lovelace|ada").works_count == 2


def test_a_load_relaxes_the_gc_and_shortens_the_switch_interval_while_it_runs_then_restores_both_after_success_or_fault():
    import gc
    import sys

    from papers.ingest.load.pipeline import LOAD_GC_THRESHOLDS, LOAD_SWITCH_INTERVAL

    before = gc.get_threshold(), sys.getswitchinterval()
    assert LOAD_SWITCH_INTERVAL < before[1]
    seen = []
    run = import_run_start(source="gc", format="test")
    load_records([paper("2301.00187", person("Ada", "Lovelace"))], run=run,
                 on_batch=lambda stats: seen.append((gc.get_threshold(), sys.getswitchinterval())))
    assert seen == [(LOAD_GC_THRESHOLDS, LOAD_SWITCH_INTERVAL)]
    assert (gc.get_threshold(), sys.getswitchinterval()) == before

    def broken():
        yield paper("2301.00188", person("Ada", "Lovelace"))
        raise ValueError("truncated")

    with pytest.raises(ValueError):
        load_records(broken(), run=import_run_start(source="gc", format="test"))
    assert (gc.get_threshold(), sys.getswitchinterval()) == before


def test_a_source_fault_still_settles_the_counts_of_the_records_it_kept():
    def source():
        yield paper("2301.00190", person("Ada", "Lovelace"))
        raise ValueError("truncated")

    run = import_run_start(source="broken", format="test")
    with pytest.raises(ValueError):
        load_records(source(), run=run)
    assert Author.objects.get(name_key="lovelace|ada").works_count == 1


def test_refresh_author_aggregates_recounts_named_authors_on_demand():
    from papers.ingest.load import refresh_author_aggregates

    load([paper("2301.00200", person("Ada", "Lovelace")), paper("2301.00201", person("Ada", "Lovelace"))])
    ada = Author.objects.get(name_key="lovelace|ada")
    Author.objects.filter(pk=ada.pk).update(works_count=99, topics_count=0)
    assert refresh_author_aggregates([ada.pk]) == 1
    ada.refresh_from_db()
    assert ada.works_count == 2 and ada.topics_count > 0


def test_an_import_leaves_no_link_row_pointing_at_a_missing_paper_author_or_topic():
    # The link tables have no database foreign keys (papers/models.py says why), so the
    # loader's own joins are what keeps them whole: check every key after creates, updates,
    # byline changes and a deletion.
    load([paper("2401.00001", person("Ada", "Lovelace"), person("Alan", "Turing"), abstract=ML_ABSTRACTS[0]),
          paper("2401.00002", person("Alan", "Turing"), abstract=ML_ABSTRACTS[1])])
    load([paper("2401.00001", person("Grace", "Hopper"), version=2, abstract=ML_ABSTRACTS[2]),
          paper("2401.00002", deleted=True)])
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(
            """
            SELECT (SELECT count(*) FROM papers_authorship a WHERE NOT EXISTS
                        (SELECT 1 FROM papers_paper p WHERE p.id = a.paper_id)
                     OR NOT EXISTS (SELECT 1 FROM researchers_author r WHERE r.id = a.author_id)),
                   (SELECT count(*) FROM papers_papertopic pt WHERE NOT EXISTS
                        (SELECT 1 FROM papers_paper p WHERE p.id = pt.paper_id)
                     OR NOT EXISTS (SELECT 1 FROM papers_topic t WHERE t.id = pt.topic_id)),
                   (SELECT count(*) FROM papers_authortopic at WHERE NOT EXISTS
                        (SELECT 1 FROM researchers_author r WHERE r.id = at.author_id)
                     OR NOT EXISTS (SELECT 1 FROM papers_topic t WHERE t.id = at.topic_id))
            """
        )
        assert cur.fetchone() == (0, 0, 0)
    assert Authorship.objects.filter(paper__arxiv_id="2401.00001").get().author.display_name == "Grace Hopper"


def test_the_first_batch_of_a_big_import_is_one_topic_window_and_the_rest_full_batches():
    from papers.ingest.load import batches
    from papers.ingest.load.limits import TOPIC_WINDOW

    sizes = [len(batch) for batch, _error in batches(range(5 * TOPIC_WINDOW), 2 * TOPIC_WINDOW, first=TOPIC_WINDOW)]
    assert sizes == [TOPIC_WINDOW, 2 * TOPIC_WINDOW, 2 * TOPIC_WINDOW]


def test_topic_counts_follow_papers_across_batches_and_updates():
    ada = person("Ada", "Lovelace")
    load([paper(f"2301.0030{i}", ada, categories=("cs.LG", "stat.ML") if i % 2 else ("cs.LG",)) for i in range(5)],
         batch_size=2)
    assert Topic.objects.get(code="cs.LG").papers_count == 5
    assert Topic.objects.get(code="stat.ML").papers_count == 2
    # A new version moves a paper from stat.ML to math.PR: one topic loses it, another gains it.
    load([paper("2301.00301", ada, categories=("cs.LG", "math.PR"), version=2)])
    counts = dict(Topic.objects.filter(kind="category").values_list("code", "papers_count"))
    assert counts["cs.LG"] == 5 and counts["stat.ML"] == 1 and counts["math.PR"] == 1
    assert all(PaperTopic.objects.filter(topic__code=code).count() == n for code, n in counts.items())


def test_topic_counts_owed_by_a_killed_import_are_applied_by_the_next_load():
    from papers.ingest.load import BatchLoader
    from papers.models import PendingTopicCount

    run = import_run_start(source="killed", format="test")
    loader = BatchLoader(run=run)
    loader.load_batch([paper("2301.00310", person("Ada", "Lovelace"))])
    # A batch committed after the topic existed, then the process died before the end-of-run drain.
    loader.load_batch([paper("2301.00311", person("Alan", "Turing"))])
    assert Topic.objects.get(code="cs.LG").papers_count == 1
    assert PendingTopicCount.objects.exists()
    load([paper("2301.00312", person("Grace", "Hopper"), categories=("math.PR",))])
    assert Topic.objects.get(code="cs.LG").papers_count == 2
    assert not PendingTopicCount.objects.exists()


def test_paper_rows_written_as_copy_text_read_back_as_the_values_themselves():
    from django.db import connection

    from papers.ingest.load.prepare import paper_line

    tricky = 'Tabs\tand\nnew lines, a back\\slash, "quotes", {braces}, commas, \\N and ünïcödé'
    rec = paper("2301.00320", person("Ada", "Lovelace"), title=tricky, abstract=tricky + "\r\x00end",
                categories=("cs.LG", 'we"ird,{cat}\\'), doi=None, comments=tricky, withdrawn=True)
    versions = [{"version": 1, "date": "2023-03-01T00:00:00+00:00", "size": "1kb"}]
    with connection.cursor() as cur:
        cur.execute("CREATE TEMP TABLE t_line (arxiv_id text, version int, versions text, title text, abstract text, "
                    "categories text[], primary_category text, submitted timestamptz, updated timestamptz, year int, "
                    "doi text, journal_ref text, comments text, license text, report_no text, submitter text, "
                    "has_code bool, code_url text, withdrawn bool, authors_count int, content_hash text)")
        with cur.copy("COPY t_line FROM STDIN") as copy:
            copy.write(paper_line(rec, "d" * 32, versions))
        cur.execute("SELECT title, abstract, categories, submitted, updated, year, doi, comments, withdrawn, "
                    "authors_count, versions::jsonb, content_hash FROM t_line")
        row = cur.fetchone()
    assert row[0] == tricky and row[1] == tricky + "\rend"
    assert row[2] == ["cs.LG", 'we"ird,{cat}\\']
    assert row[3] == row[4] == dt.datetime(2023, 3, 1, tzinfo=dt.UTC) and row[5] == 2023
    assert row[6] == "" and row[7] == tricky and row[8] is True and row[9] == 1
    assert json.loads(row[10]) == versions and row[11] == "d" * 32


@pytest.mark.parametrize("value", [
    "", "plain", "a\tb", "line\nbreak\r\n", "back\\slash", "\\t is not a tab", "\\\\N", "ünï\tcödé\\", "\t\n\r\\" * 3,
])
def test_copy_text_escapes_exactly_as_a_per_character_table_does(value):
    from papers.ingest.load.prepare import copy_text

    table = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
    assert copy_text(value) == value.translate(table)


def test_content_hashes_encode_records_exactly_as_the_standard_json_library_did():
    import orjson

    from papers.ingest.load.prepare import content_hash

    tricky = 'quotes " and \\ backslash, \t\n\r\x01\x1f\x7f controls, ünïcödé, \u2028, 𝔼=mc², emoji 🧪'
    payload = [tricky, 1, None, True, False, [tricky, "cs.LG"], [[tricky, "", False, "0000-0002-1825-0097"]]]
    # Stored hashes were made with json.dumps: a different encoding would rewrite every paper once.
    assert orjson.dumps(payload) == json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    rec = paper("2301.00330", person("Zoë", "Ångström", affiliation=tricky), title=tricky, abstract=tricky)
    assert content_hash(rec) == "5aa9ca2b9568a3fda55f93f66146e3ce"  # the value json.dumps gave
