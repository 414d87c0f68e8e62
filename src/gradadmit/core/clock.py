"""The one clock every deadline check reads: server time, aware, Asia/Taipei for display."""

from django.utils import timezone


def now():
    return timezone.now()


def local(dt):
    return timezone.localtime(dt) if dt is not None else None
