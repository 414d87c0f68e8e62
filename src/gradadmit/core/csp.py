"""A strict Content-Security-Policy on every HTML page, or its report-only variant, from the settings.

The portal's pages load scripts and styles only from its own static files (no inline <script>, no style=""
or <style>: a test scans every template), so the policy needs no 'unsafe-inline'. A response that already
carries a policy keeps it: served files set their own sandboxing one (core/files.py).

Django's admin (the configuration screens, /admin/) runs under the same policy: its scripts are static files
and its inline rows, calendars and autocomplete set styles through the CSSOM, which CSP allows (checked in
Chromium). Its only inline code is a <style> that the change list adds when a ModelAdmin has no actions
(a column width): none of ours turns actions off, and losing it would change a width only.
"""

from django.conf import settings

ENFORCE_HEADER = "Content-Security-Policy"
REPORT_ONLY_HEADER = "Content-Security-Policy-Report-Only"


def policy() -> str:
    """The policy text from settings, with the report address when one is configured."""
    text = settings.GRADADMIT_CSP.strip().rstrip(";")
    if settings.GRADADMIT_CSP_REPORT_URI:
        text += f"; report-uri {settings.GRADADMIT_CSP_REPORT_URI}"
    return text


class ContentSecurityPolicyMiddleware:
    """Adds the policy to HTML responses (pages, error pages, admin) that have none yet."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if ENFORCE_HEADER in response or REPORT_ONLY_HEADER in response:
            return response
        if not response.get("Content-Type", "").startswith("text/html"):
            return response
        header = REPORT_ONLY_HEADER if settings.GRADADMIT_CSP_REPORT_ONLY else ENFORCE_HEADER
        response[header] = policy()
        return response
