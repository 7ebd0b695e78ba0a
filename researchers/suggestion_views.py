"""“Are these yours?”: the claim wizard's last step, the /me/ panel, and the htmx accept/reject answers."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from .models import Author
from .services import suggestions as svc
from .services.errors import NotAllowed, ServiceError
from .suggestion_selectors import suggestions_for_record
from .view_utils import login_required_message, refused, safe_back

LOGIN = "Log in to review suggestions for your record."
ACTIONS = ("accept", "reject")


def _owned(request, slug):
    author = Author.objects.filter(slug=slug).first()
    if author is None:
        raise Http404("No researcher with this address.")
    if author.owner_id != request.user.pk:
        raise NotAllowed(svc.OWNER_ONLY)
    return author


@login_required_message(LOGIN)
@require_GET
def claim_suggestions(request, slug):
    """Wizard step 4, after a claim: records and papers the model puts near the new owner's record."""
    try:
        author = _owned(request, slug)
    except NotAllowed as exc:
        return refused(request, exc)
    return render(request, "researchers/claim/suggestions.html", {
        "author": author, "step": 4, "suggestions": suggestions_for_record(author=author, user=request.user),
    })


@login_required_message(LOGIN)
@require_GET
def suggestions_panel(request, slug):
    """The same suggestions as a panel, loaded by htmx into /me/ so the page itself stays cheap."""
    try:
        author = _owned(request, slug)
    except NotAllowed as exc:
        return refused(request, exc)
    return render(request, "researchers/_partials/suggestions.html", {
        "author": author, "suggestions": suggestions_for_record(author=author, user=request.user),
    })


def _answered(request, author, *, key, kind, action, text):
    if request.htmx:
        return render(request, "researchers/_partials/suggestion_done.html",
                      {"author": author, "key": key, "kind": kind, "action": action, "text": text})
    messages.success(request, text)
    return redirect(safe_back(request, author.get_absolute_url()))


@login_required_message(LOGIN)
@require_POST
def paper_answer(request, slug, authorship_id, action):
    if action not in ACTIONS:
        raise Http404("Unknown answer.")
    try:
        author = _owned(request, slug)
        if action == "accept":
            svc.suggestion_paper_accept(user=request.user, author=author, authorship_id=authorship_id)
            text = "Added to your record."
        else:
            moved = svc.suggestion_paper_reject(user=request.user, author=author, authorship_id=authorship_id)
            text = f"Not yours: moved to {moved.display_name} ({moved.slug})." if moved else "Not yours: noted."
    except ServiceError as exc:
        return refused(request, exc, back=safe_back(request, "/me/"))
    return _answered(request, author, key=f"paper-{authorship_id}", kind="paper", action=action, text=text)


@login_required_message(LOGIN)
@require_POST
def record_answer(request, slug, other, action):
    if action not in ACTIONS:
        raise Http404("Unknown answer.")
    other_author = Author.objects.filter(slug=other).first()
    if other_author is None:
        raise Http404("No researcher with this address.")
    try:
        author = _owned(request, slug)
        if action == "accept":
            svc.suggestion_record_accept(user=request.user, author=author, other=other_author)
            other_author.refresh_from_db(fields=["merged_into"])
            text = (f"{other_author.display_name} ({other_author.slug}) merged into your record."
                    if other_author.merged_into_id == author.pk else
                    f"Merge of {other_author.display_name} ({other_author.slug}) requested.")
        else:
            svc.suggestion_record_reject(user=request.user, author=author, other=other_author)
            text = f"Not you: {other_author.display_name} ({other_author.slug}) will not be suggested again."
    except ServiceError as exc:
        return refused(request, exc, back=safe_back(request, "/me/"))
    return _answered(request, author, key=f"record-{other_author.pk}", kind="record", action=action, text=text)
