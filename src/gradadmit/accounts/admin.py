"""Staff and applicant accounts in the configuration screens."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from gradadmit.accounts.models import ApplicantProfile, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "staff_role", "is_active", "require_mfa", "date_joined"]
    list_filter = ["staff_role", "is_active", "require_mfa"]
    search_fields = ["email"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Role"), {"fields": ["staff_role", "require_mfa", "is_active", "is_staff", "is_superuser"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined", "pdpa_consent_at"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2", "staff_role"]})]


@admin.register(ApplicantProfile)
class ApplicantProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "name_zh", "education_status", "updated_at"]
    search_fields = ["user__email", "name_zh", "name_en"]
    # The full ID and passport numbers are shown only through the applicant record's logged reveal (accesslog).
    exclude = ["national_id", "passport_number"]
