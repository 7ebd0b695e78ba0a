"""The anonymous profile page served from the cache (researchers/page_cache.py).

A cached copy must carry each response's own secrets, never a visitor's cookie, and never outlive
a change to what the page shows: each change below goes through its real service, then the next
anonymous view must show it.
"""

import re

import pytest
from django.middleware.csrf import _unmask_cipher_token
from django.test import Client

from researchers.models import Author
from researchers.services import claims, follows
from researchers.services.aggregates import author_aggregates_refresh
from tests.factories import (
    AuthorFactory,
    AuthorshipFactory,
    ModeratorFactory,
    PaperFactory,
    UserFactory,
    VerifiedUserFactory,
    author_with_works,
)
from tests.query_budgets import PROFILE_CACHED_QUERIES, PROFILE_QUERIES, PROFILE_SUMMARY_REFRESH_QUERIES

pytestmark = pytest.mark.django_db

HX_TOKEN = re.compile(r"""hx-headers='\{"X-CSRFToken": "([^"]+)"\}'""")


@pytest.fixture
def grace():
    return author_with_works(3, display_name="Grace Hopper", slug="grace-hopper")


def html(response):
    return response.content.decode()


def page_token(response):
    return HX_TOKEN.search(html(response)).group(1)


def without_token(response):
    return HX_TOKEN.sub("", html(response))


def test_a_second_anonymous_view_is_served_from_the_cache_in_one_query(client, grace, django_assert_num_queries):
    # The version, the render, the summary it stores, and the version again to key the copy on it.
    with django_assert_num_queries(1 + PROFILE_QUERIES + PROFILE_SUMMARY_REFRESH_QUERIES + 1):
        first = client.get("/researchers/grace-hopper/")
    with django_assert_num_queries(PROFILE_CACHED_QUERIES):
        second = client.get("/researchers/grace-hopper/")
    assert second.status_code == 200 and second["Content-Type"] == "text/html; charset=utf-8"
    assert without_token(second) == without_token(first) and "Grace Hopper" in html(second)
    # The same headers as a render: the middleware builds them for each response.
    for header in ("Vary", "Content-Security-Policy", "X-Frame-Options", "Referrer-Policy", "Cache-Control"):
        assert second.get(header) == first.get(header), header


def test_another_process_is_served_the_shared_copy_from_redis(client, grace, django_assert_num_queries):
    from researchers import page_cache

    first = client.get("/researchers/grace-hopper/")
    page_cache._local.clear()  # as in a worker that did not render it
    with django_assert_num_queries(PROFILE_CACHED_QUERIES):
        second = client.get("/researchers/grace-hopper/")
    assert without_token(second) == without_token(first)
    assert _unmask_cipher_token(page_token(second)) == client.cookies["csrftoken"].value


def test_a_head_request_is_answered_from_the_cache_too(client, grace, django_assert_num_queries):
    client.get("/researchers/grace-hopper/")
    with django_assert_num_queries(PROFILE_CACHED_QUERIES):
        assert client.head("/researchers/grace-hopper/").status_code == 200


def test_each_cached_response_carries_a_fresh_csrf_token_that_validates(grace):
    Client().get("/researchers/grace-hopper/")  # stores the page
    visitor = Client(enforce_csrf_checks=True)
    one, two = visitor.get("/researchers/grace-hopper/"), visitor.get("/researchers/grace-hopper/")
    assert page_token(one) != page_token(two)  # masked per response (BREACH)
    secret = visitor.cookies["csrftoken"].value
    assert _unmask_cipher_token(page_token(one)) == _unmask_cipher_token(page_token(two)) == secret
    # The graph's retry form is an anonymous htmx POST: the cached page's token is accepted.
    retry = visitor.post("/researchers/grace-hopper/graph/retry/", HTTP_X_CSRFTOKEN=page_token(two))
    assert retry.status_code == 302
    assert Client(enforce_csrf_checks=True).post("/researchers/grace-hopper/graph/retry/").status_code == 403


def test_a_cached_page_never_carries_another_visitors_cookie_or_token(grace):
    first = Client()
    stored = first.get("/researchers/grace-hopper/")
    first_secret = first.cookies["csrftoken"].value
    other = Client()
    response = other.get("/researchers/grace-hopper/")
    assert set(response.cookies) == {"csrftoken"}  # no session cookie, no one else's
    assert response.cookies["csrftoken"].value != first_secret
    assert page_token(stored) not in html(response) and first_secret not in html(response)
    assert _unmask_cipher_token(page_token(response)) == response.cookies["csrftoken"].value
    # A visitor who already has a token keeps it (Django re-sends the cookie unchanged, as on a render).
    again = first.get("/researchers/grace-hopper/")
    assert again.cookies["csrftoken"].value == first_secret
    assert _unmask_cipher_token(page_token(again)) == first_secret


def test_the_cached_page_asks_for_no_nonce_and_gets_the_policy_header_per_response(client, grace):
    client.get("/researchers/grace-hopper/")
    response = client.get("/researchers/grace-hopper/")
    assert "nonce" not in html(response)
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy


def test_a_page_that_uses_a_nonce_gets_a_new_one_in_each_cached_response(client, grace, monkeypatch):
    from researchers import page_cache

    render = page_cache.render_to_string

    def render_with_a_script(template_name, context, request):
        page = render(template_name, context, request)
        return page.replace("</body>", f'<script nonce="{request.csp_nonce}">1</script></body>')

    monkeypatch.setattr(page_cache, "render_to_string", render_with_a_script)
    nonces = []
    for _ in range(2):
        response = client.get("/researchers/grace-hopper/")
        nonce = re.search(r'<script nonce="([^"]+)">', html(response)).group(1)
        assert f"'nonce-{nonce}'" in response["Content-Security-Policy"]
        nonces.append(nonce)
    assert nonces[0] != nonces[1]


def test_a_follow_shows_on_the_next_anonymous_view(client, grace, django_assert_num_queries):
    assert "data-follower-count>0<" in html(client.get("/researchers/grace-hopper/"))
    follows.follow_create(user=UserFactory(), author=grace)
    with django_assert_num_queries(1 + PROFILE_QUERIES):  # the version, then a render
        assert "data-follower-count>1<" in html(client.get("/researchers/grace-hopper/"))


def test_a_claim_shows_on_the_next_anonymous_view(client):
    author = author_with_works(3, affiliation="Meta AI", slug="zechun-liu")
    assert "Unclaimed author" in html(client.get("/researchers/zechun-liu/"))
    claims.claim_submit(user=VerifiedUserFactory(email="zl@meta.com"), author=author)
    page = html(client.get("/researchers/zechun-liu/"))
    assert "data-claimed-badge" in page and "Unclaimed author" not in page
    assert "email at meta.com matches affiliation Meta AI" in page  # the owning claim's evidence


def test_a_new_work_shows_on_the_next_anonymous_view(client, grace):
    assert "A brand new result" not in html(client.get("/researchers/grace-hopper/"))
    # As an import does: the byline, then the author refresh that recounts and bumps the watermark.
    AuthorshipFactory(author=grace, paper=PaperFactory(title="A brand new result"))
    author_aggregates_refresh(author_ids=[grace.pk], bump=[grace.pk])
    assert "A brand new result" in html(client.get("/researchers/grace-hopper/"))


def test_a_merge_shows_on_the_next_anonymous_view_of_both_records(client, grace):
    variant = AuthorFactory(display_name="G. Hopper", slug="g-hopper")
    AuthorshipFactory(author=variant, paper=PaperFactory(title="Work filed under a variant"))
    assert client.get("/researchers/g-hopper/").status_code == 200
    assert "Work filed under a variant" not in html(client.get("/researchers/grace-hopper/"))
    claims.author_merge(actor=ModeratorFactory(), source=variant, target=grace)
    assert "Work filed under a variant" in html(client.get("/researchers/grace-hopper/"))
    assert client.get("/researchers/g-hopper/")["Location"] == "/researchers/grace-hopper/"


def test_a_graph_build_shows_on_the_next_anonymous_view(client, grace):
    from graph.services import graph_slice_build

    assert "Building this graph slice" in html(client.get("/researchers/grace-hopper/"))
    graph_slice_build(author_id=grace.pk)
    page = html(client.get("/researchers/grace-hopper/"))
    assert "Building this graph slice" not in page and 'data-graph-status="ready"' in page


def test_a_trust_score_shows_on_the_next_anonymous_view(client, grace):
    from trust import services

    assert "Score pending" in html(client.get("/researchers/grace-hopper/"))
    services.trust_recompute_all()
    assert "Score pending" not in html(client.get("/researchers/grace-hopper/"))


def test_a_profile_edit_shows_on_the_next_anonymous_view(client, grace):
    client.get("/researchers/grace-hopper/")
    Author.objects.filter(pk=grace.pk).update(bio="Compilers and COBOL.")
    assert "Compilers and COBOL." in html(client.get("/researchers/grace-hopper/"))


def test_signed_in_visitors_never_get_the_anonymous_copy_nor_leave_theirs(client, grace, django_assert_num_queries):
    client.get("/researchers/grace-hopper/")
    user = UserFactory(email="reader@example.org")
    client.force_login(user)
    page = html(client.get("/researchers/grace-hopper/"))
    assert 'hx-post="/researchers/grace-hopper/follow/"' in page and "reader@example.org" in page
    follows.follow_create(user=user, author=grace)
    assert "Following <span" in html(client.get("/researchers/grace-hopper/"))
    anonymous = html(Client().get("/researchers/grace-hopper/"))
    assert "reader@example.org" not in anonymous and "hx-post=\"/researchers/grace-hopper/unfollow/" not in anonymous


def test_a_visitor_with_a_message_waiting_gets_a_render_that_shows_it(client, grace):
    Client().get("/researchers/grace-hopper/")  # stores the page
    client.force_login(UserFactory())
    client.post("/accounts/logout/")
    assert "You have signed out." in html(client.get("/researchers/grace-hopper/"))
    assert "You have signed out." not in html(Client().get("/researchers/grace-hopper/"))


def test_works_list_pages_are_cached_apart_and_unknown_parameters_are_never_stored(
    client, grace, django_assert_num_queries
):
    client.get("/researchers/grace-hopper/?sort=oldest")
    with django_assert_num_queries(PROFILE_CACHED_QUERIES):
        client.get("/researchers/grace-hopper/?sort=oldest")
    for _ in range(2):
        with django_assert_num_queries(PROFILE_QUERIES):
            client.get("/researchers/grace-hopper/?utm_source=mail")


def test_errors_and_redirects_are_never_stored(client, grace, django_assert_num_queries):
    assert client.get("/researchers/nobody-here/").status_code == 404
    assert client.get("/researchers/nobody-here/").status_code == 404
    merged = AuthorFactory(slug="merged-away", merged_into=grace)
    assert client.get(f"/researchers/{merged.slug}/").status_code == 302
    assert client.get(f"/researchers/{merged.slug}/").status_code == 302


def test_with_the_cache_turned_off_every_view_renders(client, grace, settings, django_assert_num_queries):
    settings.PROFILE_PAGE_CACHE_SECONDS = 0
    client.get("/researchers/grace-hopper/")
    with django_assert_num_queries(PROFILE_QUERIES):
        client.get("/researchers/grace-hopper/")
