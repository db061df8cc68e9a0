from django.contrib import admin

from .models import (
    Charter,
    CharterAssessment,
    CharterPrinciple,
    ComplianceRecord,
    Experiment,
    Kpi,
    KpiMeasurement,
    PriorityAssessment,
    ReminderLog,
    StatusTransition,
    WeightProfile,
)


@admin.register(StatusTransition)
class StatusTransitionAdmin(admin.ModelAdmin):
    list_display = ("use_case", "from_status", "to_status", "transition", "actor_label", "at")
    list_filter = ("to_status", "transition")
    search_fields = ("use_case__title", "reason")
    raw_id_fields = ("use_case", "actor")


@admin.register(ComplianceRecord)
class ComplianceRecordAdmin(admin.ModelAdmin):
    list_display = ("use_case", "dpia_decision", "fria_completed_at", "registration_reference")
    raw_id_fields = ("use_case", "dpia_decided_by")


@admin.register(WeightProfile)
class WeightProfileAdmin(admin.ModelAdmin):
    list_display = ("name", "scope", "organisation", "updated_at")


@admin.register(PriorityAssessment)
class PriorityAssessmentAdmin(admin.ModelAdmin):
    list_display = ("use_case", "people_reached", "assessed_by", "assessed_at")
    raw_id_fields = ("use_case", "assessed_by")


class KpiInline(admin.TabularInline):
    model = Kpi
    extra = 0


@admin.register(Experiment)
class ExperimentAdmin(admin.ModelAdmin):
    list_display = ("title", "use_case", "start_date", "end_date", "decision")
    list_filter = ("decision",)
    raw_id_fields = ("use_case", "decided_by", "created_by")
    inlines = [KpiInline]


@admin.register(Kpi)
class KpiAdmin(admin.ModelAdmin):
    list_display = ("name", "experiment", "unit", "baseline", "target")


@admin.register(KpiMeasurement)
class KpiMeasurementAdmin(admin.ModelAdmin):
    list_display = ("kpi", "date", "value")


class CharterPrincipleInline(admin.TabularInline):
    model = CharterPrinciple
    extra = 0


@admin.register(Charter)
class CharterAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "position")
    inlines = [CharterPrincipleInline]


@admin.register(CharterPrinciple)
class CharterPrincipleAdmin(admin.ModelAdmin):
    list_display = ("charter", "code", "position")


@admin.register(CharterAssessment)
class CharterAssessmentAdmin(admin.ModelAdmin):
    list_display = ("use_case", "principle", "level")
    raw_id_fields = ("use_case", "assessed_by")


@admin.register(ReminderLog)
class ReminderLogAdmin(admin.ModelAdmin):
    list_display = ("user", "day", "item_count", "sent_at")
