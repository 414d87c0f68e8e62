"""Values every page needs: the unread message count in the header, the site's address for absolute links.

It lives here, not in core, so that core never imports an app (core is imported by every app).
"""

from django.conf import settings


def portal(request):
    unread = 0
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and hasattr(user, "unread_messages"):
        unread = user.unread_messages  # loaded with the user (accounts.backends)
    elif user is not None and user.is_authenticated:
        # Lazy: evaluated only if the template shows it.
        from gradadmit.notifications.selectors import unread_count

        unread = _Lazy(lambda: unread_count(user))
    return {"unread_messages": unread, "site_url": settings.SITE_URL}


class _Lazy:
    def __init__(self, func):
        self._func = func
        self._value = None
        self._done = False

    def _get(self):
        if not self._done:
            self._value, self._done = self._func(), True
        return self._value

    def __str__(self):
        return str(self._get())

    def __bool__(self):
        return bool(self._get())

    def __int__(self):
        return int(self._get())
