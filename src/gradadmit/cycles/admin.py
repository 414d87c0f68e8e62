"""Configuration of cycles, calendars, programmes, document items and stages (office only)."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from gradadmit.cycles.forms import StageWeightsFormSet
from gradadmit.cycles.models import (
    Cycle,
    DeadlineExtension,
    DocumentRequirement,
    FormTemplate,
    Milestone,
    Program,
    ProgramAssignment,
    SelectionStage,
)
from gradadmit.documents.admin_forms import OnlineFormInlineMixin


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0


class FormTemplateInline(admin.TabularInline):
    model = FormTemplate
    extra = 0


@admin.register(Cycle)
class CycleAdmin(admin.ModelAdmin):
    list_display = ["name_zh", "code", "academic_year", "is_published", "tools"]
    list_filter = ["is_published", "academic_year"]
    search_fields = ["code", "name_zh", "name_en"]
    inlines = [MilestoneInline, FormTemplateInline]

    @admin.display(description=_("Tools"))
    def tools(self, cycle):
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a> · <a href="{}">{}</a>',
            reverse("office:clone_cycle", args=[cycle.pk]),
            _("Clone"),
            reverse("office:import_programs", args=[cycle.pk]),
            _("Import programmes"),
            reverse("office:extensions", args=[cycle.pk]),
            _("Extensions"),
        )


class SelectionStageInline(admin.TabularInline):
    model = SelectionStage
    formset = StageWeightsFormSet
    extra = 0


class DocumentRequirementInline(OnlineFormInlineMixin, admin.StackedInline):
    model = DocumentRequirement
    extra = 0


class ProgramAssignmentInline(admin.TabularInline):
    model = ProgramAssignment
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    list_display = ["code", "name_zh", "cycle", "quota_general", "quota_in_service", "recommendation_policy"]
    list_filter = ["cycle", "degree", "recommendation_policy"]
    search_fields = ["code", "name_zh", "name_en", "department_zh"]
    inlines = [SelectionStageInline, DocumentRequirementInline, ProgramAssignmentInline]


@admin.register(DeadlineExtension)
class DeadlineExtensionAdmin(admin.ModelAdmin):
    list_display = ["cycle", "kind", "applicant", "extended_until", "granted_by", "created_at"]
    list_filter = ["cycle", "kind"]

    def has_add_permission(self, request):
        return False  # granted on the office page, which writes the audit log

    def has_change_permission(self, request, obj=None):
        return False
