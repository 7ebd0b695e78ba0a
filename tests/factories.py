"""factory_boy factories shared by every test file. Append new factories per feature."""

import datetime as dt

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.text import slugify

from papers.ingest.records import AuthorName, PaperRecord, VersionInfo
from papers.models import Authorship, AuthorTopic, Institution, Paper, PaperTopic, Topic, TopicKind
from researchers.models import Author


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    # Hashed when built, so no second save after the post-generation hooks is needed.
    password = factory.django.Password("correct horse battery")


class AuthorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Author

    display_name = factory.Sequence(lambda n: f"Ada Lovelace{n}")
    name_key = factory.LazyAttribute(lambda o: "|".join(reversed(o.display_name.lower().split(" ", 1))))
    initials_key = factory.LazyAttribute(lambda o: o.name_key.split("|")[0] + "|" + o.name_key.split("|")[1][:1])
    slug = factory.LazyAttribute(lambda o: slugify(o.display_name))
    name_variants = factory.LazyAttribute(lambda o: [o.display_name])


class PaperFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Paper

    arxiv_id = factory.Sequence(lambda n: f"2401.{n:05d}")
    title = factory.Sequence(lambda n: f"On the quantization of binary neural networks, part {n}")
    abstract = "We study quantization-aware training of binary neural networks."
    categories = factory.LazyFunction(lambda: ["cs.LG"])
    primary_category = "cs.LG"
    submitted = factory.Sequence(lambda n: timezone.now() - dt.timedelta(days=n))
    updated = factory.LazyAttribute(lambda o: o.submitted)
    year = factory.LazyAttribute(lambda o: o.submitted.year if o.submitted else None)
    versions = factory.LazyAttribute(
        lambda o: [{"version": 1, "date": o.submitted.isoformat() if o.submitted else None, "size": ""}]
    )


class InstitutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Institution
        django_get_or_create = ("key",)

    name = factory.Sequence(lambda n: f"Institute {n}")
    key = factory.LazyAttribute(lambda o: o.name.lower())
    slug = factory.LazyAttribute(lambda o: slugify(o.name))


class AuthorshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Authorship

    paper = factory.SubFactory(PaperFactory)
    author = factory.SubFactory(AuthorFactory)
    position = factory.Sequence(lambda n: n % 30000)
    raw_name = factory.LazyAttribute(lambda o: o.author.display_name)
    keyname = factory.LazyAttribute(lambda o: o.author.display_name.split(" ")[-1])
    forenames = factory.LazyAttribute(lambda o: " ".join(o.author.display_name.split(" ")[:-1]))


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic
        django_get_or_create = ("slug",)

    kind = TopicKind.PHRASE
    name = factory.Sequence(lambda n: f"topic {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))


class PaperTopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PaperTopic

    paper = factory.SubFactory(PaperFactory)
    topic = factory.SubFactory(TopicFactory)
    weight = 0.5


class AuthorTopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AuthorTopic

    author = factory.SubFactory(AuthorFactory)
    topic = factory.SubFactory(TopicFactory)
    weight = 0.5
    papers_count = 1


def fill_search_vectors():
    """Fill Paper.search_vector as the import's derive queue does (title A > abstract B, 'english')."""
    from django.db import connection

    from papers.ingest.load.search import search_vector_sql

    with connection.cursor() as cur:
        cur.execute(f"UPDATE papers_paper SET search_vector = {search_vector_sql()}")


class VerifiedUserFactory(UserFactory):
    """A user whose primary email is verified through allauth, as after the confirmation link."""

    @factory.post_generation
    def verified_email(obj, create, extracted, **kwargs):
        if not create:
            return
        from allauth.account.models import EmailAddress

        EmailAddress.objects.update_or_create(
            user=obj, email=obj.email, defaults={"verified": True, "primary": True}
        )


class ModeratorFactory(VerifiedUserFactory):
    """Staff with the researchers 'moderate' permission."""

    is_staff = True

    @factory.post_generation
    def moderate_permission(obj, create, extracted, **kwargs):
        if not create:
            return
        from django.contrib.auth.models import Permission

        obj.user_permissions.add(Permission.objects.get(codename="moderate", content_type__app_label="researchers"))


def author_with_works(n=3, *, affiliation="", institution=None, **author_kwargs):
    """An author record with n papers (one authorship each), as the importer leaves it."""
    author = AuthorFactory(**author_kwargs)
    for _ in range(n):
        AuthorshipFactory(author=author, affiliation=affiliation, institution=institution)
    Author.objects.filter(pk=author.pk).update(works_count=n)
    author.refresh_from_db()
    return author


# --- trust (tests/test_trust_*.py) ---------------------------------------------------------------


class TrustFlagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "trust.TrustFlag"

    author = factory.SubFactory(AuthorFactory)
    reason = "Suspicious merge of unrelated works"
    points = 10


def trust_paper(*authors, year=None, attribution="name"):
    """One paper whose byline is exactly `authors` (in order), dated in `year` if given."""
    kwargs = {}
    if year is not None:
        submitted = timezone.now().replace(year=year, month=6, day=1)
        kwargs = {"submitted": submitted}
    paper = PaperFactory(**kwargs)
    for position, author in enumerate(authors):
        AuthorshipFactory(paper=paper, author=author, position=position, attribution=attribution)
    Paper.objects.filter(pk=paper.pk).update(authors_count=len(authors))
    return paper


def trust_seed_like_author(**author_kwargs):
    """Seed 000's shape: an unclaimed L1 record with 15 works over 2022–2026 and 4 close collaborators."""
    author = AuthorFactory(**author_kwargs)
    collaborators = [AuthorFactory() for _ in range(4)]
    for i in range(15):
        trust_paper(author, collaborators[i % 4], collaborators[(i + 1) % 4], year=2022 + i % 5)
    return author, collaborators


# -- parsed records for the loader (papers.ingest.records) ----------------------------------

def record_person(forenames, keyname, raw=None, **kw):
    """A parsed byline name, as the importers hand it to the loader."""
    return AuthorName(raw=raw or f"{forenames} {keyname}".strip(), keyname=keyname, forenames=forenames, **kw)


def record_paper(arxiv_id, *authors, title=None, abstract="", version=1, categories=("cs.LG",), year=2023, **kw):
    """A parsed paper record, as the importers hand it to the loader."""
    submitted = dt.datetime(year, 3, 1, tzinfo=dt.UTC)
    versions = kw.pop("versions", None) or [
        VersionInfo(version=v, date=submitted + dt.timedelta(days=30 * (v - 1))) for v in range(1, version + 1)
    ]
    return PaperRecord(
        arxiv_id=arxiv_id,
        title=title or f"Paper {arxiv_id}",
        abstract=abstract,
        authors=list(authors),
        categories=list(categories),
        primary_category=categories[0] if categories else "",
        versions=versions,
        version=version,
        submitted=submitted,
        **kw,
    )
# --- discovery (tests/test_cite_and_share.py, test_daily_papers.py, test_reading_list.py, …) ---------


def paper_with_byline(*names, **paper_kwargs):
    """A paper whose byline holds these display names in order, each its own author record."""
    paper = PaperFactory(authors_count=len(names), **paper_kwargs)
    for position, name in enumerate(names):
        AuthorshipFactory(paper=paper, position=position,
                          author=AuthorFactory(display_name=name, slug=slugify(f"{name}-{paper.pk}")))
    return paper


class PaperVoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "papers.PaperVote"

    user = factory.SubFactory(UserFactory)
    paper = factory.SubFactory(PaperFactory)


class TopicFollowFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "papers.TopicFollow"

    user = factory.SubFactory(UserFactory)
    topic = factory.SubFactory(TopicFactory)


class SavedPaperFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "papers.SavedPaper"

    user = factory.SubFactory(UserFactory)
    paper = factory.SubFactory(PaperFactory)


def records_load(records, **kw):
    """Load parsed records through the real loader under a fresh ImportRun; returns the finished run."""
    from papers.ingest.load import load_records
    from papers.services import import_run_finish, import_run_start

    run = import_run_start(source="test", format="test")
    load_records(records, run=run, **kw)
    import_run_finish(run=run)
    run.refresh_from_db()
    return run
