"""The letters' part of the review packet: each completed letter, one bookmark per recommender."""

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from gradadmit.core.packet import PacketPart, packet_registry
from gradadmit.recommendations.models import RecommendationRequest


@packet_registry.register
def letter_parts(application):
    completed = (
        RecommendationRequest.objects.filter(application=application, status=RecommendationRequest.Status.COMPLETED)
        .select_related("letter")
        .order_by("completed_at", "id")
    )
    return [
        PacketPart(
            order=500 + index,
            title=format_lazy("{}: {}", _("Recommendation letter"), request.name),
            open=request.letter.file.open,
            kind="pdf",
            uploaded_at=request.letter.submitted_at,
        )
        for index, request in enumerate(completed)
    ]
