"""Who may change money: the admissions office. Department staff see their programmes' fees, read only."""

import rules

from gradadmit.office.permissions import is_office

rules.add_perm("fees.manage_payments", is_office)
