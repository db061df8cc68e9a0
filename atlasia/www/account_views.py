"""Self-service account pages: changing one's own password (OWASP ASVS L2 V2.1.5)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.password_validation import password_validators_help_texts
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods
from dsfr.forms import DsfrBaseForm

from atlasia.accounts import services as account_services
from atlasia.accounts.actor import user_of
from atlasia.accounts.security import client_ip

from .forms import attach_service_errors


class PasswordChangeForm(DsfrBaseForm):
    old_password = forms.CharField(
        label=gettext_lazy("Mot de passe actuel"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    new_password1 = forms.CharField(
        label=gettext_lazy("Nouveau mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    new_password2 = forms.CharField(
        label=gettext_lazy("Nouveau mot de passe (confirmation)"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, str]:
        data = super().clean() or {}
        if data.get("new_password1") and data.get("new_password2") != data.get("new_password1"):
            self.add_error("new_password2", _("Les deux saisies du nouveau mot de passe sont différentes."))
        return data


@sensitive_post_parameters()
@require_http_methods(["GET", "POST"])
def password_change(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            account_services.password_change(
                actor=user_of(request),
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password1"],
                ip_address=client_ip(request),
            )
        except ValidationError as error:
            attach_service_errors(form, error)
        else:
            # Other sessions of this account are closed; this one stays open.
            update_session_auth_hash(request, request.user)  # type: ignore[arg-type]
            messages.success(request, _("Votre mot de passe a été changé."))
            return redirect("account")
    return render(
        request,
        "www/password_change.html",
        {"form": form, "title": _("Changer de mot de passe"), "rules": password_validators_help_texts()},
        status=400 if request.method == "POST" else 200,
    )
