"""Follow/unfollow (htmx partial or redirect back) and direct collaboration invitations."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_http_methods, require_POST

from . import identity_selectors as sel
from .services import collaboration, follows
from .services.errors import ServiceError
from .view_utils import author_or_404, login_required_message, refused, safe_back


def _follow_response(request, author, following):
    if request.htmx:
        # The button, plus the Quick read count swapped out of band so both say the same number.
        button = render_to_string("researchers/_partials/follow_button.html",
                                  {"author": author, "viewer_follows": following}, request=request)
        count = render_to_string("researchers/_partials/follower_count.html", {"author": author, "oob": True})
        return HttpResponse(button + count)
    return redirect(safe_back(request, author.get_absolute_url()))


@login_required_message("Log in to follow researchers.")
@require_POST
def follow(request, slug):
    author = author_or_404(slug)
    try:
        created, _ = follows.follow_create(user=request.user, author=author)
    except ServiceError as exc:
        return refused(request, exc, back=author.get_absolute_url())
    if not request.htmx and created:
        messages.success(request, f"You follow {author.display_name}: new papers show in your feed.")
    return _follow_response(request, author, True)


@login_required_message("Log in to follow researchers.")
@require_POST
def unfollow(request, slug):
    author = author_or_404(slug)
    try:
        follows.follow_delete(user=request.user, author=author)
    except ServiceError as exc:
        return refused(request, exc, back=author.get_absolute_url())
    return _follow_response(request, author, False)


@login_required_message("Log in with a claimed author record to send a direct invitation.")
@require_http_methods(["GET", "POST"])
def invite(request, slug):
    """The invitation form; the panel explains what is missing when it can't be sent."""
    author = author_or_404(slug)
    context = sel.profile_identity_context(user=request.user, author=author)
    if request.method == "POST":
        try:
            collaboration.invitation_send(
                sender=request.user, recipient_author=author,
                subject=request.POST.get("subject", ""), message=request.POST.get("message", ""),
            )
        except ServiceError as exc:
            return render(request, "researchers/invite.html", {
                **context, "author": author, "error": exc.message,
                "subject": request.POST.get("subject", ""), "message": request.POST.get("message", ""),
            }, status=exc.status_code)
        messages.success(request, f"Invitation sent to {author.display_name}.")
        return redirect(author)
    status = 200 if context["collab"]["can_invite"] else 403
    return render(request, "researchers/invite.html", {**context, "author": author}, status=status)
