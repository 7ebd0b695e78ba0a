"""Two simultaneous claims on one record: exactly one owner and one dispute, never two owners."""

import threading

import pytest
from django.db import connection, connections

from researchers.models import Author, Claim, Dispute
from researchers.services import claims
from researchers.services.errors import ServiceError
from tests.factories import VerifiedUserFactory, author_with_works


def _race(author, users):
    barrier = threading.Barrier(len(users))
    results, errors = [], []

    def submit(user):
        try:
            barrier.wait(timeout=30)
            results.append(claims.claim_submit(user=user, author=author))
        except ServiceError as exc:  # a refusal is an outcome, not a crash
            errors.append(exc)
        except Exception as exc:  # noqa: BLE001 - surfaced by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit, args=(u,)) for u in users]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results, errors


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_claims_give_one_owner_and_one_dispute():
    author = author_with_works(3)
    first, second = VerifiedUserFactory(), VerifiedUserFactory()
    results, errors = _race(author, [first, second])
    assert errors == []
    assert sorted(c.status for c in results) == ["active", "pending"]
    author.refresh_from_db()
    assert Claim.objects.filter(author=author, status__in=["active", "approved"]).count() == 1
    assert Dispute.objects.filter(author=author, status="open").count() == 1
    assert author.claim_state == "disputed"
    owner_claim = next(c for c in results if c.status == "active")
    assert author.owner_id == owner_claim.user_id


@pytest.mark.django_db(transaction=True)
def test_many_simultaneous_claims_never_make_two_owners():
    author = author_with_works(2)
    users = [VerifiedUserFactory() for _ in range(4)]
    results, errors = _race(author, users)
    # One owner, one dispute; later claims on the frozen record are refused with a 409.
    assert Claim.objects.filter(author=author, status__in=["active", "approved"]).count() == 1
    assert Dispute.objects.filter(author=author).count() == 1
    assert len(results) == 2
    assert all(getattr(e, "status_code", None) == 409 for e in errors) and len(errors) == 2


@pytest.mark.django_db(transaction=True)
def test_the_one_owner_constraint_backs_up_the_lock():
    from django.db import IntegrityError, transaction

    author = author_with_works(1)
    claims.claim_submit(user=VerifiedUserFactory(), author=author)
    with pytest.raises(IntegrityError), transaction.atomic():
        Claim.objects.create(author=Author.objects.get(pk=author.pk), user=VerifiedUserFactory(), status="active")
    assert connection.is_usable()
