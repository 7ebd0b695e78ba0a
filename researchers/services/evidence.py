"""Evidence gathering: what the claimant's account and the record say, and the level it supports.

Levels: L2 a verified email; L3 ORCID through OAuth matching the record, an email domain that
matches an affiliation on the claimed papers, or two L3+ coauthors vouching; L4 a moderator's
approval. Claimant-supplied statements and links are kept for moderators and worth no level.
"""

import re
import unicodedata

from django.db.models import F
from rapidfuzz import fuzz

from config.dates import format_day
from researchers.models import ClaimStatus, EvidenceKind

# Webmail and other domains anyone can get an address at: never institutional evidence.
FREE_MAIL_DOMAINS = frozenset({
    "gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "live.com", "msn.com", "yahoo.com",
    "ymail.com", "icloud.com", "me.com", "mac.com", "aol.com", "proton.me", "protonmail.com", "pm.me",
    "gmx.com", "gmx.de", "gmx.net", "web.de", "mail.ru", "yandex.ru", "yandex.com", "qq.com", "163.com",
    "126.com", "sina.com", "foxmail.com", "fastmail.com", "zoho.com", "tutanota.com", "hey.com",
    "example.com", "example.org", "example.net",
})
# Second-level labels under which the registrable name sits one label further left (ox.ac.uk).
_PUBLIC_SECOND_LEVEL = frozenset({"ac", "co", "edu", "com", "org", "gov", "net", "res", "or", "ne", "go"})
# Subdomain labels that name a department or a mail host, not the institution.
_GENERIC_LABELS = frozenset({
    "www", "mail", "email", "mx", "cs", "ee", "eecs", "ece", "math", "maths", "phys", "physics", "chem",
    "bio", "stat", "stats", "dept", "students", "student", "alumni", "alum", "staff", "people", "users",
    "research", "lab", "labs", "uni", "univ", "is", "it", "ai", "ml", "my", "post", "campus",
})
_STOPWORDS = frozenset({"of", "the", "and", "for", "de", "la", "le", "du", "der", "die", "und", "at", "in", "di", "a"})
_TOKEN_RE = re.compile(r"[a-z0-9]+")


def _fold(text):
    text = unicodedata.normalize("NFKD", text or "")
    return "".join(ch for ch in text if not unicodedata.combining(ch)).lower()


def domain_labels(domain):
    """The labels of an email domain that can name an institution: 'cs.stanford.edu' → ['stanford']."""
    parts = [p for p in _fold(domain).strip(".").split(".") if p]
    if len(parts) < 2:
        return []
    parts = parts[:-1]  # the TLD
    if len(parts) >= 2 and parts[-1] in _PUBLIC_SECOND_LEVEL:
        parts = parts[:-1]
    registrable = parts[-1]
    labels = [registrable]
    # Hyphenated names carry the institution in one part: uni-tuebingen.de → 'tuebingen'.
    labels += [p for p in registrable.split("-") if len(p) >= 3 and p not in _GENERIC_LABELS and p != registrable]
    labels += [p for p in reversed(parts[:-1]) if p not in _GENERIC_LABELS and len(p) >= 3]
    return [label for label in labels if label not in ("uni", "univ")]


def affiliation_matches_label(label, affiliation):
    """Whether an email domain label names this affiliation.

    'meta' ↔ 'Meta AI' (a token), 'mit' ↔ 'Massachusetts Institute of Technology' (an acronym),
    'ethz' ↔ 'ETH Zürich' (a run of whole tokens then a prefix), 'tuebingen' ↔ 'Universität
    Tübingen' (rapidfuzz ratio ≥ 90 on a token, for labels of 5+ letters).
    """
    if not label or len(label) < 2:
        return False
    tokens = _TOKEN_RE.findall(_fold(affiliation))
    if not tokens:
        return False
    if label in tokens:
        return True
    significant = [t for t in tokens if t not in _STOPWORDS]
    if len(label) >= 3 and len(significant) >= 2:
        acronym = "".join(t[0] for t in significant)
        if label == acronym or (len(label) >= 3 and acronym.startswith(label) and len(label) == len(significant)):
            return True
    # A whole first token followed by the start of the next: 'ethz' = 'eth' + 'z(urich)'.
    for i, first in enumerate(tokens):
        if len(first) >= 2 and label.startswith(first) and len(label) > len(first) and i + 1 < len(tokens):
            rest = label[len(first):]
            if tokens[i + 1].startswith(rest):
                return True
    if len(label) >= 5:
        return any(len(t) >= 4 and fuzz.ratio(label, t) >= 90 for t in tokens)
    return False


def match_email_to_affiliations(email, affiliations):
    """The first affiliation an email's domain matches, or None (webmail never matches)."""
    domain = email.rsplit("@", 1)[-1].lower().strip()
    if not domain or domain in FREE_MAIL_DOMAINS:
        return None
    for label in domain_labels(domain):
        for affiliation in affiliations:
            if affiliation_matches_label(label, affiliation):
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


def derive_evidence(claim):
    """The derived evidence rows (unsaved) for a claim, from the account, the record and vouches."""
    from allauth.account.models import EmailAddress
    from allauth.socialaccount.models import SocialAccount

    from researchers.models import ClaimEvidence, Vouch

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
