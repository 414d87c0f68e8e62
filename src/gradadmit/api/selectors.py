"""Reads of tokens for the office page: staff see their own; the office also every service account's."""

from django.db.models import Count, Max, Q
from django.shortcuts import get_object_or_404

from gradadmit.api.models import ApiToken


def tokens_for(user):
    mine = Q(user=user)
    if user.is_office:
        mine |= Q(user__service_account__isnull=False)
    return (
        ApiToken.objects.filter(mine)
        .select_related("user__service_account", "created_by", "revoked_by")
        .prefetch_related("programs__cycle")
        .annotate(call_count=Count("calls"), last_call=Max("calls__at"))
        .order_by("-created_at", "-id")
    )


def token_for(user, pk) -> ApiToken:
    """A token the user may manage, or 404 (another person's token looks like a missing one)."""
    return get_object_or_404(tokens_for(user), pk=pk)
