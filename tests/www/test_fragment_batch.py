"""A page reads its cached fragments in one round trip (issue 18: nine Redis reads per record page).

``{% load fragment_cache %}``'s ``{% cache %}`` (www/templatetags/fragment_cache.py) reads the keys of
every fragment of the page (its template and the templates it extends, plus those a view announced) with
one ``get_many``; a fragment whose key is only known inside a loop or an include is read alone. Checked
on the per-process cache of the tests and on a real Redis through django-redis, as in production."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import caches
from django.core.cache.utils import make_template_fragment_key
from django.template import Context, RequestContext, Template
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from atlasia.registry.models import UseCase
from atlasia.www import fragments

pytestmark = pytest.mark.django_db

REDIS = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": "redis://127.0.0.1:6379/15",
        "KEY_PREFIX": f"atlasia-tests-{uuid.uuid4().hex[:12]}",  # two suites may run at once
    }
}


class Reads:
    """The reads of fragments (``template.cache.*`` keys) a request made, by kind of call."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.single: list[str] = []
        self.batches: list[list[str]] = []
        self.inside_batch = False
        backend = caches["default"]
        get, get_many = backend.get, backend.get_many

        def counted_get(key: str, *args: Any, **kwargs: Any) -> Any:
            if key.startswith("template.cache.") and not self.inside_batch:
                self.single.append(key)
            return get(key, *args, **kwargs)

        def counted_get_many(keys: Any, *args: Any, **kwargs: Any) -> Any:
            self.batches.append(list(keys))
            self.inside_batch = True  # the per-process cache's get_many calls its get for each key
            try:
                return get_many(keys, *args, **kwargs)
            finally:
                self.inside_batch = False

        monkeypatch.setattr(backend, "get", counted_get)
        monkeypatch.setattr(backend, "get_many", counted_get_many)

    def clear(self) -> None:
        self.single.clear()
        self.batches.clear()


@pytest.fixture(params=["per-process", "redis"])
def backend(request: pytest.FixtureRequest) -> Iterator[str]:
    if request.param == "per-process":
        yield request.param
        return
    with override_settings(CACHES=REDIS):
        assert type(caches["default"]).__module__ == "django_redis.cache"
        try:
            yield request.param
        finally:
            caches["default"].delete_pattern("*")  # type: ignore[attr-defined]


def _page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


def test_a_record_page_reads_its_fragments_in_one_round_trip(
    backend: str, world: dict[str, Any], neighbours: UseCase, monkeypatch: pytest.MonkeyPatch
) -> None:
    record = neighbours  # with stored neighbours: the similar records panel is a fragment too
    client = Client()
    client.force_login(world["users"]["referent"])  # may edit and upload: every fragment shows
    url = reverse("usecase_detail", args=[record.pk])
    reads = Reads(monkeypatch)
    cold = _page(client, url)
    # Cold: one batch that finds nothing, the fragments rendered and written.
    assert len(reads.batches) == 1 and reads.single == []
    names = {key.split(".")[2] for key in reads.batches[0]}
    assert {"nav", "footer", "usecase_header", "usecase_text", "usecase_landmarks"} <= names
    assert {"usecase_contacts", "attachment_title", "similar_panel"} <= names
    reads.clear()
    warm = _page(client, url)
    assert warm == cold
    assert len(reads.batches) == 1 and reads.single == []
    assert "Chatbot public A" in warm and "Pièces jointes" in warm and "Non-recours public B" in warm


def test_the_list_page_reads_the_menu_the_filters_and_the_footer_together(
    backend: str, world: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    client = Client()
    client.force_login(world["users"]["national"])
    url = reverse("usecase_list") + "?status=deployed"
    _page(client, url)
    reads = Reads(monkeypatch)
    page = _page(client, url)
    assert reads.single == [] and len(reads.batches) == 1
    assert {key.split(".")[2] for key in reads.batches[0]} >= {"nav", "usecase_filters", "footer"}
    assert 'id="navigation-principale"' in page and 'id="footer"' in page


def _loop() -> Template:
    return Template(
        "{% load fragment_cache %}{% cache 600 head title %}<h1>{{ title }}</h1>{% endcache %}"
        "{% for item in items %}{% cache 600 item item %}<li>{{ item }}</li>{% endcache %}{% endfor %}"
    )


def test_a_fragment_known_only_in_a_loop_is_read_alone_and_stays_right(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    loop = _loop()
    request = RequestFactory().get("/")
    reads = Reads(monkeypatch)
    first = loop.render(RequestContext(request, {"title": "Liste", "items": ["a", "b"]}))
    assert first == "<h1>Liste</h1><li>a</li><li>b</li>"
    assert reads.single == [make_template_fragment_key("item", [v]) for v in "ab"]
    reads.clear()
    request = RequestFactory().get("/")
    second = loop.render(RequestContext(request, {"title": "Liste", "items": ["b", "c"]}))
    assert second == "<h1>Liste</h1><li>b</li><li>c</li>"
    assert len(reads.batches) == 1 and make_template_fragment_key("head", ["Liste"]) in reads.batches[0]
    # A template rendered without a request (an e-mail, a PDF) reads each fragment as Django's tag does.
    reads.clear()
    assert loop.render(Context({"title": "Liste", "items": ["c"]})) == "<h1>Liste</h1><li>c</li>"
    assert reads.batches == [] and len(reads.single) == 2


def test_a_fragment_a_view_announced_is_in_the_batch(monkeypatch: pytest.MonkeyPatch) -> None:
    request = RequestFactory().get("/")
    fragments.prefetch(request, "item", "z")
    reads = Reads(monkeypatch)
    assert _loop().render(RequestContext(request, {"title": "T", "items": ["z"]})) == "<h1>T</h1><li>z</li>"
    assert reads.single == [] and len(reads.batches) == 1
    assert {make_template_fragment_key("item", ["z"]), make_template_fragment_key("head", ["T"])} <= set(
        reads.batches[0]
    )
