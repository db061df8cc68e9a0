"""Screens of invitations: an organisation administrator invites by e-mail, the invited person answers."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from atlasia.accounts import selectors as account_selectors
from atlasia.accounts import services as account_services
from atlasia.accounts.actor import actor_of, user_of
from atlasia.accounts.models import Invitation
from atlasia.core.roles import Action
from atlasia.registry import selectors


def _members_url(slug: str) -> str:
    return reverse("organisation_detail", args=[slug]) + "#membres"


@require_POST
def invitation_create(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = get_object_or_404(
        selectors.organisations_for(actor_of(request), Action.MEMBERS_MANAGE), slug=slug
    )
    try:
        invitation = account_services.invitation_create(
            actor=user_of(request),
            organisation=organisation,
            email=request.POST.get("email", ""),
            role=request.POST.get("role", ""),
            link_for=lambda token: request.build_absolute_uri(reverse("invitation_answer", args=[token])),
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("Une invitation a été envoyée à %(email)s ; le lien est valable jusqu'au %(date)s.")
            % {"email": invitation.email, "date": invitation.expires_at.strftime("%d/%m/%Y")},
        )
    return redirect(_members_url(slug))


@require_POST
def invitation_revoke(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    organisation = get_object_or_404(
        selectors.organisations_for(actor_of(request), Action.MEMBERS_MANAGE), slug=slug
    )
    invitation = get_object_or_404(Invitation.objects.filter(organisation=organisation), pk=pk)
    try:
        account_services.invitation_revoke(actor=user_of(request), invitation=invitation)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("L'invitation de %(email)s est révoquée.") % {"email": invitation.email})
    return redirect(_members_url(slug))


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def invitation_answer(request: HttpRequest, token: str) -> HttpResponse:
    """The e-mailed link: accept (logged in with the invited address), log in, or create an account."""
    try:
        invitation = account_services.invitation_from_token(token)
    except account_services.InvitationRefused as refusal:
        return render(
            request,
            "accounts/invitation.html",
            {"title": _("Invitation"), "refusal": str(refusal)},
            status=410,
        )
    context = {"title": _("Invitation"), "invitation": invitation, "token": token}
    if request.user.is_authenticated:
        if request.method == "POST":
            try:
                account_services.invitation_accept(user=request.user, token=token)
            except account_services.InvitationRefused as refusal:
                context["refusal"] = str(refusal)
                return render(request, "accounts/invitation.html", context, status=403)
            messages.success(
                request,
                _("Vous avez rejoint %(organisation)s comme %(role)s.")
                % {"organisation": invitation.organisation.name, "role": invitation.get_role_display()},
            )
            return redirect("organisation_detail", slug=invitation.organisation.slug)
        context["wrong_user"] = (request.user.email or "").lower() != invitation.email.lower()  # type: ignore[union-attr]
        return render(request, "accounts/invitation.html", context)
    context["account_exists"] = account_selectors.account_exists_for(invitation.email)
    errors: dict[str, list[str]] = {}
    if request.method == "POST" and not context["account_exists"]:
        try:
            user = account_services.invitation_account_create(
                token=token,
                first_name=request.POST.get("first_name", ""),
                last_name=request.POST.get("last_name", ""),
                password=request.POST.get("password", ""),
                password_confirmation=request.POST.get("password_confirmation", ""),
            )
        except ValidationError as error:
            errors = error.message_dict
        except account_services.InvitationRefused as refusal:
            context["refusal"] = str(refusal)
            return render(request, "accounts/invitation.html", context, status=403)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            account_services.invitation_accept(user=user, token=token)
            messages.success(
                request,
                _("Votre compte est créé et vous avez rejoint %(organisation)s comme %(role)s.")
                % {"organisation": invitation.organisation.name, "role": invitation.get_role_display()},
            )
            return redirect("organisation_detail", slug=invitation.organisation.slug)
    context.update(
        {
            "errors": errors,
            "first_name": request.POST.get("first_name", ""),
            "last_name": request.POST.get("last_name", ""),
            "next": request.get_full_path(),
        }
    )
    return render(request, "accounts/invitation.html", context, status=400 if errors else 200)
