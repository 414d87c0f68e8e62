"""Configuration of fees in the admin: the collecting bank per cycle, fee items and their discounts."""

from django.contrib import admin

from gradadmit.fees.models import CycleBank, Discount, FeeItem


class DiscountInline(admin.TabularInline):
    model = Discount
    extra = 0


@admin.register(FeeItem)
class FeeItemAdmin(admin.ModelAdmin):
    list_display = ["cycle", "code", "name_zh", "kind", "amount", "due_at"]
    list_filter = ["cycle", "kind"]
    inlines = [DiscountInline]


@admin.register(CycleBank)
class CycleBankAdmin(admin.ModelAdmin):
    list_display = ["cycle", "bank_code", "bank_name_zh", "account_prefix", "amount_check"]
