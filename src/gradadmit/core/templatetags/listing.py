"""Template tags for office lists built with core.listing: sortable headers, the filter form, page links."""

from django import template

register = template.Library()


@register.inclusion_tag("core/_sort_header.html")
def sort_header(listing, key):
    """<th> with aria-sort on the sorted column and a link that sorts by it (again: the other way)."""
    return {"header": listing.header(key)}


@register.inclusion_tag("core/_list_filters.html")
def list_filters(listing, export_url=""):
    """The filters as a GET form (bookmarkable), with the Excel export of what the form shows."""
    return {"listing": listing, "fields": listing.filter_fields(), "export_url": export_url}


@register.inclusion_tag("core/_pagination.html")
def pagination(listing, page):
    return {"listing": listing, "page": page}


@register.simple_tag
def export_link(listing, url):
    """The export URL with the list's current filters and sort."""
    return url + listing.querystring()
