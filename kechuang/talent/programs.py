"""Talent programs as data (data/*.toml): classes with their funding caps, payment stages
with their shares, and the document and status of the source."""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
CENT = Decimal("0.01")


@dataclass(frozen=True)
class TalentClass:
    code: str
    name: str
    cap: Decimal
    confirmed: bool


@dataclass(frozen=True)
class Stage:
    number: int
    label: str
    share: Decimal

    @property
    def percent(self) -> Decimal:
        return self.share * 100


@dataclass(frozen=True)
class ProgramRules:
    key: str
    name: str
    issuer: str
    document: str
    status: str
    classes: tuple[TalentClass, ...]
    stages: tuple[Stage, ...]
    own_funds_share_min: Decimal
    free_space_m2: tuple[int, int]
    free_space_years: int
    funding_years: int

    @property
    def own_funds_percent(self) -> Decimal:
        return self.own_funds_share_min * 100

    def talent_class(self, code: str) -> TalentClass | None:
        return next((c for c in self.classes if c.code == code), None)

    def stage_amounts(self, committed: Decimal) -> list[Decimal]:
        """Each stage's amount of the committed funding (share × committed, to the cent);
        the last stage takes the remainder, so the stages add up to the commitment."""
        amounts = [(committed * s.share).quantize(CENT) for s in self.stages[:-1]]
        return [*amounts, committed - sum(amounts, Decimal(0))]


def _load(path: Path) -> ProgramRules:
    with path.open("rb") as fp:
        data = tomllib.load(fp)
    stages = tuple(
        Stage(n, s["label"], Decimal(s["share"])) for n, s in enumerate(data["stages"], start=1)
    )
    if sum(s.share for s in stages) != 1:
        raise ValueError(f"{path.name}：各期比例之和须为 1")
    return ProgramRules(
        key=data["key"],
        name=data["name"],
        issuer=data["issuer"],
        document=data["document"],
        status=data["status"],
        classes=tuple(
            TalentClass(c["code"], c["name"], Decimal(c["cap"]), bool(c["confirmed"]))
            for c in data["classes"]
        ),
        stages=stages,
        own_funds_share_min=Decimal(data["own_funds_share_min"]),
        free_space_m2=tuple(data["free_space_m2"]),
        free_space_years=int(data["free_space_years"]),
        funding_years=int(data["funding_years"]),
    )


@functools.cache
def all_rules() -> dict[str, ProgramRules]:
    return {rules.key: rules for rules in map(_load, sorted(DATA_DIR.glob("*.toml")))}


def rules_for(key: str) -> ProgramRules | None:
    return all_rules().get(key)


def rule_choices() -> list[tuple[str, str]]:
    return [(r.key, f"{r.name}（{r.document}）") for r in all_rules().values()]


def class_codes() -> list[tuple[str, str]]:
    """Every class code of every program (the figures count per class code)."""
    seen: dict[str, str] = {}
    for rules in all_rules().values():
        for c in rules.classes:
            seen.setdefault(c.code, c.name)
    return list(seen.items())
