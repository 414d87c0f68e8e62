"""FastSelect renders what Django's Select renders (modulo whitespace), escaped, with the selected option."""

import re

from django import forms

from gradadmit.core.widgets import FastSelect

CHOICES = [("", "—"), ("1", "<b>1</b>"), ("2", "二")]


class Both(forms.Form):
    slow = forms.ChoiceField(choices=CHOICES, required=False, help_text="h")
    fast = forms.ChoiceField(choices=CHOICES, required=False, help_text="h", widget=FastSelect)


def squash(html: str) -> str:
    return re.sub(r">\s+<", "><", html.strip())


def test_fast_select_matches_django_select():
    form = Both(data={"slow": "2", "fast": "2"})
    assert squash(str(form["slow"])).replace("slow", "X") == squash(str(form["fast"])).replace("fast", "X")


def test_fast_select_escapes_labels_and_marks_the_selected_option():
    html = str(Both(initial={"fast": "1"})["fast"])
    assert "&lt;b&gt;1&lt;/b&gt;" in html and '<option value="1" selected>' in html and "<b>" not in html
