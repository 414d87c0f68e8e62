"""Applications in the configuration screens (read-mostly)."""

from django.contrib import admin

from gradadmit.applications.models import Application


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ["id", "program", "identity", "status", "applied_at"]
    list_filter = ["status", "identity", "program__cycle"]
    raw_id_fields = ["applicant"]
