"""URLs of announcements: the public list, detail, attachments and feed; the staff pages under /office/."""

from django.urls import path

from gradadmit.announcements.feeds import AnnouncementFeed
from gradadmit.announcements.views import office, public

app_name = "announcements"
urlpatterns = [
    path("announcements/", public.announcement_list, name="list"),
    path("announcements/feed.atom", AnnouncementFeed(), name="feed"),
    path("announcements/<int:pk>/", public.announcement_detail, name="detail"),
    path("announcements/<int:pk>/attachments/<int:attachment_id>/", public.attachment, name="attachment"),
    path("office/announcements/", office.announcement_list, name="office_list"),
    path("office/announcements/new/", office.create, name="office_create"),
    path("office/announcements/<int:pk>/", office.edit, name="office_edit"),
    path("office/announcements/<int:pk>/delete/", office.delete, name="office_delete"),
    path("office/announcements/<int:pk>/attachments/", office.add_attachment, name="office_add_attachment"),
    path("office/announcement-attachments/<int:pk>/remove/", office.remove_attachment, name="office_remove_attachment"),
    path("office/announcement-attachments/<int:pk>/", office.staff_attachment, name="office_attachment"),
]
