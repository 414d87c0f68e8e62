"""Admin for scoring settings and reviewer assignments (departments use their pages) and ranking runs (read only)."""

from django.contrib import admin

from gradadmit.scoring.models import RankingRun, ReviewerAssignment, ScoringSettings


@admin.register(ScoringSettings)
class ScoringSettingsAdmin(admin.ModelAdmin):
    list_display = ["program", "aggregation", "pass_minimum", "pass_top_n", "admit_all_tied"]
    raw_id_fields = ["program"]


@admin.register(ReviewerAssignment)
class ReviewerAssignmentAdmin(admin.ModelAdmin):
    list_display = ["program", "reviewer", "application", "conflict_declared"]
    raw_id_fields = ["program", "reviewer", "application"]


@admin.register(RankingRun)
class RankingRunAdmin(admin.ModelAdmin):
    list_display = ["program", "number", "state", "input_hash", "run_by", "created_at"]
    readonly_fields = [f.name for f in RankingRun._meta.fields]

    def has_add_permission(self, request):
        return False
