"""Documents (備審資料): uploads per item, validation, history, initial check, review packets."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "gradadmit.documents"
    label = "documents"
    verbose_name = _("Documents")

    def ready(self):
        from gradadmit.cycles import configuration
        from gradadmit.documents import checklist, packet  # noqa: F401  (register the checklist row and packet part)
        from gradadmit.documents.models import OnlineForm

        configuration.connect(OnlineForm)  # an item's online form is part of the cycle's kept configuration
