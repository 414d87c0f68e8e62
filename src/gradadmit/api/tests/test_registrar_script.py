"""Done when: a script using only the documented API and a service token syncs the admitted list to a file and
posts the stage-1 scores of a programme (against the live test server)."""

import csv
from decimal import Decimal

import pytest

from gradadmit.api import services
from gradadmit.api.tests.registrar import USED, Api, post_stage1_scores, sync_admitted
from gradadmit.scoring.models import StageScore


@pytest.mark.django_db(transaction=True)
def test_registrar_script_syncs_the_admitted_list_and_posts_stage_1_scores(world, live_server, tmp_path):
    account = services.create_service_account(actor=world.office, name="Registrar student system")
    _token, secret = services.create_token(actor=world.office, name="registrar sync", programs=[world.program],
                                           access="read_write", days=30, service_account=account)  # fmt: skip
    api = Api(live_server.url, secret)
    assert api.documented() >= USED

    out = tmp_path / "admitted.csv"
    assert sync_admitted(api, out) == 1
    with open(out, encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    assert [(r["application"], r["programme"], r["status"]) for r in rows] == [
        (str(world.admission.application_id), world.program.code, "offered")
    ]

    scores = {a.pk: f"{70 + n}.5" for n, a in enumerate(world.applications)}
    status, body = post_stage1_scores(api, world.program.pk, scores)
    assert status == 200, body
    assert body["applied"] == 3
    saved = dict(StageScore.objects.filter(stage__order=1, application__program=world.program)
                 .values_list("application_id", "score"))  # fmt: skip
    assert saved == {pk: Decimal(score) for pk, score in scores.items()}

    status, problem = post_stage1_scores(api, world.other.pk, {world.other_application.pk: "50"})
    assert status == 404 and problem["code"] == "not_found"
