"""Curator admin of the papers app: every model registered, searchable, and the import progress bar."""

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.urls import reverse

from papers.models import (
    Authorship,
    AuthorTopic,
    ImportRun,
    Institution,
    Paper,
    PaperTopic,
    PendingAuthorRefresh,
    Topic,
)
from tests.factories import AuthorshipFactory, AuthorTopicFactory, PaperFactory, PaperTopicFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def curator(client):
    user = get_user_model().objects.create_superuser("curator", "curator@example.org", "pw-curator-123")
    client.force_login(user)
    return client


def test_every_papers_model_is_registered_in_the_admin_but_the_derived_author_topics():
    for model in (Paper, Authorship, Institution, Topic, PaperTopic, ImportRun, PendingAuthorRefresh):
        assert admin.site.is_registered(model), model.__name__
    # Keyed by (author, topic), which the admin cannot list: an author's page shows them instead.
    assert not admin.site.is_registered(AuthorTopic)


def test_an_authors_admin_page_shows_their_maintained_topics(curator):
    topic = AuthorTopicFactory(papers_count=3)
    url = reverse("admin:researchers_author_change", args=[topic.author_id])
    body = curator.get(url).content.decode()
    assert f"{topic.topic.name} (3)" in body


@pytest.mark.parametrize(
    "model", [Paper, Authorship, Institution, Topic, PaperTopic, ImportRun, PendingAuthorRefresh]
)
def test_each_changelist_renders_with_a_search(curator, model):
    AuthorshipFactory()
    PaperTopicFactory()
    AuthorTopicFactory()
    url = reverse(f"admin:papers_{model._meta.model_name}_changelist")
    assert curator.get(url, {"q": "quantization"}).status_code == 200
    assert curator.get(url).status_code == 200


def test_papers_are_found_by_arxiv_id_and_filtered_by_code_and_year(curator):
    with_code = PaperFactory(arxiv_id="2401.11111", has_code=True, code_url="https://github.com/a/b")
    PaperFactory(arxiv_id="2401.22222")
    url = reverse("admin:papers_paper_changelist")
    body = curator.get(url, {"q": "2401.11111"}).content.decode()
    assert "2401.11111" in body and "2401.22222" not in body
    body = curator.get(url, {"has_code__exact": "1", "year": str(with_code.year)}).content.decode()
    assert "2401.11111" in body and "2401.22222" not in body
    assert curator.get(reverse("admin:papers_paper_change", args=[with_code.pk])).status_code == 200


def test_import_runs_show_a_progress_bar_and_pretty_errors(curator):
    running = ImportRun.objects.create(source="/data/snapshot.json.gz", format="kaggle", state="running",
                                       seen=250, total_expected=1000)
    ImportRun.objects.create(source="https://export.arxiv.org/oai2", format="oai", state="running", seen=7)
    failed = ImportRun.objects.create(source="/data/bad.xml", format="oai", state="partial", failed=3, seen=10,
                                      errors=[{"record_id": "0704.0001", "reason": "missing title"}])
    body = curator.get(reverse("admin:papers_importrun_changelist")).content.decode()
    assert '<progress value="25" max="100"' in body
    assert '<progress title="7 seen"' in body
    assert curator.get(reverse("admin:papers_importrun_changelist"), {"state__exact": "partial"}).status_code == 200
    detail = curator.get(reverse("admin:papers_importrun_change", args=[failed.pk])).content.decode()
    assert "missing title" in detail and "0704.0001" in detail and "2 more" in detail
    assert running.progress_percent == 25
