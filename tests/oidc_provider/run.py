"""Start the test OpenID Connect provider: ``python run.py`` with OP_PORT, OP_DATA_DIR, OP_CLIENT_ID,
OP_CLIENT_SECRET and OP_TEST_SECRET in the environment. Serves until killed."""

import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
os.environ["DJANGO_SETTINGS_MODULE"] = "settings"


def _exit_with_parent() -> None:
    """Stop when the test run that started us is gone (killed before its fixture could stop us)."""
    import threading
    import time

    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(0)

    threading.Thread(target=watch, daemon=True).start()


def main() -> None:
    _exit_with_parent()
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    data_dir = Path(os.environ["OP_DATA_DIR"])
    data_dir.mkdir(parents=True, exist_ok=True)
    key_file = data_dir / "rsa.pem"
    if not key_file.exists():
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        key_file.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )

    import django

    django.setup()
    from django.core.management import call_command
    from django.core.servers.basehttp import WSGIServer, run
    from django.core.wsgi import get_wsgi_application
    from oauth2_provider.models import get_application_model

    call_command("migrate", verbosity=0)
    Application = get_application_model()
    Application.objects.filter(client_id=os.environ["OP_CLIENT_ID"]).delete()
    Application.objects.create(
        name="Atlas IA (tests)",
        client_id=os.environ["OP_CLIENT_ID"],
        client_secret=os.environ["OP_CLIENT_SECRET"],
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris="http://testserver/connexion/proconnect/retour/",
        post_logout_redirect_uris="http://testserver/deconnexion/proconnect/retour/",
        algorithm=Application.RS256_ALGORITHM,
        skip_authorization=True,
    )
    run(
        "127.0.0.1", int(os.environ["OP_PORT"]), get_wsgi_application(), threading=True, server_cls=WSGIServer
    )


if __name__ == "__main__":
    main()
