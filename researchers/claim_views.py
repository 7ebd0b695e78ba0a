"""The claim wizard (choose papers → evidence → submit), appeal, unclaim, vouch, split and history pages."""

import re

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from . import identity_selectors as sel
from .models import OWNING_STATUSES, Author, Claim, ClaimStatus
from .permissions import is_moderator, user_has_verified_email
from .services import claims, identity_requests
from .services.errors import Conflict, NotAllowed, ServiceError
from .services.evidence import derive_evidence
from .view_utils import author_or_404, login_required_message, refused, safe_back

LOGIN_TO_CLAIM = "Log in to claim this record."
APPEAL_OF_APPEAL = claims.APPEAL_OF_APPEAL
SESSION_KEY = "claim_wizard:{pk}"


def _wizard(request, author):
    return request.session.get(SESSION_KEY.format(pk=author.pk))


def _save_wizard(request, author, data):
    request.session[SESSION_KEY.format(pk=author.pk)] = data


def _precheck(request, author):
    """Refusals that apply at every wizard step, or None when the claimant may go on."""
    if not user_has_verified_email(request.user):
        return refused(request, NotAllowed(
            "Verify your email address before claiming a record: open the link we emailed you, or add an "
            "address under Email addresses."), back=author.get_absolute_url())
    if author.claim_state == "disputed":
        return refused(request, Conflict(
            "This record is under review: a dispute about its owner is open. A moderator will resolve it."),
            back=author.get_absolute_url())
    if author.owner_id == request.user.pk:
        messages.info(request, "You already own this record.")
        return redirect(author)
    last = Claim.objects.filter(author=author, user=request.user).order_by("-created_at").first()
    if last is not None and last.status == ClaimStatus.PENDING:
        messages.info(request, "Your claim on this record is awaiting a moderator's review.")
        return redirect(author)
    if last is not None and last.status == ClaimStatus.REJECTED:
        return redirect("researchers:claim_appeal", slug=author.slug)
    return None


@login_required_message(LOGIN_TO_CLAIM)
@require_http_methods(["GET", "POST"])
def claim_papers(request, slug):
    """Step 1: every work is ticked; untick the ones that are not yours and say where they go."""
    author = author_or_404(slug)
    if (stop := _precheck(request, author)) is not None:
        return stop
    slots = sel.record_slots(author=author)
    data = _wizard(request, author) or {}
    errors = []
    if request.method == "POST":
        valid = {s.pk for s in slots}
        try:
            mine = sorted({int(v) for v in request.POST.getlist("mine")} & valid)
        except ValueError:
            mine = []
        split_to = request.POST.get("split_to", "").strip()
        if split_to and not Author.objects.filter(slug=split_to).exclude(pk=author.pk).exists():
            errors.append(f"No other record has the address '{split_to}'. Leave it empty to create a new record.")
        if not mine:
            errors.append("Keep at least one paper ticked: a claim needs works that are yours.")
        if not errors:
            _save_wizard(request, author, {**data, "mine": mine, "split_to": split_to})
            return redirect("researchers:claim_evidence", slug=author.slug)
        data = {**data, "mine": mine, "split_to": split_to}
    mine = set(data.get("mine") or [s.pk for s in slots])
    return render(request, "researchers/claim/papers.html", {
        "author": author, "slots": slots, "mine": mine, "split_to": data.get("split_to", ""), "errors": errors,
        "step": 1, "owned_by_other": bool(author.owner_id),
    }, status=400 if errors else 200)


def _later_step(request, slug):
    """Steps 2 and 3 need step 1's choice: send anyone without it back to the start."""
    author = author_or_404(slug)
    if (stop := _precheck(request, author)) is not None:
        return author, None, stop
    data = _wizard(request, author)
    if not data or not data.get("mine"):
        return author, data, redirect("researchers:claim", slug=author.slug)
    return author, data, None


@login_required_message(LOGIN_TO_CLAIM)
@require_http_methods(["GET", "POST"])
def claim_evidence(request, slug):
    """Step 2: what your account already proves, plus a statement and links for moderators."""
    author, data, stop = _later_step(request, slug)
    if stop is not None:
        return stop
    errors = []
    if request.method == "POST":
        statement = request.POST.get("statement", "").strip()[:5000]
        links = [line.strip() for line in request.POST.get("links", "").splitlines() if line.strip()]
        bad = [link for link in links if not re.match(r"^https?://\S+$", link)]
        if bad:
            errors.append(f"'{bad[0][:80]}' is not an http(s) link (one link per line).")
        else:
            _save_wizard(request, author, {**data, "statement": statement, "links": links})
            return redirect("researchers:claim_review", slug=author.slug)
    preview = derive_evidence(Claim(author=author, user=request.user, status=ClaimStatus.ACTIVE))
    return render(request, "researchers/claim/evidence.html", {
        "author": author, "step": 2, "preview": preview, "errors": errors,
        "preview_level": max([1, *(e.level for e in preview)]),
        "statement": request.POST.get("statement", data.get("statement", "")),
        "links": request.POST.get("links", "\n".join(data.get("links", []))),
    }, status=400 if errors else 200)


@login_required_message(LOGIN_TO_CLAIM)
@require_http_methods(["GET", "POST"])
def claim_review(request, slug):
    """Step 3: confirm and submit; the service decides owner or dispute."""
    author, data, stop = _later_step(request, slug)
    if stop is not None:
        return stop
    slots = sel.record_slots(author=author)
    mine = set(data["mine"])
    if request.method == "POST":
        split_target = Author.objects.filter(slug=data["split_to"]).first() if data.get("split_to") else None
        evidence = [{"kind": "link", "value": link} for link in data.get("links", [])]
        try:
            claim = claims.claim_submit(
                user=request.user, author=author, authorship_ids=sorted(mine & {s.pk for s in slots}),
                split_target=split_target, evidence=evidence, statement=data.get("statement", ""),
            )
        except ServiceError as exc:
            return refused(request, exc, back=author.get_absolute_url())
        request.session.pop(SESSION_KEY.format(pk=author.pk), None)
        if claim.status == ClaimStatus.PENDING:
            messages.warning(request, "This record already has an owner, so your claim opened a dispute. "
                                      "The record is under review until a moderator resolves it.")
        else:
            messages.success(request, f"You now own this record at verification L{max(2, claim.level)}.")
            # Step 4, "Are these yours?", only when the model has something near the new record.
            from .suggestion_selectors import suggestions_for_record

            author.refresh_from_db()
            if suggestions_for_record(author=author, user=request.user):
                return redirect("researchers:claim_suggestions", slug=author.slug)
        return redirect(author)
    return render(request, "researchers/claim/review.html", {
        "author": author, "step": 3, "mine_count": len(mine), "total": len(slots),
        "not_mine": [s for s in slots if s.pk not in mine], "split_to": data.get("split_to", ""),
        "statement": data.get("statement", ""), "links": data.get("links", []),
        "owned_by_other": bool(author.owner_id),
    })


@login_required_message("Log in to appeal.")
@require_http_methods(["GET", "POST"])
def claim_appeal(request, slug):
    """A rejected claimant appeals once, with new evidence."""
    author = author_or_404(slug)
    latest = (Claim.objects.filter(author=author, user=request.user, status=ClaimStatus.REJECTED)
              .order_by("-created_at", "-id").first())
    if latest is not None and latest.appeal_of_id is not None:
        # The rejected claim is itself an appeal: each rejection is appealed once, not an appeal's.
        return refused(request, NotAllowed(APPEAL_OF_APPEAL), back=author.get_absolute_url())
    claim = latest if latest is not None and not Claim.objects.filter(appeal_of=latest).exists() else None
    if claim is None:
        messages.info(request, "You have no rejected claim on this record to appeal.")
        return redirect(author)
    if request.method == "POST":
        links = [line.strip() for line in request.POST.get("links", "").splitlines() if line.strip()]
        try:
            claims.claim_appeal(user=request.user, claim=claim, statement=request.POST.get("statement", ""),
                                evidence=[{"kind": "link", "value": link} for link in links])
        except ServiceError as exc:
            return render(request, "researchers/claim/appeal.html", {
                "author": author, "claim": claim, "error": exc.message,
                "statement": request.POST.get("statement", ""), "links": request.POST.get("links", ""),
            }, status=exc.status_code)
        messages.success(request, "Your appeal is with the moderators.")
        return redirect(author)
    return render(request, "researchers/claim/appeal.html", {"author": author, "claim": claim})


@login_required_message("Log in to unclaim.")
@require_POST
def claim_unclaim(request, slug):
    author = author_or_404(slug)
    claim = Claim.objects.filter(author=author, status__in=OWNING_STATUSES).first()
    if claim is None:
        return refused(request, ServiceError("This record has no owner."), back=author.get_absolute_url())
    try:
        claims.claim_unclaim(actor=request.user, claim=claim)
    except ServiceError as exc:
        return refused(request, exc, back=author.get_absolute_url())
    messages.success(request, "The record is unclaimed again.")
    return redirect(author)


@login_required_message("Log in to vouch for a coauthor.")
@require_POST
def vouch(request, slug):
    author = author_or_404(slug)
    try:
        claims.vouch_create(user=request.user, author=author)
    except ServiceError as exc:
        return refused(request, exc, back=author.get_absolute_url())
    messages.success(request, f"You vouched for {author.display_name}.")
    return redirect(author)


@login_required_message("Log in to manage your record.")
@require_POST
def split(request, slug):
    """Owner (or moderator) marks works "not me": they move to a new or named record."""
    author = author_or_404(slug)
    try:
        ids = [int(v) for v in request.POST.getlist("authorship")]
    except ValueError:
        ids = []
    target_slug = request.POST.get("split_to", "").strip()
    target = Author.objects.filter(slug=target_slug).first() if target_slug else None
    if target_slug and target is None:
        return refused(request, ServiceError(f"No record has the address '{target_slug}'."),
                       back=safe_back(request, author.get_absolute_url()))
    try:
        new, queued = identity_requests.authorships_split_or_request(
            actor=request.user, author=author, authorship_ids=ids, target=target)
    except ServiceError as exc:
        return refused(request, exc, back=safe_back(request, author.get_absolute_url()))
    if queued is not None:
        messages.info(request, f"Moving {len(ids)} work(s) to {target.display_name} ({target.slug}) needs a "
                               "moderator's review; they stay here until then.")
    else:
        messages.success(request, f"{len(ids)} work(s) moved to {new.display_name} ({new.slug}).")
    return redirect(safe_back(request, author.get_absolute_url()))


def history(request, slug):
    """The append-only identity log of a record, newest first; moderators get a revert button."""
    author = author_or_404(slug)
    page = Paginator(sel.history_events(author=author), 50).get_page(request.GET.get("page"))
    return render(request, "researchers/history.html", {
        "author": author, "page": page, "events": page.object_list,
        "can_revert": is_moderator(request.user),
    })


@login_required_message("Log in as a moderator to revert events.")
@require_POST
def history_revert(request, slug, event_id):
    author = author_or_404(slug)
    # Only an event in this record's own history: a URL naming one record must not revert another's.
    event = get_object_or_404(sel.history_events(author=author), pk=event_id)
    try:
        claims.identity_event_revert(moderator=request.user, event=event, note=request.POST.get("note", ""))
    except ServiceError as exc:
        return refused(request, exc, back=reverse("researchers:history", kwargs={"slug": author.slug}))
    messages.success(request, "Event reverted.")
    return redirect("researchers:history", slug=author.slug)


@login_required_message("Log in to manage your record.")
@require_POST
def merge(request, slug):
    """The owner (or a moderator) merges another record, e.g. a name variant, into this one."""
    target = author_or_404(slug)
    source_slug = request.POST.get("source", "").strip()
    source = Author.objects.filter(slug=source_slug).first()
    back = safe_back(request, target.get_absolute_url())
    if source is None:
        return refused(request, ServiceError(f"No record has the address '{source_slug}'."), back=back)
    try:
        queued = identity_requests.author_merge_or_request(actor=request.user, source=source, target=target)
    except ServiceError as exc:
        return refused(request, exc, back=back)
    if queued is not None:
        messages.info(request, f"Merging {source.display_name} ({source.slug}) into a record below L3 needs a "
                               "moderator's review; your request is in their queue.")
    else:
        messages.success(request, f"{source.display_name} ({source.slug}) was merged into this record.")
    return redirect(target)
