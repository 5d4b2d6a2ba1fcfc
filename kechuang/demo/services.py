"""Loads the Qingtian demo dataset through the project's write services.

Every record is looked up by its natural key (username, credit code, institution
name), created when missing and changed only in the fields that differ, so a
second load writes nothing and leaves the audit trail untouched.
"""

from __future__ import annotations

import dataclasses
import functools
import time
from collections import Counter
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth.hashers import check_password
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction

from kechuang.core.choices import Role
from kechuang.core.models import Region, User
from kechuang.core.services import user_create, user_set_password, user_update
from kechuang.demo import dataset
from kechuang.demo.challenges import challenges_load
from kechuang.demo.commissioners import commissioners_load
from kechuang.demo.indicators import indicators_load
from kechuang.demo.ladder import ladder_load
from kechuang.demo.liaison import liaison_load
from kechuang.demo.loans import loans_load
from kechuang.demo.platforms import platforms_load
from kechuang.demo.projects import projects_load
from kechuang.demo.reports import reports_load
from kechuang.demo.support import support_load
from kechuang.demo.talent import talent_load
from kechuang.demo.transfer import transfer_load
from kechuang.demo.workplan import workplan_load
from kechuang.enterprises.choices import EnterpriseStatus
from kechuang.enterprises.models import Enterprise
from kechuang.enterprises.services import enterprise_create, enterprise_update
from kechuang.institutions.models import Institution
from kechuang.institutions.services import institution_create, institution_update

USER_FIELDS = ("full_name", "role", "region", "enterprise", "institution", "is_superuser")


class DemoRefused(Exception):
    """The database holds records the demo did not create; the message says which."""


KEPT_PASSWORD = "（原密码，未修改）"


def foreign_records() -> list[str]:
    """Why the database is not a demo database, in Chinese; empty when it is one (or empty).

    Reads only the columns it needs, so it also works before `migrate` on an older schema.
    """
    tables = set(connection.introspection.table_names())
    if User._meta.db_table not in tables:
        return []
    demo_users = {spec.username for spec in (dataset.ADMIN, *dataset.USERS)}
    reasons = []
    others = User.objects.exclude(username__in=demo_users).values_list("username", flat=True)
    if others.exists():
        names = "、".join(others.order_by("username")[:3])
        reasons.append(f"有 {others.count()} 个非演示用户（如 {names}）")
    admin = User.objects.filter(username=dataset.ADMIN.username).values_list("password").first()
    if admin is not None and not check_password(dataset.PASSWORD, admin[0]):
        reasons.append("admin 的密码不是演示密码，不是演示程序建的账号")
    for model, field, demo, label in (
        (Enterprise, "credit_code", {s.credit_code for s in dataset.enterprises()}, "企业"),
        (Institution, "name", {s.name for s in dataset.INSTITUTIONS}, "院所"),
    ):
        if model._meta.db_table not in tables:
            continue
        foreign = sum(
            1 for v in model.objects.values_list(field, flat=True).iterator() if v not in demo
        )
        if foreign:
            reasons.append(f"有 {foreign} 家非演示{label}")
    return reasons


def demo_load(*, password: str = dataset.PASSWORD, force: bool = False) -> dict:
    """Creates or brings up to date the demo records; returns what it did and the key figures.

    Refuses (DemoRefused) a database holding records the demo did not create, unless `force`;
    with `force`, users that already exist are left as they are (password included), so the
    demo never takes over an account it did not create.
    """
    started = time.perf_counter()
    counts: dict[str, Counter] = {k: Counter() for k in ("users", "institutions", "enterprises")}
    with transaction.atomic():
        if not force and (reasons := foreign_records()):
            raise DemoRefused(refusal(reasons))
        regions = _regions()
        ensure_user = functools.partial(_ensure_user, keep_existing=force)
        admin = ensure_user(None, dataset.ADMIN, regions, password, counts["users"])
        institutions = {
            spec.name: _ensure_institution(admin, spec, regions, counts["institutions"])
            for spec in dataset.INSTITUTIONS
        }
        enterprises = _ensure_enterprises(admin, regions, counts["enterprises"])
        users = [admin]
        for spec in dataset.USERS:
            bound = {
                "enterprise": enterprises.get(spec.enterprise),
                "institution": institutions.get(spec.institution),
            }
            users.append(ensure_user(admin, spec, regions, password, counts["users"], **bound))
        ladder = ladder_load(admin, {u.username: u for u in users}, regions)
        indicators = indicators_load(admin)
        transfer = transfer_load(admin, regions)
        platforms = platforms_load(admin)
        talent = talent_load(admin)
        projects = projects_load(admin, regions)
        challenges_load(admin, {u.username: u for u in users}, regions)
        commissioners = commissioners_load(admin)
        workplan = workplan_load(admin)
        loans = loans_load(admin)
        reports_load(admin)
        support = support_load(admin)
        liaison = liaison_load(admin)
        kept = {u.pk for u in users if getattr(u, "kept", False)}
    return {
        "seconds": round(time.perf_counter() - started, 2),
        "counts": {kind: dict(counter) for kind, counter in counts.items()},
        "ladder": ladder,
        "indicators": indicators,
        "transfer": transfer,
        "platforms": platforms,
        "talent": talent,
        "projects": projects,
        "commissioners": commissioners,
        "workplan": workplan,
        "loans": loans,
        "support": support,
        "liaison": liaison,
        **rnd_figures(),
        "logins": [
            login_row(user, KEPT_PASSWORD if user.pk in kept else password) for user in users
        ],
    }


def refusal(reasons: list[str]) -> str:
    return (
        "数据库里已有不是演示程序建的数据（" + "；".join(reasons) + "），不载入演示数据，"
        "以免改动真实账号和记录。请换一个空库（如 KECHUANG_VAR_DIR 或 DATABASE_URL 指向新库），"
        "确实要载入请加 --force（已存在的账号保持不变）。"
    )


def rnd_figures() -> dict:
    """Active above-scale manufacturers, how many do R&D, and that share in percent."""
    firms = Enterprise.objects.filter(
        status=EnterpriseStatus.ACTIVE, above_scale=True, manufacturing=True
    )
    total = firms.count()
    active = firms.filter(rnd_active=True).count()
    share = Decimal(active * 100) / total if total else Decimal(0)
    return {
        "above_scale_manufacturing": total,
        "rnd_active": active,
        "rnd_share": share.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP),
    }


def login_row(user: User, password: str) -> dict:
    role = "系统管理员" if user.is_superuser else Role(user.role).label
    bound = [str(user.region)] if user.region_id else []
    bound += [str(body) for body in (user.enterprise, user.institution) if body is not None]
    return {
        "username": user.username,
        "password": password,
        "full_name": user.full_name,
        "role": role,
        "bound": " / ".join(bound),
    }


def _regions() -> dict[str, Region]:
    regions = {r.code: r for r in Region.objects.filter(code__startswith="3311")}
    if dataset.COUNTY not in regions or len(regions) < 30:
        raise ImproperlyConfigured("找不到青田县的行政区划（331121）：请先运行 kechuang migrate")
    return regions


def _changes(instance, wanted: dict) -> dict:
    """The fields of `wanted` whose value differs from the instance's."""
    changed = {}
    for name, value in wanted.items():
        field = instance._meta.get_field(name)
        if field.is_relation:
            current_id = getattr(instance, field.attname)
            if current_id != (value.pk if value is not None else None):
                changed[name] = value
        elif getattr(instance, name) != value:
            changed[name] = value
    return changed


def _ensure_user(
    actor: User | None,
    spec: dataset.UserSpec,
    regions: dict[str, Region],
    password: str,
    counter: Counter,
    *,
    enterprise: Enterprise | None = None,
    institution: Institution | None = None,
    keep_existing: bool = False,
) -> User:
    wanted = {
        "full_name": spec.full_name,
        "role": spec.role,
        "region": regions[spec.region],
        "enterprise": enterprise,
        "institution": institution,
        "is_superuser": spec.superuser,
        "is_staff": spec.superuser,
    }
    user = User.objects.filter(username=spec.username).first()
    if user is None:
        counter["created"] += 1
        return user_create(actor=actor, username=spec.username, password=password, **wanted)
    if keep_existing:
        counter["kept"] += 1
        user.kept = True
        return user
    changed = _changes(user, wanted | {"is_active": True})
    if changed:
        user_update(actor=actor or user, user=user, **changed)
        counter["updated"] += 1
    if not user.check_password(password):
        user_set_password(actor=actor or user, user=user, password=password)
        counter["password_reset"] += 1
    if not changed:
        counter["unchanged"] += 1
    return user


def _ensure_institution(
    actor: User, spec: dataset.InstitutionSpec, regions: dict[str, Region], counter: Counter
) -> Institution:
    wanted = dataclasses.asdict(spec) | {"region": regions[dataset.COUNTY]}
    institution = Institution.objects.filter(name=spec.name).first()
    if institution is None:
        counter["created"] += 1
        return institution_create(actor=actor, **wanted)
    changed = _changes(institution, wanted)
    if not changed:
        counter["unchanged"] += 1
        return institution
    counter["updated"] += 1
    return institution_update(actor=actor, institution=institution, **changed)


def _ensure_enterprises(
    actor: User, regions: dict[str, Region], counter: Counter
) -> dict[str, Enterprise]:
    """All demo firms by name; one query to read the existing ones, writes only for changes."""
    specs = dataset.enterprises()
    existing = Enterprise.objects.in_bulk([s.credit_code for s in specs], field_name="credit_code")
    result = {}
    for spec in specs:
        wanted = dataclasses.asdict(spec) | {"township": regions[spec.township]}
        enterprise = existing.get(spec.credit_code)
        if enterprise is None:
            enterprise = enterprise_create(actor=actor, **wanted)
            counter["created"] += 1
        elif changed := _changes(enterprise, wanted):
            enterprise = enterprise_update(actor=actor, enterprise=enterprise, **changed)
            counter["updated"] += 1
        else:
            counter["unchanged"] += 1
        result[spec.name] = enterprise
    return result
