"""URLs of the test provider: django-oauth-toolkit under /o/, a login page, and the test control endpoint."""

import json
import os
import time

import provider_validator
from django.contrib.auth import views as auth_views
from django.contrib.auth.models import User
from django.http import HttpResponse, HttpResponseForbidden, JsonResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from jwcrypto import jwt
from oauth2_provider.models import get_application_model
from oauth2_provider.views.oidc import UserInfoView
from settings import ISSUER


class SignedUserInfoView(UserInfoView):
    """ProConnect answers userinfo with a signed JWT (application/jwt), without acr/amr."""

    def _create_userinfo_response(self, request):
        response = super()._create_userinfo_response(request)
        if response.status_code != 200:
            return response
        claims = json.loads(response.content)
        claims.pop("acr", None)
        claims.pop("amr", None)
        application = get_application_model().objects.get(client_id=os.environ["OP_CLIENT_ID"])
        now = int(time.time())
        claims.update({"iss": ISSUER, "aud": application.client_id, "iat": now, "exp": now + 60})
        key = application.jwk_key
        token = jwt.JWT(header={"alg": "RS256", "kid": key.thumbprint()}, claims=claims)
        token.make_signed_token(key)
        return HttpResponse(token.serialize(), content_type="application/jwt")


@csrf_exempt
def setup(request):
    if request.headers.get("X-Test-Secret") != os.environ["OP_TEST_SECRET"]:
        return HttpResponseForbidden("no")
    data = json.loads(request.body)
    for spec in data.get("users", []):
        user, _ = User.objects.get_or_create(username=spec["username"])
        user.email = spec.get("email", "")
        user.set_password(spec["password"])
        user.save()
        provider_validator.USER_CLAIMS[user.username] = spec.get("claims", {})
    application = get_application_model().objects.get(client_id=os.environ["OP_CLIENT_ID"])
    if "redirect_uris" in data:
        application.redirect_uris = " ".join(data["redirect_uris"])
    if "post_logout_redirect_uris" in data:
        application.post_logout_redirect_uris = " ".join(data["post_logout_redirect_uris"])
    application.save()
    if "tamper" in data:
        provider_validator.TAMPER.clear()
        provider_validator.TAMPER.update(data["tamper"])
    return JsonResponse({"ok": True})


urlpatterns = [
    path("o/userinfo/", SignedUserInfoView.as_view(), name="user-info"),
    path("o/", include("oauth2_provider.urls", namespace="oauth2_provider")),
    path("connexion/", auth_views.LoginView.as_view(template_name="login.html"), name="login"),
    path("_test/setup", setup),
]
