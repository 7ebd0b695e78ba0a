"""Schemathesis against the live app, driven by the schema the app serves at /api/schema/.

Every operation gets a bounded number of generated requests (MAX_EXAMPLES). Each response must
not be a 5xx and must conform to the schema: documented status code, documented content type,
body valid against the documented schema, documented headers; operations that declare
security must refuse the request without credentials. Every request carries a seeded owner's
`Authorization: Token …`. Every other example is steered to seeded records (see _steer), so the
operations reach their happy paths and not only 404s. Throttling is lifted for the run.

One pytest item per operation (names from the schema generator at collection time); each item
seeds the live database, loads the schema over HTTP from the live server and fuzzes its operation.
Hypothesis runs derandomized, so a run is reproducible. `pytest -s` prints a summary at the end.
(schemathesis.pytest.from_fixture is not used: its subtest plumbing breaks on pytest 9.)
"""

from dataclasses import dataclass, field

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from rest_framework.authtoken.models import Token
from rest_framework.throttling import SimpleRateThrottle
from schemathesis.checks import (
    content_type_conformance,
    ignored_auth,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from papers.models import Paper
from researchers.services import claims, collaboration, profile
from tests.reports import SCHEMATHESIS_SEEN
from tests.factories import (
    AuthorTopicFactory,
    PaperTopicFactory,
    TopicFactory,
    VerifiedUserFactory,
    author_with_works,
)

pytestmark = [pytest.mark.django_db(transaction=True)]

# 20 examples × ~23 operations keeps the run within a few minutes on a loaded 2-core machine.
MAX_EXAMPLES = 20
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
    # Operations that declare security must refuse the same request without credentials.
    ignored_auth,
]


@dataclass
class Seed:
    token: str
    email: str = ""
    slugs: list = field(default_factory=list)
    arxiv_ids: list = field(default_factory=list)
    topic_slugs: list = field(default_factory=list)
    ids: list = field(default_factory=list)  # invitation and conversation ids


SEED: Seed | None = None


def _seed():
    owner, owned = VerifiedUserFactory(email="owner@example.org"), author_with_works(3, display_name="Zechun Liu")
    claims.claim_submit(user=owner, author=owned)
    profile.author_profile_update(user=owner, author=owned, open_to_collaborate=True)
    other_owner, other = VerifiedUserFactory(), author_with_works(2, display_name="Barlas Oguz")
    claims.claim_submit(user=other_owner, author=other)
    profile.author_profile_update(user=other_owner, author=other, open_to_collaborate=True)
    unclaimed = author_with_works(2, display_name="Raghuraman Krishnamoorthi")
    topic = TopicFactory(name="quantization")
    for author in (owned, other, unclaimed):
        AuthorTopicFactory(author=author, topic=topic, weight=0.8, papers_count=2)
        for authorship in author.authorships.all():
            PaperTopicFactory(paper=authorship.paper, topic=topic, weight=0.7)
    first = collaboration.invitation_send(sender=other_owner, recipient_author=owned, subject="Hi", message="Collab?")
    conversation = collaboration.invitation_accept(user=owner, invitation=first)
    third_owner, third = VerifiedUserFactory(), author_with_works(1, display_name="Tijmen Blankevoort")
    claims.claim_submit(user=third_owner, author=third)
    profile.author_profile_update(user=third_owner, author=third, open_to_collaborate=True)
    pending = collaboration.invitation_send(sender=third_owner, recipient_author=owned, subject="Yo", message="?")
    # Claims enqueue the per-author trust recompute (eager in tests), so owned records have scores.
    return Seed(
        token=Token.objects.create(user=owner).key,
        email=owner.email,
        slugs=[owned.slug, other.slug, unclaimed.slug, third.slug],
        arxiv_ids=list(Paper.objects.values_list("arxiv_id", flat=True)[:3]),
        topic_slugs=[topic.slug],
        ids=[first.pk, conversation.pk, pending.pk],
    )


@pytest.fixture
def api_schema(live_server, monkeypatch):
    global SEED
    # Throttling would turn later examples into 429s (documented, but they exercise nothing).
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": "100000/min", "user": "100000/min"})
    SEED = _seed()
    return schemathesis.openapi.from_url(live_server.url + "/api/schema/?format=json")


def _operation_labels():
    """The operations to fuzz, read from the same generator that serves /api/schema/ (at collection time)."""
    from drf_spectacular.generators import SchemaGenerator

    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]
    return [(method.upper(), path) for path, item in paths.items() for method in item
            if method in {"get", "post", "put", "patch", "delete"}]


def _steer(case, n):
    """Point parameters at seeded rows on every other example, cycling through them (runs repeat exactly).

    Random slugs, ids and cursors mostly meet 404s; steering lets the same run reach the happy paths.
    """
    if n % 2:
        return
    i = n // 2
    pools = {
        "path": {"slug": SEED.slugs + SEED.topic_slugs, "arxiv_id": SEED.arxiv_ids, "id": SEED.ids},
        "query": {"from": SEED.slugs, "to": SEED.slugs[::-1], "topic": SEED.topic_slugs, "cursor": [None]},
    }
    for location, params in (("path", case.path_parameters), ("query", case.query)):
        for name in list(params or {}):
            pool = pools[location].get(name)
            if not pool:
                continue
            choice = pool[i % len(pool)]
            if choice is None:
                del params[name]
            else:
                params[name] = choice
    body = case.body if isinstance(case.body, dict) else {}
    if "to" in body:
        body["to"] = SEED.slugs[i % len(SEED.slugs)]
    if "email" in body:
        body.update(email=SEED.email, password="correct horse battery")


@pytest.mark.parametrize(("method", "path"), _operation_labels(), ids=lambda v: v)
def test_every_operation_answers_within_its_documented_contract(method, path, api_schema):
    operation = api_schema[path][method]
    headers = {"Authorization": f"Token {SEED.token}"}
    seen = SCHEMATHESIS_SEEN.setdefault(f"{method} {path}", [])

    @given(case=operation.as_strategy())
    @settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate, Phase.shrink])
    def fuzz(case):
        _steer(case, len(seen))
        response = case.call_and_validate(headers=headers, checks=CHECKS, timeout=60)
        seen.append(response.status_code)

    fuzz()
