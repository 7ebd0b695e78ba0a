"""factory_boy factories shared by every test file. Append new factories per feature."""

import datetime as dt

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.text import slugify

from papers.models import Authorship, AuthorTopic, Institution, Paper, PaperTopic, Topic, TopicKind
from researchers.models import Author


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery")


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
