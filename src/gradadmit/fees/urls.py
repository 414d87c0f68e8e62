"""URLs of fees: the applicant's pages under me/, staff pages under office/."""

from django.urls import path

from gradadmit.fees.views import applicant, office

app_name = "fees"
urlpatterns = [
    path("me/applications/<int:pk>/fees/", applicant.page, name="page"),
    path("me/applications/<int:pk>/fees/<int:charge_pk>/slip.pdf", applicant.slip, name="slip"),
    path("me/applications/<int:pk>/fees/<int:charge_pk>/waiver/", applicant.request_waiver, name="request_waiver"),
    path(
        "me/applications/<int:pk>/fees/waivers/<int:waiver_pk>/withdraw/",
        applicant.withdraw_waiver,
        name="withdraw_waiver",
    ),  # fmt: skip
    path("office/cycles/<int:pk>/payments/", office.cycle_payments, name="cycle"),
    path("office/cycles/<int:pk>/payments/import/", office.import_statement, name="import"),
    path("office/payments/imports/<int:pk>/", office.statement, name="statement"),
    path("office/payments/imports/<int:pk>/lines.xlsx", office.statement_xlsx, name="statement_xlsx"),
    path("office/payments/lines/<int:pk>/resolve/", office.resolve_line, name="resolve_line"),
    path("office/programs/<int:pk>/fees/", office.program_fees, name="program"),
    path("office/programs/<int:pk>/fees.xlsx", office.program_fees_xlsx, name="program_xlsx"),
    path("office/programs/<int:pk>/fees/charge/", office.charge_extra, name="charge_extra"),
    path("office/charges/<int:pk>/", office.charge_detail, name="charge"),
    path("office/charges/<int:pk>/<slug:what>/", office.charge_change, name="charge_change"),
    path("office/waivers/<int:pk>/", office.waiver_detail, name="waiver"),
    path("office/waivers/<int:pk>/proof/", office.waiver_proof, name="waiver_proof"),
]
