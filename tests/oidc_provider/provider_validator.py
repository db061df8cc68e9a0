"""Claims as ProConnect sends them (doc_fs/scope-claims.md), and test switches that make id_tokens lie."""

from oauth2_provider.oauth2_validators import OAuth2Validator

# Claims of each user, set through POST /_test/setup: {username: {claim: value}}.
USER_CLAIMS: dict[str, dict] = {}
# Overrides applied to the next id_tokens (e.g. {"iss": "https://ailleurs.example"} or {"nonce": "x"}).
TAMPER: dict[str, str] = {}


class ProConnectLikeValidator(OAuth2Validator):
    # One scope per claim, as ProConnect; acr and amr ride with openid (id_token only, see the userinfo view).
    oidc_claim_scope = {
        "sub": "openid",
        "email": "email",
        "given_name": "given_name",
        "usual_name": "usual_name",
        "uid": "uid",
        "siret": "siret",
        "idp_id": "idp_id",
        "acr": "openid",
        "amr": "openid",
    }

    def get_additional_claims(self, request):
        claims = dict(USER_CLAIMS.get(request.user.username, {}))
        claims.setdefault("email", request.user.email)
        claims.setdefault("uid", str(request.user.pk))
        return claims

    def get_id_token_dictionary(self, token, token_handler, request):
        claims, expiration = super().get_id_token_dictionary(token, token_handler, request)
        claims.update({k: v for k, v in TAMPER.items() if k != "nonce"})
        return claims, expiration

    def finalize_id_token(self, id_token, token, token_handler, request):
        if "nonce" in TAMPER:
            id_token["nonce"] = TAMPER["nonce"]
        return super().finalize_id_token(id_token, token, token_handler, request)
