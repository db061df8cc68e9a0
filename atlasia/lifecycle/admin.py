from django.contrib import admin

from atlasia.audit.admin_base import ReadOnlyAdmin, ReadOnlyInline

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
class StatusTransitionAdmin(ReadOnlyAdmin):
    list_display = ("use_case", "from_status", "to_status", "transition", "actor_label", "at")
    list_filter = ("to_status", "transition")
    search_fields = ("use_case__title", "reason")
    raw_id_fields = ("use_case", "actor")


@admin.register(ComplianceRecord)
class ComplianceRecordAdmin(ReadOnlyAdmin):
    list_display = ("use_case", "dpia_decision", "fria_completed_at", "registration_reference")
    raw_id_fields = ("use_case", "dpia_decided_by")


@admin.register(WeightProfile)
class WeightProfileAdmin(ReadOnlyAdmin):
    list_display = ("name", "scope", "organisation", "updated_at")


@admin.register(PriorityAssessment)
class PriorityAssessmentAdmin(ReadOnlyAdmin):
    list_display = ("use_case", "people_reached", "assessed_by", "assessed_at")
    raw_id_fields = ("use_case", "assessed_by")


class KpiInline(ReadOnlyInline):
    model = Kpi
    extra = 0


@admin.register(Experiment)
class ExperimentAdmin(ReadOnlyAdmin):
    list_display = ("title", "use_case", "start_date", "end_date", "decision")
    list_filter = ("decision",)
    raw_id_fields = ("use_case", "decided_by", "created_by")
    inlines = [KpiInline]


@admin.register(Kpi)
class KpiAdmin(ReadOnlyAdmin):
    list_display = ("name", "experiment", "unit", "baseline", "target")


@admin.register(KpiMeasurement)
class KpiMeasurementAdmin(ReadOnlyAdmin):
    list_display = ("kpi", "date", "value")


class CharterPrincipleInline(ReadOnlyInline):
    model = CharterPrinciple
    extra = 0


@admin.register(Charter)
class CharterAdmin(ReadOnlyAdmin):
    list_display = ("name", "kind", "position")
    inlines = [CharterPrincipleInline]


@admin.register(CharterPrinciple)
class CharterPrincipleAdmin(ReadOnlyAdmin):
    list_display = ("charter", "code", "position")


@admin.register(CharterAssessment)
class CharterAssessmentAdmin(ReadOnlyAdmin):
    list_display = ("use_case", "principle", "level")
    raw_id_fields = ("use_case", "assessed_by")


@admin.register(ReminderLog)
class ReminderLogAdmin(ReadOnlyAdmin):
    list_display = ("user", "day", "item_count", "sent_at")
