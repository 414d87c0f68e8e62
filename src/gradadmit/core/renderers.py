"""The form renderer: Django's Jinja2 renderer, with one field template for the whole portal.

Forms render through Django's form API everywhere (`{{ form.field.as_field_group }}`, `{{ field }}`,
`{{ form.errors }}`); the renderer decides which templates draw them. Django's template language costs about
0.3 ms a form field (the recommender's 附件五 page has 25); Jinja2 compiles templates to Python and draws the same
markup several times faster. Widget templates come with Django (django/forms/jinja2); the portal's field group
(label, widget, help text and errors, or a fieldset for radio buttons and checkbox lists) is core/jinja2/core/
field.html. Templates only the template language has (the admin's own widgets) still render with it.
"""

from functools import cached_property

from django.forms.renderers import DjangoTemplates, Jinja2
from django.template import TemplateDoesNotExist


class PortalFormRenderer(Jinja2):
    field_template_name = "core/field.html"

    def get_template(self, template_name):
        try:
            return super().get_template(template_name)
        except TemplateDoesNotExist:
            return self._template_language.get_template(template_name)

    @cached_property
    def _template_language(self):
        return DjangoTemplates()
