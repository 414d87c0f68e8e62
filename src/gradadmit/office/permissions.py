"""Named predicates (django-rules) and decorators for staff pages."""

from functools import wraps

import rules
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied


@rules.predicate
def is_office(user):
    return user.is_authenticated and user.is_office


@rules.predicate
def is_portal_staff(user):
    return user.is_authenticated and user.is_portal_staff


rules.add_perm("office.view_portal", is_portal_staff)
rules.add_perm("office.configure_cycles", is_office)


def staff_required(permission="office.view_portal"):
    def decorator(view):
        @wraps(view)
        @login_required
        def wrapper(request, *args, **kwargs):
            if not request.user.has_perm(permission):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
