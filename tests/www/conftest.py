"""Fixtures of the screens' tests."""

from __future__ import annotations

from typing import Any

import pytest

from atlasia.registry.models import UseCase


@pytest.fixture
def neighbours(world: dict[str, Any]) -> UseCase:
    """CHU de Lille's public record, embedded, with three stored neighbours at CAF de la Gironde (one at
    each publication level: a member of CHU de Lille sees two of them, CAF's members and the national
    team all three)."""
    from atlasia.search import embeddings
    from atlasia.search.models import UseCaseEmbedding, UseCaseNeighbour

    source: UseCase = world["records"]["a_public"]
    records = world["records"]
    UseCase.objects.filter(pk=records["b_public"].pk).update(
        summary="Un repérage des allocataires qui renoncent à leurs droits."
    )
    UseCaseEmbedding.objects.create(
        use_case=source, model_name=embeddings.MODEL_NAME, dim=384, vector=bytes(4 * 384), text_hash="x"
    )
    for name, score in (("b_public", 0.95), ("b_network", 0.93), ("b_internal", 0.91), ("a_network", 0.97)):
        UseCaseNeighbour.objects.create(source=source, target=records[name], score=score)
    return UseCase.objects.get(pk=source.pk)
