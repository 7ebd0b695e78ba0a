"""Evidence gathering: what the claimant's account and the record say, and the level it supports.

Levels: L2 a verified email; L3 ORCID through OAuth matching the record, an email whose
registrable domain belongs to a known institution named in an affiliation on the claimed papers,
or two L3+ coauthors vouching; L4 a moderator's approval. Claimant-supplied statements and links are kept for moderators and worth no level.
"""

import re
import unicodedata

import tldextract
from django.db.models import F

from config.dates import format_day
from researchers.data.institution_domains import INSTITUTION_DOMAINS
from researchers.models import ClaimEvidence, ClaimStatus, EvidenceKind

# Webmail and other domains anyone can get an address at: never institutional evidence.
FREE_MAIL_DOMAINS = frozenset({
    "gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "live.com", "msn.com", "yahoo.com",
    "ymail.com", "icloud.com", "me.com", "mac.com", "aol.com", "proton.me", "protonmail.com", "pm.me",
    "gmx.com", "gmx.de", "gmx.net", "web.de", "mail.ru", "yandex.ru", "yandex.com", "qq.com", "163.com",
    "126.com", "sina.com", "foxmail.com", "fastmail.com", "zoho.com", "tutanota.com", "hey.com",
    "example.com", "example.org", "example.net",
})
_TOKEN_RE = re.compile(r"[a-z0-9]+")
# The Public Suffix List as bundled in the pinned tldextract wheel: never fetched at run time.
_PSL = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, include_psl_private_domains=False)


def _fold(text):
    text = unicodedata.normalize("NFKD", text or "")
    return "".join(ch for ch in text if not unicodedata.combining(ch)).lower()


def _tokens(text):
    return tuple(_TOKEN_RE.findall(_fold(text)))


def registrable_domain(domain) -> str:
    """The domain a registrant controls, by the Public Suffix List: 'cs.stanford.edu' → 'stanford.edu',
    'cnrs.attacker-owned.io' → 'attacker-owned.io', 'ox.ac.uk' → 'ox.ac.uk'; '' when there is none."""
    parts = _PSL(_fold(domain).strip().strip("."))
    return parts.top_domain_under_public_suffix if parts.domain and parts.suffix else ""


def institution_for_domain(domain) -> str | None:
    """(name, aliases) of the known institution that owns this email domain, or None."""
    return INSTITUTION_DOMAINS.get(registrable_domain(domain))


def affiliation_names_institution(affiliation, aliases) -> bool:
    """Whether one of the institution's names appears in the affiliation as whole words."""
    words = _tokens(affiliation)
    for alias in aliases:
        needle = _tokens(alias)
        if needle and any(words[i:i + len(needle)] == needle for i in range(len(words) - len(needle) + 1)):
            return True
    return False


def match_email_to_affiliations(email, affiliations) -> str | None:
    """The first affiliation naming the known institution that owns the email's registrable domain, or None.

    Subdomain labels never count (cnrs.attacker-owned.io is not CNRS), nor does any domain missing
    from researchers/data/institution_domains.py, webmail included.
    """
    domain = email.rsplit("@", 1)[-1].lower().strip()
    if not domain or domain in FREE_MAIL_DOMAINS:
        return None
    institution = institution_for_domain(domain)
    if institution is None:
        return None
    for affiliation in affiliations:
        if affiliation_names_institution(affiliation, institution[1]):
            return affiliation
    return None


def _claimed_affiliations(claim):
    from papers.models import Authorship

    rows = (
        Authorship.objects.filter(author_id=claim.author_id)
        .exclude(attribution="pending")
        .values_list("affiliation", "institution__name")
        .distinct()
    )
    names = []
    seen = set()
    for affiliation, institution in rows:
        for name in (institution, affiliation):
            if name and name.strip() and name.strip().lower() not in seen:
                seen.add(name.strip().lower())
                names.append(name.strip())
    return names


def derive_evidence(claim) -> list[ClaimEvidence]:
    """The derived evidence rows (unsaved) for a claim, from the account, the record and vouches."""
    from allauth.account.models import EmailAddress
    from allauth.socialaccount.models import SocialAccount

    from researchers.models import Vouch

    author = claim.author
    rows = []
    emails = list(EmailAddress.objects.filter(user_id=claim.user_id, verified=True).order_by("-primary", "id"))
    if emails:
        domain = emails[0].email.rsplit("@", 1)[-1]
        rows.append(ClaimEvidence(
            claim=claim, kind=EvidenceKind.VERIFIED_EMAIL, level=2,
            summary=f"verified email at {domain}", detail={"domain": domain},
        ))
    for account in SocialAccount.objects.filter(user_id=claim.user_id, provider="orcid").order_by("id"):
        orcid = account.uid
        when = account.date_joined
        if author.orcid and author.orcid != orcid:
            rows.append(ClaimEvidence(
                claim=claim, kind=EvidenceKind.ORCID_OAUTH, level=0, observed_at=when,
                summary=f"ORCID {orcid} authenticated, but the record's ORCID is {author.orcid}",
                detail={"orcid": orcid, "matches_record": False},
            ))
            continue
        rows.append(ClaimEvidence(
            claim=claim, kind=EvidenceKind.ORCID_OAUTH, level=3, observed_at=when,
            summary=f"ORCID {orcid} authenticated {format_day(when)}",
            detail={"orcid": orcid, "matches_record": bool(author.orcid)},
        ))
    if emails:
        affiliations = _claimed_affiliations(claim)
        if affiliations:
            for address in emails:
                matched = match_email_to_affiliations(address.email, affiliations)
                if matched:
                    domain = address.email.rsplit("@", 1)[-1].lower()
                    rows.append(ClaimEvidence(
                        claim=claim, kind=EvidenceKind.EMAIL_AFFILIATION, level=3,
                        summary=f"email at {domain} matches affiliation {matched}",
                        detail={"domain": domain, "affiliation": matched},
                    ))
                    break
    vouchers = [] if claim.pk is None else list(
        Vouch.objects.filter(
            author_id=claim.author_id, claim=claim, voucher_author__verification_level__gte=3,
            voucher_author__owner_id=F("voucher_id"),
        ).select_related("voucher_author").order_by("created_at")
    )
    if len(vouchers) >= 2:
        names = ", ".join(v.voucher_author.display_name for v in vouchers[:5])
        rows.append(ClaimEvidence(
            claim=claim, kind=EvidenceKind.COAUTHOR_VOUCHES, level=3,
            summary=f"vouched for by {len(vouchers)} L3 coauthors ({names})",
            detail={"voucher_author_ids": [v.voucher_author_id for v in vouchers]},
        ))
    if claim.status == ClaimStatus.APPROVED and claim.reviewed_at:
        rows.append(ClaimEvidence(
            claim=claim, kind=EvidenceKind.MODERATOR_REVIEW, level=4, observed_at=claim.reviewed_at,
            summary=f"reviewed and approved by a moderator {format_day(claim.reviewed_at)}",
            detail={"reviewer_id": claim.reviewed_by_id},
        ))
    return rows


DERIVED_KINDS = (
    EvidenceKind.VERIFIED_EMAIL, EvidenceKind.ORCID_OAUTH, EvidenceKind.EMAIL_AFFILIATION,
    EvidenceKind.COAUTHOR_VOUCHES, EvidenceKind.MODERATOR_REVIEW,
)
