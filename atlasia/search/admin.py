"""Admin of the search index: read-only documents flagged "pending" while their embedding is missing or
stale (full-text search finds them meanwhile), and the background (re-)embedding jobs with their
progress. Starting a job goes through ``services.reembedding_start`` (permission, audit row)."""

from typing import Any

from django.contrib import admin
from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from atlasia.accounts import perms
from atlasia.accounts.actor import user_of

from . import embeddings, services
from .models import EmbeddingJob, UseCaseDocument, UseCaseEmbedding, UseCaseNeighbour


def _embedded() -> Exists:
    return Exists(
        UseCaseEmbedding.objects.filter(
            use_case_id=OuterRef("use_case_id"),
            model_name=embeddings.MODEL_NAME,
            text_hash=OuterRef("text_hash"),
        )
    )


class EmbeddingStatusFilter(admin.SimpleListFilter):
    title = _("plongement")
    parameter_name = "plongement"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("attente", _("en attente")), ("ajour", _("à jour"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() == "attente":
            return queryset.filter(embedded=False)
        if self.value() == "ajour":
            return queryset.filter(embedded=True)
        return queryset


@admin.register(UseCaseDocument)
class UseCaseDocumentAdmin(admin.ModelAdmin):
    list_display = ("use_case", "title", "embedding_status", "updated_at")
    list_filter = (EmbeddingStatusFilter,)
    readonly_fields = ("use_case", "title", "summary", "body", "text_hash", "updated_at")
    search_fields = ("title",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return super().get_queryset(request).annotate(embedded=_embedded())

    @admin.display(description=_("plongement"), ordering="embedded")
    def embedding_status(self, obj: Any) -> str:
        return str(_("à jour") if getattr(obj, "embedded", False) else _("en attente"))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(UseCaseEmbedding)
class UseCaseEmbeddingAdmin(admin.ModelAdmin):
    list_display = ("use_case", "model_name", "dim", "updated_at")
    readonly_fields = ("use_case", "model_name", "dim", "text_hash", "updated_at")
    exclude = ("vector", "signature")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(EmbeddingJob)
class EmbeddingJobAdmin(admin.ModelAdmin):
    """ "Ajouter" starts (or resumes) the background embedding of every stale record."""

    list_display = ("created_at", "model_name", "status", "progress", "created_by")
    fields = ()
    readonly_fields = ("model_name", "status", "progress", "error", "created_by", "created_at", "updated_at")

    @admin.display(description=_("progression"))
    def progress(self, obj: EmbeddingJob) -> str:
        return f"{obj.done} / {obj.total} ({obj.percent} %)"

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return () if obj is None else self.readonly_fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return perms.is_platform_admin(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        job = services.reembedding_start(actor=user_of(request))
        obj.pk = job.pk
        obj.__dict__.update({f.attname: getattr(job, f.attname) for f in job._meta.concrete_fields})


@admin.register(UseCaseNeighbour)
class UseCaseNeighbourAdmin(admin.ModelAdmin):
    list_display = ("source", "target", "score")
    readonly_fields = ("source", "target", "score")
    raw_id_fields = ("source", "target")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
