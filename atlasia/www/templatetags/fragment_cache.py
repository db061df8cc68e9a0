"""``{% cache %}`` whose fragments are read from the cache in one round trip per page.

Same syntax and same keys as Django's tag (``{% load fragment_cache %}`` instead of ``{% load cache %}``,
then ``{% cache 600 name var… %}…{% endcache %}``; ``make_template_fragment_key`` still names a
fragment), but the first fragment a page renders reads the keys of *all* the page's fragments with one
``get_many`` (:class:`atlasia.www.fragments.FragmentBatch`): those of the template and of the templates
it extends, their varying values taken from the page's context, and those a view announced with
:func:`atlasia.www.fragments.prefetch` (a panel included in a loop). Django's tag asks the cache once per
fragment: nine round trips to Redis on a record page (``benchmarks/README.md``).

A fragment whose key was not read in the batch (inside an include or a loop, its values only known
there) is read alone, as Django's tag does, so the batch changes the cost of a page and never what it
shows.
"""

from __future__ import annotations

from typing import Any, cast
from weakref import WeakKeyDictionary

from django import template
from django.core.cache import InvalidCacheBackendError, caches
from django.core.cache.backends.base import BaseCache
from django.core.cache.utils import make_template_fragment_key
from django.template import Context, Template
from django.template.loader_tags import ExtendsNode
from django.templatetags import cache as django_cache_tag
from django.templatetags.cache import CacheNode

from atlasia.www import fragments

register = template.Library()

# The fragments of a template and of those it extends, found once per compiled template.
_PAGE_NODES: WeakKeyDictionary[Template, list[BatchedCacheNode]] = WeakKeyDictionary()


def _fragment_cache() -> BaseCache:
    try:
        return caches["template_fragments"]
    except InvalidCacheBackendError:
        return caches["default"]


def _page_nodes(page: Template, context: Context) -> list[BatchedCacheNode]:
    known = _PAGE_NODES.get(page)
    if known is not None:
        return known
    nodes: list[BatchedCacheNode] = []
    current: Template | None = page
    seen: set[int] = set()
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        nodes += cast("list[BatchedCacheNode]", current.nodelist.get_nodes_by_type(BatchedCacheNode))
        extends = cast("list[ExtendsNode]", current.nodelist.get_nodes_by_type(ExtendsNode))
        current = None
        if extends:
            parent = cast(Any, extends[0].parent_name).resolve(context)
            if isinstance(parent, str):
                current = context.template.engine.get_template(parent)  # type: ignore[union-attr]
            elif isinstance(parent, Template):
                current = parent
            elif hasattr(parent, "template"):  # a backend's template object
                current = parent.template
    _PAGE_NODES[page] = nodes
    return nodes


class BatchedCacheNode(CacheNode):
    def key(self, context: Context) -> str:
        return make_template_fragment_key(self.fragment_name, [var.resolve(context) for var in self.vary_on])

    def _timeout(self, context: Context) -> int | None:
        expire_time = self.expire_time_var.resolve(context)
        return None if expire_time is None else int(expire_time)

    def render(self, context: Context) -> str:
        if self.cache_name:  # another cache than the fragments': Django's tag, one read
            return super().render(context)  # type: ignore[no-any-return]
        timeout = self._timeout(context)
        cache = _fragment_cache()
        key = self.key(context)
        batch = fragments.batch_of(getattr(context, "request", None))
        page = getattr(context, "template", None)
        if batch is not None and page is not None and batch.first_render_of(page):
            batch.want(*(node.key(context) for node in _page_nodes(page, context) if not node.cache_name))
        value: Any = batch.read(key, cache) if batch is not None else cache.get(key)
        if value is None:
            value = self.nodelist.render(context)
            cache.set(key, value, timeout)
            if batch is not None:
                batch.remember(key, value)
        return value  # type: ignore[no-any-return]


@register.tag("cache")
def do_cache(parser: Any, token: Any) -> BatchedCacheNode:
    """``{% cache timeout name [var …] [using=…] %}…{% endcache %}``, parsed by Django's tag."""
    node = django_cache_tag.do_cache(parser, token)
    return BatchedCacheNode(
        node.nodelist, node.expire_time_var, node.fragment_name, node.vary_on, node.cache_name
    )
