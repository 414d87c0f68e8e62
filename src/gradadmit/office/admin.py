"""Register the admin site customisation once."""

from gradadmit.office.admin_site import configure_admin_site

configure_admin_site()
