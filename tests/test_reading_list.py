"""The reading list: save a paper, see /me/saved, take it off."""

import pytest

from papers.discovery.models import SavedPaper
from tests.factories import PaperFactory, SavedPaperFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_saving_is_idempotent_and_shows_on_me_saved(client):
    user = UserFactory()
    paper = PaperFactory(arxiv_id="2403.00002", title="Worth reading")
    client.force_login(user)
    for _ in range(2):
        response = client.post("/papers/2403.00002/save/", HTTP_HX_REQUEST="true")
        assert response.status_code == 200 and "Saved ✓" in response.content.decode()
    assert SavedPaper.objects.filter(user=user, paper=paper).count() == 1
    html = client.get("/me/saved").content.decode()
    assert "Worth reading" in html and 'href="/me/saved.bib"' in html
    client.post("/papers/2403.00002/unsave/")
    assert not SavedPaper.objects.filter(user=user).exists()
    assert "Nothing saved yet" in client.get("/me/saved/").content.decode()


def test_saving_needs_sign_in_and_an_existing_paper(client):
    response = client.post("/papers/2403.00002/save/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    client.force_login(UserFactory())
    assert client.post("/papers/2499.99999/save/").status_code == 404


def test_the_paper_page_shows_whether_the_viewer_saved_it(client):
    user = UserFactory()
    SavedPaperFactory(user=user, paper=PaperFactory(arxiv_id="2403.00003"))
    assert ">Save</a>" in client.get("/papers/2403.00003/").content.decode()  # signed out: a sign-in link
    client.force_login(user)
    assert "Saved ✓" in client.get("/papers/2403.00003/").content.decode()


def test_me_saved_costs_a_fixed_number_of_queries(client, django_assert_num_queries):
    user = UserFactory()
    for _ in range(12):
        SavedPaperFactory(user=user)
    SavedPaperFactory()  # another reader's
    client.force_login(user)
    # 1 the session, 2 the user, 3 the page of saved papers, 4 their bylines
    with django_assert_num_queries(4):
        response = client.get("/me/saved")
    assert response.content.decode().count('class="paper-row"') == 12
