"""Stage weights entered in the configuration screens must add up to 100 %."""

import pytest
from django.forms import inlineformset_factory

from gradadmit.cycles.forms import StageWeightsFormSet
from gradadmit.cycles.models import Program, SelectionStage
from gradadmit.testing.factories import ProgramFactory

pytestmark = pytest.mark.django_db

FormSet = inlineformset_factory(
    Program, SelectionStage, formset=StageWeightsFormSet, fields=["order", "kind", "weight"], extra=0, can_delete=True
)


def post(program, weights):
    stages = list(program.stages.order_by("order"))
    data = {"stages-TOTAL_FORMS": str(len(stages)), "stages-INITIAL_FORMS": str(len(stages))}
    for i, (stage, weight) in enumerate(zip(stages, weights, strict=True)):
        data.update({f"stages-{i}-id": stage.pk, f"stages-{i}-order": stage.order, f"stages-{i}-kind": stage.kind,
                     f"stages-{i}-weight": weight, f"stages-{i}-program": program.pk})  # fmt: skip
    return FormSet(data, instance=program, prefix="stages")


def test_weights_adding_up_to_one_are_accepted():
    program = ProgramFactory()
    assert post(program, ["0.6", "0.4"]).is_valid()


def test_weights_not_adding_up_are_refused():
    program = ProgramFactory()
    formset = post(program, ["0.6", "0.6"])
    assert not formset.is_valid()
    assert "120" in str(formset.non_form_errors())
