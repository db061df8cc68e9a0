"""``/api/v1/docs`` works without the Internet: Swagger UI comes from our own static files (django-ninja
ships them), so it renders in Chromium with every request outside the server refused."""

from typing import Any

import pytest
from browsing import launched

pytestmark = [pytest.mark.browser]


@pytest.mark.django_db(transaction=True)
def test_api_documentation_renders_offline(live_server: Any) -> None:
    outside: list[str] = []
    refusals: list[str] = []
    with launched() as browser:
        page = browser.new_page(locale="fr-FR")

        def route(request_route: Any) -> None:
            if request_route.request.url.startswith(live_server.url) or request_route.request.url.startswith(
                "data:"
            ):
                request_route.continue_()
            else:
                outside.append(request_route.request.url)
                request_route.abort()

        page.route("**/*", route)
        page.on("console", lambda m: refusals.append(m.text) if "Content Security Policy" in m.text else None)
        page.goto(live_server.url + "/api/v1/docs")
        page.wait_for_selector(".swagger-ui .info .title", timeout=20000)
        title = page.inner_text(".swagger-ui .info .title")
        operations = page.locator(".opblock").count()
        french = page.inner_text(".swagger-ui")
        # the same page in an English browser: the description Swagger UI shows is the English one
        english_page = browser.new_page(locale="en-GB")
        english_page.route("**/*", route)
        english_page.goto(live_server.url + "/api/v1/docs")
        english_page.wait_for_selector(".swagger-ui .opblock", timeout=20000)
        english = english_page.inner_text(".swagger-ui")
        language = english_page.get_attribute("html", "lang")
    assert "Atlas IA" in title
    assert operations >= 5
    assert "Lister les cas d'usage" in french and "Registre des cas d'usage" in french
    assert language == "en"
    assert "List the use cases" in english and "Register of the AI use cases" in english
    assert "cas d'usage" not in english
    assert outside == [] and refusals == []
