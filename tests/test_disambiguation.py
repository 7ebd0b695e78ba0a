"""Author disambiguation (issue 14): S2AND splits namesakes and joins variants, maps clusters to
records stably, obeys people's decisions, links new works incrementally, and runs from an
eager import, the command and a real worker."""

import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from papers.models import Authorship
from researchers.confidence import LOW_CONFIDENCE_THRESHOLD
from researchers.disambiguation.evaluation import b3
from researchers.disambiguation.services import blocks_disambiguate, identity_blocks_dispatch
from researchers.models import (
    Author,
    Claim,
    ClaimSlot,
    ClaimState,
    ClaimStatus,
    EventKind,
    Follow,
    IdentityEvent,
    PendingIdentityBlock,
    SlotDecision,
)
from tests.factories import UserFactory
from tests.factories import record_paper as paper, record_person as person, records_load as load

pytestmark = pytest.mark.django_db

PHYSICS = ["Holographic entanglement entropy in anti-de Sitter black hole backgrounds",
           "Conformal bootstrap bounds on string theory compactifications and black holes",
           "Supersymmetric gauge theory dualities and holographic renormalization",
           "Black hole thermodynamics from the AdS/CFT correspondence at finite coupling"]
VISION = ["Convolutional networks for real-time semantic segmentation of street scenes",
          "Self-supervised visual representation learning for object detection",
          "Vision transformers for few-shot image classification benchmarks"]


def physicist_papers(start=1, n=4):
    return [paper(f"2301.{start + i:05d}", person("Wei", "Zhang", affiliation="Institute for Advanced Study"),
                  person("Juan", "Maldacena"), person("Edward", "Witten"), title=PHYSICS[i % 4],
                  abstract=PHYSICS[i % 4] + " in string theory.", categories=("hep-th",), year=2015 + i)
            for i in range(n)]


def vision_papers(start=101, n=3, year=2022):
    return [paper(f"2301.{start + i:05d}", person("Kaiming", "He"), person("Wei", "Zhang", affiliation="Meta AI"),
                  person("Ross", "Girshick"), title=VISION[i % 3], abstract=VISION[i % 3] + " with deep networks.",
                  categories=("cs.CV",), year=year + i)
            for i in range(n)]


def records_of(keyname="Zhang"):
    return {a.slug: a for a in Author.objects.filter(display_name__endswith=keyname, merged_into__isnull=True)}


def works(author):
    return set(Authorship.objects.filter(author=author).values_list("paper__arxiv_id", flat=True))


def test_namesakes_on_one_record_are_split_and_the_larger_cluster_keeps_the_slug_and_its_followers():
    load(physicist_papers() + vision_papers())
    record = Author.objects.get(slug="wei-zhang")
    assert len(works(record)) == 7  # the name key put both people on one record
    follower = UserFactory()
    Follow.objects.create(user=follower, author=record)

    stats = blocks_disambiguate(block_keys=["zhang|w"])

    assert stats["created"] == 1 and stats["moved"] == 3
    split = Author.objects.get(slug="wei-zhang-2")
    record.refresh_from_db()
    assert works(record) == {f"2301.{i:05d}" for i in range(1, 5)}
    assert works(split) == {"2301.00101", "2301.00102", "2301.00103"}
    assert Follow.objects.get(user=follower).author_id == record.pk
    assert (record.works_count, split.works_count) == (4, 3)
    # Every slot now carries the model's confidence and its evidence.
    slots = Authorship.objects.filter(author__in=[record, split])
    assert all(s.confidence is not None and 0 <= s.confidence <= 1 for s in slots)
    assert "shared coauthor" in slots.filter(author=split).first().evidence
    event = IdentityEvent.objects.get(author=split, kind=EventKind.CLUSTER)
    assert event.actor is None and event.payload["model"].startswith("s2and")
    assert event.payload["moves"][0]["from"] == record.pk
    assert not PendingIdentityBlock.objects.filter(block_key="zhang|w").exists()


def test_name_variants_of_one_person_are_joined_and_the_emptied_record_forwards():
    coauthors = [person("Maria", "Lopez"), person("Tomas", "Berg")]
    load([
        paper("2302.00001", person("Nathaniel F.", "Reed", affiliation="ETH Zurich"), *coauthors,
              title="Graph neural networks for molecular property prediction", categories=("cs.LG",)),
        paper("2302.00002", person("Nathaniel F.", "Reed", affiliation="ETH Zurich"), *coauthors,
              title="Message passing networks for molecular property prediction", categories=("cs.LG",)),
        paper("2302.00003", person("Nathaniel", "Reed", affiliation="ETH Zurich"), *coauthors,
              title="Equivariant graph networks for molecular property prediction", categories=("cs.LG",)),
    ])
    assert Author.objects.filter(display_name__endswith="Reed").count() == 2

    blocks_disambiguate(block_keys=["reed|n"])

    live = Author.objects.get(display_name__endswith="Reed", merged_into__isnull=True)
    assert live.display_name == "Nathaniel F. Reed" and live.works_count == 3
    assert Author.objects.get(display_name="Nathaniel Reed").merged_into_id == live.pk


def test_an_owners_confirmed_slots_stay_and_a_not_me_slot_never_goes_back():
    load(physicist_papers() + vision_papers())
    record = Author.objects.get(slug="wei-zhang")
    owner = UserFactory()
    claim = Claim.objects.create(author=record, user=owner, status=ClaimStatus.ACTIVE)
    Author.objects.filter(pk=record.pk).update(owner=owner, claim_state=ClaimState.CLAIMED)
    physics = Authorship.objects.filter(author=record, paper__arxiv_id__in=["2301.00001", "2301.00002"])
    physics.update(attribution="owner")
    # The owner also confirmed one vision paper: the model must leave it on the owner's record.
    mine = Authorship.objects.get(author=record, paper__arxiv_id="2301.00101")
    Authorship.objects.filter(pk=mine.pk).update(attribution="owner")
    not_me = Authorship.objects.get(author=record, paper__arxiv_id="2301.00004")
    ClaimSlot.objects.create(claim=claim, authorship=not_me, decision=SlotDecision.NOT_ME)

    blocks_disambiguate(block_keys=["zhang|w"], full=True)

    record.refresh_from_db()
    assert record.slug == "wei-zhang" and record.display_name == "Wei Zhang" and record.merged_into is None
    assert {"2301.00001", "2301.00002", "2301.00101"} <= works(record)
    assert "2301.00004" not in works(record)
    confirmed = Authorship.objects.get(pk=mine.pk)
    assert (confirmed.confidence, confirmed.evidence) == (1.0, "confirmed by the record's owner")


def test_a_new_work_is_linked_into_the_existing_cluster_of_its_person():
    load(physicist_papers() + vision_papers())
    blocks_disambiguate(block_keys=["zhang|w"])
    vision = Author.objects.get(slug="wei-zhang-2")
    # A new vision paper lands, by name, on the oldest "Wei Zhang" record (the physicist's).
    load(vision_papers(start=104, n=1, year=2025))
    new_slot = Authorship.objects.get(paper__arxiv_id="2301.00104", keyname="Zhang")
    assert new_slot.author.slug == "wei-zhang" and new_slot.confidence is None

    blocks_disambiguate(block_keys=["zhang|w"])

    new_slot.refresh_from_db()
    assert new_slot.author_id == vision.pk and new_slot.confidence is not None
    assert Author.objects.get(slug="wei-zhang").works_count == 4


def test_uncertain_works_are_counted_below_the_published_threshold():
    load(physicist_papers() + vision_papers())
    blocks_disambiguate(block_keys=["zhang|w"])
    for author in Author.objects.filter(slug__startswith="wei-zhang"):
        low = Authorship.objects.filter(author=author, confidence__lt=LOW_CONFIDENCE_THRESHOLD).count()
        assert author.uncertain_works_count == low


def test_the_command_runs_one_block_and_rejects_a_malformed_key(capsys):
    load(physicist_papers() + vision_papers())
    call_command("disambiguate_authors", "--block", "zhang|w")
    assert "1 block(s), 1 clustered" in capsys.readouterr().out
    assert Author.objects.filter(slug="wei-zhang-2").exists()
    with pytest.raises(CommandError, match="surname\\|first initial"):
        call_command("disambiguate_authors", "--block", "zhang")


def test_a_block_with_no_records_is_reported_as_nothing_clustered():
    stats = blocks_disambiguate(block_keys=["nobody|x"])
    assert stats == {"blocks": 1, "clustered": 0, "signatures": 0, "moved": 0, "created": 0, "events": 0}


def test_imports_queue_the_blocks_they_touch():
    load(physicist_papers(n=2))
    assert set(PendingIdentityBlock.objects.values_list("block_key", flat=True)) == {
        "zhang|w", "maldacena|j", "witten|e"}


def test_a_block_waiting_to_be_sent_is_left_as_it_is_and_a_sent_one_is_queued_again():
    from django.utils import timezone

    from papers.ingest.load import BatchLoader
    from papers.services import import_run_start

    def row():
        with connection.cursor() as cur:
            cur.execute("SELECT ctid::text, dispatched_at FROM researchers_pendingidentityblock WHERE block_key = 'zhang|w'")
            return cur.fetchone()

    loader = BatchLoader(run=import_run_start(source="batches", format="test"))
    loader.load_batch([paper("2301.00401", person("Wei", "Zhang"))])
    waiting = row()
    loader.load_batch([paper("2301.00402", person("Wei", "Zhang"))])
    assert row() == waiting  # not rewritten: its dispatch will send it with both papers
    PendingIdentityBlock.objects.update(dispatched_at=timezone.now())  # sent to a worker
    loader.load_batch([paper("2301.00403", person("Wei", "Zhang"))])
    assert row()[1] is None  # queued again, for the papers the running task may not have read


def test_b3_scores_a_perfect_partition_one_and_penalises_a_merge():
    truth = {"a": 1, "b": 1, "c": 2}
    assert b3({"a": "x", "b": "x", "c": "y"}, truth) == (1.0, 1.0, 1.0)
    precision, recall, _f1 = b3({"a": "x", "b": "x", "c": "x"}, truth)
    assert recall == 1.0 and precision == pytest.approx((2 * 2 / 3 + 1 / 3) / 3)


def _kaggle_line(record):
    # No authors_parsed: the authors string carries the affiliations in parentheses, as arXiv's does.
    authors = ", ".join(f"{a.forenames} {a.keyname}" + (f" ({a.affiliation})" if a.affiliation else "")
                        for a in record.authors)
    year = record.submitted.year
    return json.dumps({
        "id": record.arxiv_id, "submitter": "Wei Zhang", "authors": authors, "title": record.title,
        "comments": None, "journal-ref": None, "doi": None, "report-no": None,
        "categories": record.categories[0], "license": None, "abstract": record.abstract,
        "versions": [{"version": "v1", "created": f"Mon, 2 Apr {year} 00:00:00 GMT"}],
        "update_date": f"{year}-04-02",
    })


@pytest.mark.django_db(transaction=True)
def test_an_eager_import_arxiv_leaves_the_records_disambiguated(tmp_path, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    lines = [_kaggle_line(p) for p in physicist_papers() + vision_papers()]
    source = tmp_path / "snapshot.jsonl"
    source.write_text("\n".join(lines) + "\n")

    call_command("import_arxiv", str(source))

    assert not Authorship.objects.filter(confidence__isnull=True).exists()
    assert {a.works_count for a in records_of().values()} == {4, 3}
    assert not PendingIdentityBlock.objects.exists()


@pytest.mark.celery
@pytest.mark.django_db(transaction=True)
def test_the_identity_task_runs_on_a_real_worker(celery_not_eager):
    load(physicist_papers() + vision_papers())
    import time

    with connection.cursor() as cur:
        cur.execute("UPDATE researchers_pendingidentityblock SET dispatched_at = NULL")
    assert identity_blocks_dispatch() == 5
    for _ in range(240):
        if not Authorship.objects.filter(confidence__isnull=True).exists():
            break
        time.sleep(0.5)
    assert not Authorship.objects.filter(confidence__isnull=True).exists()
    assert Author.objects.filter(slug="wei-zhang-2").exists()


def test_a_block_above_the_subblock_size_is_cut_by_s2and_subblocking_and_still_clustered(monkeypatch):
    from researchers.disambiguation import engine
    from researchers.disambiguation.counts import name_counts

    monkeypatch.setattr(engine, "MAX_SUBBLOCK", 3)
    sigs = [engine.Signature(sid=str(i), paper_id=f"p{i}", position=0, first=first, middle="", last="Wang",
                             byline=[f"{first} Wang", "Ada Lovelace"], title="Graph networks", categories="cs.LG",
                             year=2020)
            for i, first in enumerate(["Yi", "Yi", "Yi", "Yang", "Yang", "Yang"])]
    counts = name_counts([("Yi", "Wang", 1), ("Yang", "Wang", 1)])
    result = engine.cluster_block(sigs, name_counts=counts)
    assert sorted(sid for c in result.clusters for sid in c) == [str(i) for i in range(6)]
    # Subblocking splits by first name, so a Yi and a Yang never share a cluster.
    assert all(len({sigs[int(s)].first for s in c}) == 1 for c in result.clusters)


def test_blocks_whose_task_was_lost_are_sent_again_by_the_sweep_and_recent_ones_are_left_alone(
        django_capture_on_commit_callbacks):
    from datetime import timedelta

    from django.utils import timezone

    from researchers.disambiguation.services import identity_blocks_redispatch_stale

    load(physicist_papers(n=2))
    pending = PendingIdentityBlock.objects.all()
    assert pending.count() == 3 and not pending.filter(dispatched_at__isnull=True).exists()
    # Sent a minute ago: its task may still be queued.
    pending.update(dispatched_at=timezone.now() - timedelta(minutes=1))
    with django_capture_on_commit_callbacks(execute=True) as sent:
        assert identity_blocks_redispatch_stale() == 0
    assert not sent
    # Sent two hours ago and never finished: the broker lost it.
    pending.update(dispatched_at=timezone.now() - timedelta(hours=2))
    with django_capture_on_commit_callbacks(execute=True) as sent:
        assert identity_blocks_redispatch_stale() == 3
    assert len(sent) == 1
    assert not PendingIdentityBlock.objects.exists()  # the eager task ran: the blocks are clustered
    assert Authorship.objects.filter(confidence__isnull=True).count() == 0


def test_the_sweep_task_sends_nothing_while_identity_tasks_still_wait_on_the_broker(
        monkeypatch, django_capture_on_commit_callbacks):
    from datetime import timedelta

    from django.utils import timezone

    from researchers.disambiguation import tasks

    assert isinstance(tasks.identity_queue_depth(tasks.redispatch_stale_blocks.app), int)  # the real broker answers
    load(physicist_papers(n=2))
    PendingIdentityBlock.objects.update(dispatched_at=timezone.now() - timedelta(hours=2))
    monkeypatch.setattr(tasks, "identity_queue_depth", lambda app: 40)  # a backlog, not lost tasks
    assert tasks.redispatch_stale_blocks.apply().get() == 0
    assert PendingIdentityBlock.objects.count() == 3
    monkeypatch.setattr(tasks, "identity_queue_depth", lambda app: 0)
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.redispatch_stale_blocks.apply().get() == 3
    assert not PendingIdentityBlock.objects.exists()
