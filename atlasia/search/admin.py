from django.contrib import admin

from .models import UseCaseDocument, UseCaseEmbedding


@admin.register(UseCaseDocument)
class UseCaseDocumentAdmin(admin.ModelAdmin):
    list_display = ("use_case", "title", "updated_at")
    readonly_fields = ("use_case", "title", "summary", "body", "text_hash", "updated_at")
    search_fields = ("title",)


@admin.register(UseCaseEmbedding)
class UseCaseEmbeddingAdmin(admin.ModelAdmin):
    list_display = ("use_case", "model_name", "dim", "updated_at")
    readonly_fields = ("use_case", "model_name", "dim", "text_hash", "updated_at")
    exclude = ("vector",)
