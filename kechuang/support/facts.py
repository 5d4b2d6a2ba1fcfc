"""A firm's facts for an award year (support.rules.FACTS), built from the firm's data through
the other apps' selectors. `facts_for` loads them for any number of firms in three queries
(qualifications, annual figures, platforms), so the 政策找企业 list of a county does not
query per firm."""

from __future__ import annotations

from decimal import Decimal

from kechuang.enterprises.selectors.annual import year_figures
from kechuang.enterprises.selectors.qualifications import HNTE, TSME, tiers_issued_in
from kechuang.platforms.choices import PlatformType
from kechuang.platforms.selectors import recognised_types_in

# Platform types recognised in the year → the fact saying so.
PLATFORM_FACTS = {
    PlatformType.KEY_ENTERPRISE_INSTITUTE: "key_institute_recognised_in_year",
    PlatformType.ENTERPRISE_INSTITUTE: "institute_recognised_in_year",
    PlatformType.HNTE_RND_CENTRE: "rnd_centre_recognised_in_year",
}
TIER_FACTS = {HNTE: "hnte_new_in_year", TSME: "tsme_registered_in_year"}
YEAR_FIELDS = ("rnd_expense", "conversions")


def empty_facts() -> dict:
    """A firm without qualifications, platforms or annual figures: the flags are known to be
    false, the figures unknown."""
    facts = {name: False for name in (*TIER_FACTS.values(), *PLATFORM_FACTS.values())}
    facts.update(rnd_expense=None, rnd_expense_prev=None, rnd_increase=None, conversions=None)
    return facts


def facts_for(enterprises, year: int) -> dict[int, dict]:
    """{firm id: facts for `year`} of the firms (a queryset or ids) that have any data; a firm
    missing from the result has `empty_facts()`."""
    found: dict[int, dict] = {}

    def of(firm: int) -> dict:
        if firm not in found:
            found[firm] = empty_facts()
        return found[firm]

    for firm, code in tiers_issued_in(enterprises, year, TIER_FACTS):
        of(firm)[TIER_FACTS[code]] = True
    for firm, kinds in recognised_types_in(enterprises, year).items():
        for kind in kinds:
            if kind in PLATFORM_FACTS:
                of(firm)[PLATFORM_FACTS[kind]] = True
    for (firm, data_year), row in year_figures(enterprises, (year - 1, year), YEAR_FIELDS).items():
        facts = of(firm)
        if data_year == year:
            facts["rnd_expense"] = Decimal(row["rnd_expense"])
            facts["conversions"] = Decimal(row["conversions"])
        else:
            facts["rnd_expense_prev"] = Decimal(row["rnd_expense"])
    for facts in found.values():
        if facts["rnd_expense"] is not None and facts["rnd_expense_prev"] is not None:
            facts["rnd_increase"] = max(facts["rnd_expense"] - facts["rnd_expense_prev"], 0)
    return found


def facts_of(enterprise, year: int) -> dict:
    """One firm's facts for the year."""
    return facts_for([enterprise.pk], year).get(enterprise.pk) or empty_facts()
