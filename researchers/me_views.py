"""/me/: following, feed, invitations, conversations, review inbox, profile edit and email settings."""

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from . import identity_selectors as sel
from .models import Author, Conversation, DigestFrequency, DigestPreference, Invitation, Message
from .services import claims, collaboration, profile
from .services.errors import NotAllowed, ServiceError
from .view_utils import login_required_message, refused, safe_back

LOGIN = "Log in to see your BZPEER page."
FEED_PAGE_SIZE = 25


@login_required_message(LOGIN)
def home(request):
    return render(request, "me/home.html", {
        "records": sel.owned_records(user=request.user),
        "claims": sel.my_claims(user=request.user)[:50],
        "identity_requests": sel.my_identity_requests(user=request.user)[:50],
    })


@login_required_message(LOGIN)
def following(request):
    page = Paginator(sel.following(user=request.user), 50).get_page(request.GET.get("page"))
    return render(request, "me/following.html", {"page": page, "follows": page.object_list})


@login_required_message(LOGIN)
def feed(request):
    page = Paginator(sel.feed(user=request.user), FEED_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "me/feed.html", {"page": page, "papers": page.object_list})


@login_required_message(LOGIN)
def invitations(request):
    return render(request, "me/invitations.html", {
        "received": sel.invitations_received(user=request.user)[:100],
        "sent": sel.invitations_sent(user=request.user)[:100],
    })


def _invitation_for(request, pk):
    invitation = Invitation.objects.filter(pk=pk).first()
    if invitation is None or request.user.pk not in (invitation.sender_id, invitation.recipient_id):
        raise Http404("No such invitation.")
    return invitation


@login_required_message(LOGIN)
@require_POST
def invitation_accept(request, pk):
    invitation = _invitation_for(request, pk)
    try:
        conversation = collaboration.invitation_accept(user=request.user, invitation=invitation)
    except ServiceError as exc:
        return refused(request, exc, back=reverse("me:invitations"))
    messages.success(request, "Invitation accepted: your private conversation is open.")
    return redirect("me:conversation", pk=conversation.pk)


@login_required_message(LOGIN)
@require_POST
def invitation_decline(request, pk):
    invitation = _invitation_for(request, pk)
    try:
        collaboration.invitation_decline(user=request.user, invitation=invitation)
    except ServiceError as exc:
        return refused(request, exc, back=reverse("me:invitations"))
    messages.info(request, "Invitation declined.")
    return redirect("me:invitations")


@login_required_message(LOGIN)
def conversations(request):
    return render(request, "me/conversations.html", {"conversations": sel.conversations(user=request.user)[:100]})


@login_required_message(LOGIN)
@require_http_methods(["GET", "POST"])
def conversation(request, pk):
    convo = Conversation.objects.select_related("invitation__sender_author", "invitation__recipient_author").filter(
        pk=pk).first()
    if convo is None:
        raise Http404("No such conversation.")
    if not convo.has_participant(request.user):
        return refused(request, NotAllowed("Only the two people in this conversation can read or write in it."),
                       back=reverse("me:conversations"))
    error, body = None, ""
    if request.method == "POST":
        try:
            message = collaboration.message_send(user=request.user, conversation=convo, body=request.POST.get("body", ""))
        except ServiceError as exc:
            error, body = exc.message, request.POST.get("body", "")
            if request.htmx:
                return refused(request, exc)
        else:
            if request.htmx:
                return render(request, "me/_partials/message.html", {"message": message, "me": request.user})
            return redirect("me:conversation", pk=convo.pk)
    inv = convo.invitation
    other_author = inv.recipient_author if request.user.pk == convo.initiator_id else inv.sender_author
    return render(request, "me/conversation.html", {
        "conversation": convo, "messages_list": sel.conversation_messages(conversation=convo),
        "other_author": other_author, "other_user_id": convo.other_participant_id(request.user),
        "error": error, "body": body,
    }, status=400 if error else 200)


class ProfileForm(forms.Form):
    bio = forms.CharField(max_length=300, required=False, help_text="One line about your research.")
    role = forms.CharField(max_length=120, required=False)
    affiliation = forms.CharField(max_length=300, required=False)
    links = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}),
                            help_text="One link per line, optionally 'Label | https://…'.")
    open_to_collaborate = forms.BooleanField(required=False, label="Open to collaborate")
    auto_accept_name_matches = forms.BooleanField(
        required=False, label="Add new papers that match my name automatically",
        help_text="Off: new name-only matches wait in your review inbox.")

    def links_list(self):
        items = []
        for line in self.cleaned_data.get("links", "").splitlines():
            if not line.strip():
                continue
            label, _, url = line.rpartition("|") if "|" in line else ("", "", line)
            items.append({"label": label.strip(), "url": url.strip()})
        return items


@login_required_message(LOGIN)
@require_http_methods(["GET", "POST"])
def edit_profile(request, slug):
    author = get_object_or_404(Author, slug=slug)
    if author.owner_id != request.user.pk:
        return _forbidden(request, author)
    if request.method == "POST":
        form = ProfileForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                profile.author_profile_update(
                    user=request.user, author=author, bio=data["bio"], role=data["role"],
                    affiliation=data["affiliation"], links=form.links_list(),
                    open_to_collaborate=data["open_to_collaborate"],
                    auto_accept_name_matches=data["auto_accept_name_matches"],
                )
            except ServiceError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "Profile saved.")
                return redirect(author)
    else:
        form = ProfileForm(initial={
            "bio": author.bio, "role": author.role, "affiliation": author.affiliation,
            "links": "\n".join(f"{link.get('label', '')} | {link.get('url', '')}" if isinstance(link, dict)
                               else str(link) for link in author.links),
            "open_to_collaborate": author.open_to_collaborate,
            "auto_accept_name_matches": author.auto_accept_name_matches,
        })
    return render(request, "me/edit_profile.html", {"author": author, "form": form},
                  status=400 if form.errors else 200)


def _forbidden(request, author):
    return refused(request, NotAllowed("Only the record's owner can edit this profile."),
                   back=author.get_absolute_url())


@login_required_message(LOGIN)
@require_http_methods(["GET", "POST"])
def review_inbox(request):
    """New name-only matches on owned records: accept them onto the profile, or "not me" to split off."""
    if request.method == "POST":
        try:
            ids = [int(v) for v in request.POST.getlist("authorship")]
        except ValueError:
            ids = []
        author = Author.objects.filter(pk=request.POST.get("author"), owner=request.user).first()
        if author is None or not ids:
            messages.error(request, "Tick at least one paper first.")
            return redirect("me:review")
        try:
            if request.POST.get("action") == "not_me":
                new = claims.authorships_split(actor=request.user, author=author, authorship_ids=ids)
                messages.success(request, f"{len(ids)} paper(s) moved to {new.display_name} ({new.slug}).")
            else:
                n = claims.pending_authorships_accept(user=request.user, author=author, authorship_ids=ids)
                messages.success(request, f"{n} paper(s) added to your profile.")
        except ServiceError as exc:
            return refused(request, exc, back=reverse("me:review"))
        return redirect("me:review")
    return render(request, "me/review.html", {"pending": sel.pending_inbox(user=request.user)[:500]})


class SettingsForm(forms.Form):
    frequency = forms.ChoiceField(choices=DigestFrequency.choices, label="Digest of new papers from people you follow")
    notify_messages = forms.BooleanField(required=False, label="Email me when a new private message arrives")


@login_required_message(LOGIN)
@require_http_methods(["GET", "POST"])
def settings_view(request):
    pref = DigestPreference.objects.filter(user=request.user).first() or DigestPreference(user=request.user)
    form = SettingsForm(request.POST or None, initial={"frequency": pref.frequency,
                                                       "notify_messages": pref.notify_messages})
    if request.method == "POST" and form.is_valid():
        profile.digest_preference_update(user=request.user, frequency=form.cleaned_data["frequency"],
                                         notify_messages=form.cleaned_data["notify_messages"])
        messages.success(request, "Email settings saved.")
        return redirect("me:settings")
    return render(request, "me/settings.html", {"form": form})


@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    """No login: the signed token names the account. GET asks, POST does (link scanners only GET)."""
    if request.method == "POST":
        try:
            profile.digest_unsubscribe(token=token)
        except ServiceError as exc:
            return refused(request, exc)
        return render(request, "me/unsubscribe.html", {"done": True})
    return render(request, "me/unsubscribe.html", {"done": False, "token": token})


@login_required_message(LOGIN)
@require_POST
def block(request, user_id):
    try:
        collaboration.block_create(user=request.user, blocked_user_id=user_id)
    except ServiceError as exc:
        return refused(request, exc, back=safe_back(request, reverse("me:home")))
    messages.success(request, "Blocked: they can no longer invite or message you.")
    return redirect(safe_back(request, reverse("me:home")))


@login_required_message(LOGIN)
@require_POST
def unblock(request, user_id):
    collaboration.block_delete(user=request.user, blocked_user_id=user_id)
    messages.success(request, "Block lifted.")
    return redirect(safe_back(request, reverse("me:home")))


@login_required_message(LOGIN)
@require_http_methods(["GET", "POST"])
def report(request, user_id):
    reported = get_object_or_404(get_user_model(), pk=user_id)
    invitation_id = request.GET.get("invitation") or request.POST.get("invitation")
    message_id = request.GET.get("message") or request.POST.get("message")
    if not all(str(v).isdigit() for v in (invitation_id, message_id) if v):
        raise Http404("No such invitation or message.")
    # Only an invitation or message the viewer sent or received may be shown (or reported) here.
    invitation = get_object_or_404(
        Invitation.objects.filter(Q(sender=request.user) | Q(recipient=request.user)), pk=invitation_id,
    ) if invitation_id else None
    message = get_object_or_404(
        Message.objects.filter(Q(conversation__initiator=request.user) | Q(conversation__recipient=request.user)),
        pk=message_id,
    ) if message_id else None
    error = None
    if request.method == "POST":
        try:
            collaboration.report_create(user=request.user, reported_user_id=reported.pk,
                                        reason=request.POST.get("reason", ""), details=request.POST.get("details", ""),
                                        invitation=invitation, message=message)
        except ServiceError as exc:
            if exc.status_code == 403:
                return refused(request, exc)
            error = exc.message
        else:
            messages.success(request, "Thank you: the moderators will look at your report.")
            return redirect("me:home")
    return render(request, "me/report.html", {"reported_id": reported.pk, "invitation": invitation,
                                              "message_obj": message, "error": error},
                  status=400 if error else 200)
