"""Owner-edited profile fields and per-user notification settings."""

import re

from django.contrib.auth.base_user import AbstractBaseUser
from django.core import signing
from django.db import transaction

from researchers.models import Author, ClaimState, DigestFrequency, DigestPreference

from .errors import Conflict, NotAllowed, ServiceError

UNSUBSCRIBE_SALT = "researchers.digest.unsubscribe"
MAX_LINKS = 10


def _clean_links(links):
    cleaned = []
    for item in links or []:
        if isinstance(item, str):
            item = {"label": "", "url": item}
        url = str(item.get("url", "")).strip()
        label = str(item.get("label", "")).strip()[:80]
        if not url:
            continue
        if not re.match(r"^https?://[^\s/$.?#][^\s]*$", url):
            raise ServiceError(f"'{url[:80]}' is not an http(s) link.")
        cleaned.append({"label": label or re.sub(r"^https?://(www\.)?", "", url).split("/")[0], "url": url[:500]})
    if len(cleaned) > MAX_LINKS:
        raise ServiceError(f"At most {MAX_LINKS} links.")
    return cleaned


@transaction.atomic
def author_profile_update(*, user, author, bio=None, affiliation=None, links=None, open_to_collaborate=None,
                          auto_accept_name_matches=None, role=None) -> Author:
    """The owner edits bio, role, affiliation, links, open-to-collaborate and the auto-accept setting."""
    author = Author.objects.select_for_update().get(pk=author.pk)
    if not user.is_authenticated or author.owner_id != user.pk:
        raise NotAllowed("Only the record's owner can edit this profile.")
    if author.claim_state == ClaimState.DISPUTED:
        raise Conflict("This record is under review: changes are paused until a moderator resolves the dispute.")
    fields = []
    if bio is not None:
        if len(bio) > 300:
            raise ServiceError("Keep the bio to one line (300 characters).")
        author.bio = bio.strip()
        fields.append("bio")
    if role is not None:
        author.role = role.strip()[:120]
        fields.append("role")
    if affiliation is not None:
        if len(affiliation) > 300:
            raise ServiceError("Affiliation is limited to 300 characters.")
        author.affiliation = affiliation.strip()
        fields.append("affiliation")
    if links is not None:
        author.links = _clean_links(links)
        fields.append("links")
    if open_to_collaborate is not None:
        author.open_to_collaborate = bool(open_to_collaborate)
        fields.append("open_to_collaborate")
    if auto_accept_name_matches is not None:
        author.auto_accept_name_matches = bool(auto_accept_name_matches)
        fields.append("auto_accept_name_matches")
    if fields:
        author.save(update_fields=[*fields, "updated_at"])
    return author


@transaction.atomic
def digest_preference_update(*, user, frequency=None, notify_messages=None) -> DigestPreference:
    """Set how often the follow digest comes (off/daily/weekly) and whether message emails come."""
    pref, _ = DigestPreference.objects.select_for_update().get_or_create(user=user)
    fields = []
    if frequency is not None:
        if frequency not in DigestFrequency.values:
            raise ServiceError("Digest frequency must be off, daily or weekly.")
        pref.frequency = frequency
        fields.append("frequency")
    if notify_messages is not None:
        pref.notify_messages = bool(notify_messages)
        fields.append("notify_messages")
    if fields:
        pref.save(update_fields=[*fields, "updated_at"])
    return pref


def digest_unsubscribe_token(user) -> str:
    return signing.dumps({"u": user.pk}, salt=UNSUBSCRIBE_SALT, compress=True)


@transaction.atomic
def digest_unsubscribe(*, token) -> AbstractBaseUser | None:
    """Turn the digest off for the user a signed token names; no login needed. Returns the user id."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        raise ServiceError("This unsubscribe link is not valid. Change your email settings after logging in.")
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(pk=data.get("u")).first()
    if user is None:
        raise ServiceError("This unsubscribe link is for an account that no longer exists.")
    digest_preference_update(user=user, frequency=DigestFrequency.OFF)
    return user
