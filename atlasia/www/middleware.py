"""Request hygiene shared by every page.

``ControlCharactersMiddleware``: a NUL byte can never be stored nor compared in PostgreSQL text (psycopg
refuses the query: an HTTP 500 on any page that filters on a query-string value, the public register
included). Query-string keys and values lose their NUL and other C0 control characters (tab, line
feed and carriage return are kept) before any view reads them, so a pasted or forged ``?q=%00…``
searches for what is left instead of failing. Form posts are not touched: Django's form fields
already refuse a NUL byte with a message.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, QueryDict

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class ControlCharactersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        query = request.GET
        if any(CONTROL.search(k) or any(CONTROL.search(v) for v in query.getlist(k)) for k in query):
            cleaned = QueryDict(mutable=True)
            for key in query:
                cleaned.setlist(CONTROL.sub("", key), [CONTROL.sub("", v) for v in query.getlist(key)])
            cleaned._mutable = False
            request.GET = cleaned  # type: ignore[assignment]
        return self.get_response(request)
