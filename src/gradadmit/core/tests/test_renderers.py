"""The portal's form renderer: one field template for every form, the admin's own widgets still drawn."""

import pytest
from django import forms

from gradadmit.testing.factories import OfficeFactory, ProgramFactory


class Sample(forms.Form):
    name = forms.CharField(label="Name <b>", help_text="As on your ID.")
    level = forms.ChoiceField(label="Level", choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect)
    agree = forms.BooleanField(label="I agree")
    locked = forms.CharField(label="Locked", disabled=True, required=False)


def test_field_group_has_label_widget_help_and_error():
    html = Sample(data={})["name"].as_field_group()
    assert '<label for="id_name">Name &lt;b&gt; <span class="req" aria-hidden="true">*</span></label>' in html
    assert 'aria-invalid="true" aria-describedby="id_name_helptext id_name_error"' in html
    assert '<div class="help" id="id_name_helptext">As on your ID.</div>' in html
    assert 'class="field has-error"' in html and 'role="alert"' in html


def test_radio_buttons_are_a_fieldset_with_a_legend_and_checkbox_label_wraps_it():
    form = Sample()
    radios = form["level"].as_field_group()
    assert "<fieldset>" in radios and "<legend>Level" in radios and radios.count('type="radio"') == 2
    checkbox = form["agree"].as_field_group()
    assert checkbox.startswith('<div class="field">') and '<label class="choice"><input type="checkbox"' in checkbox


def test_disabled_field_is_marked_locked_without_the_required_mark():
    html = Sample()["locked"].as_field_group()
    assert "is-locked" in html and "disabled" in html and 'class="req"' not in html


@pytest.mark.django_db
def test_admin_forms_with_their_own_widget_templates_still_render(client):
    program = ProgramFactory()
    client.force_login(OfficeFactory(is_superuser=True, is_staff=True))
    for url in [f"/admin/cycles/program/{program.pk}/change/", "/admin/cycles/program/add/"]:
        response = client.get(url)
        assert response.status_code == 200
        assert b"related-widget-wrapper" in response.content  # admin/widgets/related_widget_wrapper.html
