"""One step of bench_anonymise.py in a fresh process (bench environment only): prints one JSON line.

    anonymise_worker.py seed N        a cycle that ended two years ago with N applications (bulk inserts, see below)
    anonymise_worker.py anonymise     privacy.services.run_anonymisation of that cycle (the task's body), timed
    anonymise_worker.py reference     the same rows as plain bulk UPDATEs (one per table, personal columns set to
                                      constants) plus os.remove of the same files, timed

Seeding is bulk inserts, not the demo generator: the generator goes through every service (about 2 minutes per
1,000 applicants on this machine), which would make a 5,000-application bench take a quarter of an hour to set up.
Per applicant (N / 1.25 applicants, every fourth with a second application): an account with its allauth address,
basic details, per application one uploaded document (a 20 kB file on disk), an application-fee charge with a
payment, a recommender with an invitation email, two inbox messages with their emails, and two audit entries.
"""

import json
import os
import sys
import time
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gradadmit.settings")
if not os.environ.get("GRADADMIT_DATA_DIR"):
    sys.exit("anonymise_worker.py: GRADADMIT_DATA_DIR must point at the bench data directory")

import django  # noqa: E402

django.setup()

from allauth.account.models import EmailAddress  # noqa: E402
from django.core.files.storage import default_storage  # noqa: E402
from django.db import transaction  # noqa: E402
from django.db.models import CharField, Value  # noqa: E402
from django.db.models.functions import Cast, Concat  # noqa: E402

from gradadmit.accounts.models import ApplicantProfile, User  # noqa: E402
from gradadmit.applications.models import Application  # noqa: E402
from gradadmit.core import clock  # noqa: E402
from gradadmit.core.models import AuditEntry  # noqa: E402
from gradadmit.cycles.models import Cycle, DocumentRequirement, Milestone  # noqa: E402
from gradadmit.documents.models import Document  # noqa: E402
from gradadmit.fees.models import Charge, Payment  # noqa: E402
from gradadmit.fees.services import application_fee_item  # noqa: E402
from gradadmit.notifications.models import Message  # noqa: E402
from gradadmit.outbox.models import Email  # noqa: E402
from gradadmit.privacy.models import Anonymisation  # noqa: E402
from gradadmit.recommendations.models import RecommendationNotice, RecommendationRequest  # noqa: E402
from gradadmit.testing.factories import CycleFactory, OfficeFactory, ProgramFactory, valid_taiwan_id  # noqa: E402

CODE = "bench-anonymise"
FILE_BYTES = b"%PDF-1.4\n" + os.urandom(20_000)


def seed(applications: int) -> dict:
    now = clock.now()
    cycle = CycleFactory(code=CODE, open_window=False)
    Milestone.objects.create(cycle=cycle, kind="application", starts_at=now - timedelta(days=800),
                             ends_at=now - timedelta(days=760))  # fmt: skip
    programs = [ProgramFactory(cycle=cycle) for _ in range(10)]
    requirements = {p.pk: DocumentRequirement.objects.filter(program=p).order_by("order").last() for p in programs}
    item = application_fee_item(cycle)
    office = OfficeFactory(email="office@bench.example.tw")
    people = int(applications / 1.25)
    with transaction.atomic():
        User.objects.bulk_create(User(email=f"a{n}@bench.example.tw", password="!", pdpa_consent_at=now)
                                 for n in range(people))  # fmt: skip
        users = list(User.objects.filter(email__endswith="@bench.example.tw").exclude(pk=office.pk).order_by("pk"))
        EmailAddress.objects.bulk_create(
            EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users
        )
        ApplicantProfile.objects.bulk_create(
            ApplicantProfile(user=u, name_zh=f"陳美{n}", name_en=f"CHEN, MEI-{n}", national_id=valid_taiwan_id(n),
                             birth_date=date(1999, 5, 4), gender="female", phone_mobile=f"09{n:08d}",
                             address=f"彰化市介壽北路{n}號", school="國立彰化師範大學", department="電機工程學系",
                             education_status="expected")
            for n, u in enumerate(users)
        )  # fmt: skip
        pairs = [(u, programs[n % 10]) for n, u in enumerate(users)]
        pairs += [(u, programs[(n + 1) % 10]) for n, u in enumerate(users) if n % 4 == 0]
        pairs = pairs[:applications]
        Application.objects.bulk_create(Application(applicant=u, program=p, identity="general", applied_at=now)
                                        for u, p in pairs)  # fmt: skip
        apps = list(Application.objects.filter(program__cycle=cycle).select_related("applicant").order_by("pk"))
        folder = Path(default_storage.location) / "documents"
        documents = []
        for app in apps:
            name = f"documents/{app.pk}/{app.pk:08d}.pdf"
            (folder / str(app.pk)).mkdir(parents=True, exist_ok=True)
            (folder / str(app.pk) / f"{app.pk:08d}.pdf").write_bytes(FILE_BYTES)
            documents.append(Document(application=app, requirement=requirements[app.program_id], file=name,
                                      extension="pdf", original_name=f"{app.applicant.email}-cv.pdf",
                                      content_type="application/pdf", size=len(FILE_BYTES), sha256="0" * 64,
                                      uploaded_at=now, uploaded_by=app.applicant))  # fmt: skip
        Document.objects.bulk_create(documents, batch_size=1000)
        Charge.objects.bulk_create((Charge(application=a, item=item, base_amount=900, amount_due=900,
                                           amount_received=900, due_at=now, status="paid") for a in apps),
                                   batch_size=1000)  # fmt: skip
        Payment.objects.bulk_create((Payment(charge=c, amount=900, method="counter", received_at=now,
                                             note=f"paid by {c.application.applicant.email}")
                                     for c in Charge.objects.filter(item=item).select_related("application__applicant")),
                                    batch_size=1000)  # fmt: skip
        RecommendationRequest.objects.bulk_create((RecommendationRequest(
            application=a, name=f"林教授{a.pk}", organisation="建國科技大學", title="教授", relationship="導師",
            email=f"prof{a.pk}@bench.example.tw", phone="04-7111111", token_expires_at=now) for a in apps),
            batch_size=1000)  # fmt: skip
        emails = Email.objects.bulk_create(
            (Email(to=u.email, subject="通知", body=f"{u.email} 您好", cause="message:x", concerns=u, next_attempt_at=now,
                   message_id=f"<{u.pk}-{k}@bench>") for u in users for k in range(2)), batch_size=1000)  # fmt: skip
        Message.objects.bulk_create((Message(recipient_id=e.concerns_id, kind="x", subject_zh="通知", subject_en="Notice",
                                             body_zh=e.body, body_en=e.body, email=e) for e in emails), batch_size=1000)  # fmt: skip
        requests = list(RecommendationRequest.objects.filter(application__program__cycle=cycle))
        applicant_of = {a.pk: a.applicant_id for a in apps}
        invitations = Email.objects.bulk_create(
            (Email(to=r.email, subject="推薦函", body=f"{r.name}", cause="recommendation:invitation",
                   concerns_id=applicant_of[r.application_id], next_attempt_at=now,
                   message_id=f"<r{r.pk}@bench>") for r in requests), batch_size=1000)  # fmt: skip
        RecommendationNotice.objects.bulk_create((RecommendationNotice(request=r, kind="invitation", token_hash=f"{r.pk:064d}",
                                                                       created_at=now, email=e)
                                                  for r, e in zip(requests, invitations, strict=True)), batch_size=1000)  # fmt: skip
        AuditEntry.objects.bulk_create(
            [AuditEntry(actor=a.applicant, action="application.apply", target_type="applications.application",
                        target_id=str(a.pk), after={"program": a.program_id, "identity": "general"}) for a in apps]
            + [AuditEntry(actor=None, action="recommendation.edit", target_type="recommendations.recommendationrequest",
                          target_id=str(r.pk), after={"name": r.name, "email": r.email}) for r in requests],
            batch_size=1000)  # fmt: skip
    return {"cycle": cycle.pk, "applications": len(apps), "applicants": len(users), "files": len(documents)}


def anonymise() -> dict:
    from gradadmit.privacy.services import run_anonymisation

    cycle = Cycle.objects.get(code=CODE)
    run = Anonymisation.objects.create(cycle=cycle, requested_at=clock.now(), registrar_confirmed_at=clock.now())
    started = time.perf_counter()
    run = run_anonymisation(run)
    seconds = time.perf_counter() - started
    left = Document.objects.filter(application__program__cycle=cycle).exclude(file="").count()
    return {"seconds": seconds, "counts": run.report["counts"], "files_left_in_rows": left,
            "statistics_kept": run.report["statistics_kept"]}  # fmt: skip


def reference() -> dict:
    """What the run does at its barest: one UPDATE per table over the same rows, and the same files removed."""
    cycle = Cycle.objects.get(code=CODE)
    root = Path(default_storage.location)
    apps = Application.objects.filter(program__cycle=cycle)
    users = User.objects.filter(pk__in=apps.values("applicant_id"))
    started = time.perf_counter()
    with transaction.atomic():
        names = list(Document.objects.filter(application__in=apps).values_list("file", flat=True))
        for name in names:
            os.remove(root / name)
        Document.objects.filter(application__in=apps).update(file="", original_name="", check_message="")
        RecommendationRequest.objects.filter(application__in=apps).update(name="x", email="x@x.invalid", phone="")
        Payment.objects.filter(charge__application__in=apps).update(note="")
        Email.objects.filter(concerns__in=users).update(to="x@x.invalid", subject="", body="")
        Message.objects.filter(recipient__in=users).update(subject_zh="", subject_en="", body_zh="", body_en="")
        AuditEntry.objects.filter(target_type="applications.application",
                                  target_id__in=[str(pk) for pk in apps.values_list("pk", flat=True)]).update(after={})  # fmt: skip
        ApplicantProfile.objects.filter(user__in=users).update(name_zh="x", name_en="x", national_id="", phone_mobile="",
                                                                address="")  # fmt: skip
        EmailAddress.objects.filter(user__in=users).delete()
        users.update(email=Concat(Value("x"), Cast("id", CharField())), password="!", is_active=False)
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "files": len(names)}


if __name__ == "__main__":
    mode = sys.argv[1]
    if mode == "seed":
        result = seed(int(sys.argv[2]))
    elif mode == "anonymise":
        result = anonymise()
    elif mode == "reference":
        result = reference()
    else:
        sys.exit(f"unknown mode {mode}")
    print(json.dumps(result, default=str))
