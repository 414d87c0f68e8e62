"""Which bank collects a cycle's fees and how its virtual accounts are numbered: per cycle, or the settings' default."""

from dataclasses import dataclass

from django.conf import settings

from gradadmit.core.i18n import pick
from gradadmit.core.prepared import Param, prepared
from gradadmit.fees.virtual_accounts import AccountScheme

# Defaults when a cycle has no CycleBank row; each can be set in the environment-driven settings.
DEFAULTS = {
    "GRADADMIT_BANK_NAME_ZH": "中國信託商業銀行",
    "GRADADMIT_BANK_NAME_EN": "CTBC Bank",
    "GRADADMIT_BANK_CODE": "822",
    "GRADADMIT_BANK_ACCOUNT_PREFIX": "9793",
    "GRADADMIT_BANK_ACCOUNT_LENGTH": 14,
    "GRADADMIT_BANK_CHECK_WEIGHTS": "3,7,1",
    "GRADADMIT_BANK_CHECK_MODULUS": 10,
    "GRADADMIT_BANK_AMOUNT_CHECK": False,
}


def _setting(name):
    return getattr(settings, name, DEFAULTS[name])


def parse_weights(text) -> tuple[int, ...]:
    if isinstance(text, (tuple, list)):
        return tuple(int(w) for w in text)
    return tuple(int(part) for part in str(text).replace(" ", "").split(",") if part)


@dataclass(frozen=True)
class BankConfig:
    name_zh: str
    name_en: str
    code: str
    scheme: AccountScheme

    @property
    def name(self) -> str:
        return pick(self.name_zh, self.name_en)


def default_bank() -> BankConfig:
    return BankConfig(
        name_zh=_setting("GRADADMIT_BANK_NAME_ZH"),
        name_en=_setting("GRADADMIT_BANK_NAME_EN"),
        code=str(_setting("GRADADMIT_BANK_CODE")),
        scheme=AccountScheme(
            prefix=str(_setting("GRADADMIT_BANK_ACCOUNT_PREFIX")),
            length=int(_setting("GRADADMIT_BANK_ACCOUNT_LENGTH")),
            weights=parse_weights(_setting("GRADADMIT_BANK_CHECK_WEIGHTS")),
            modulus=int(_setting("GRADADMIT_BANK_CHECK_MODULUS")),
            amount_check=bool(_setting("GRADADMIT_BANK_AMOUNT_CHECK")),
        ),
    )


def config_of(row) -> BankConfig:
    """The BankConfig of a CycleBank row (or the default for None)."""
    if row is None:
        return default_bank()
    return BankConfig(
        name_zh=row.bank_name_zh,
        name_en=row.bank_name_en,
        code=row.bank_code,
        scheme=AccountScheme(
            prefix=row.account_prefix,
            length=row.account_length,
            weights=parse_weights(row.check_weights),
            modulus=row.check_modulus,
            amount_check=row.amount_check,
        ),
    )


def _cycle_banks():
    from gradadmit.fees.models import CycleBank  # fees.models imports this module

    return CycleBank.objects.filter(cycle_id__in=Param("cycles", many=True))


_BANKS = prepared(_cycle_banks)  # the fee page and the slip: built and compiled once (core/prepared.py)


def banks_for(cycle_ids) -> dict[int, BankConfig]:
    """{cycle id: BankConfig} in one query."""
    rows = {row.cycle_id: row for row in _BANKS(cycles=list(cycle_ids))}
    return {cycle_id: config_of(rows.get(cycle_id)) for cycle_id in cycle_ids}


def bank_for(cycle) -> BankConfig:
    return banks_for([cycle.pk])[cycle.pk]
