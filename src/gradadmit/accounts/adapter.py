"""allauth adapter: account emails go through the outbox and in both languages."""

from allauth.account.adapter import DefaultAccountAdapter
from django.template.loader import render_to_string

from gradadmit.core.mail import render_bilingual
from gradadmit.outbox.services import queue_email


class AccountAdapter(DefaultAccountAdapter):
    def get_login_redirect_url(self, request):
        """Staff land on the office home; applicants on 考生專區 (a safe ?next= still wins, allauth checks it)."""
        from django.urls import reverse

        user = request.user
        if user.is_authenticated and (user.staff_role or user.is_superuser):
            return reverse("office:home")
        return super().get_login_redirect_url(request)

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        from allauth.core import context as allauth_context
        from django.contrib.sites.shortcuts import get_current_site

        request = allauth_context.request
        ctx = {"request": request, "email": email, "current_site": get_current_site(request), **context}

        def render():
            subject = render_to_string(f"{template_prefix}_subject.txt", ctx)
            return self.format_email_subject(" ".join(subject.splitlines()).strip()), render_to_string(
                f"{template_prefix}_message.txt", ctx
            )

        subject, body = render_bilingual(render)
        user = getattr(request, "user", None)
        queue_email(to=email, subject=subject, body=body, cause=f"account:{template_prefix.rsplit('/', 1)[-1]}",
                    concerns=user if user is not None and user.is_authenticated else None)  # fmt: skip
