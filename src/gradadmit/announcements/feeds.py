"""The announcements as an Atom feed (newest first), optionally of one cycle (?cycle=<code>)."""

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from gradadmit.announcements import selectors
from gradadmit.core.i18n import pick


class AnnouncementFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request):
        code = request.GET.get("cycle", "")
        return selectors.cycles_with_announcements().filter(code=code).first() if code else None

    def title(self, cycle):
        name = _("Announcements")
        return f"{pick(cycle.name_zh, cycle.name_en)} · {name}" if cycle else f"GradAdmit · {name}"

    def subtitle(self, cycle):
        return _("Announcements of the graduate admissions (最新消息).")

    def link(self, cycle):
        url = reverse("announcements:list")
        return f"{url}?cycle={cycle.code}" if cycle else url

    def items(self, cycle):
        return selectors.newest_announcements(cycle=cycle)

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.body

    def item_link(self, item):
        return reverse("announcements:detail", args=[item.pk])

    def item_pubdate(self, item):
        return item.publish_at

    def item_updateddate(self, item):
        return max(item.updated_at, item.publish_at)

    def item_categories(self, item):
        return [pick(item.program.name_zh, item.program.name_en)] if item.program else []
