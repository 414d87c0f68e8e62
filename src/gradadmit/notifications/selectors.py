"""Reads of the inbox, scoped to the recipient."""

from django.shortcuts import get_object_or_404

from gradadmit.notifications.models import Message


def inbox(user):
    return Message.objects.filter(recipient=user)


def unread_count(user) -> int:
    return Message.objects.filter(recipient=user, read_at__isnull=True).count()


def message_of(user, pk) -> Message:
    return get_object_or_404(inbox(user).select_related("email"), pk=pk)
