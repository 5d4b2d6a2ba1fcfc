"""Cadre liaison demo (科技干部联系乡镇): the director follows 鹤城街道 and 温溪镇 and a key
firm in each, a staff member three mountain townships; the other townships have no cadre
yet, so the table shows the gaps. Each cadre visited its key firms in 2023 H1 (示例: the
report names no cadre–township pairs). Through the services; a second load writes nothing."""

from __future__ import annotations

import datetime
from collections import Counter

from kechuang.core.choices import RegionLevel
from kechuang.core.models import Region, User
from kechuang.demo import dataset
from kechuang.enterprises.models import Enterprise, Visit
from kechuang.enterprises.services import visit_log
from kechuang.liaison.models import CadreLink
from kechuang.liaison.services import cadre_link_create

D = datetime.date
START = D(2023, 1, 1)
# cadre username -> (townships by position among the county's, by code; visit days)
PLAN = {
    "leader": ((dataset.HECHENG, dataset.WENXI), (D(2023, 3, 8), D(2023, 5, 16))),
    "staff": (None, (D(2023, 4, 12),)),
}
AGREED = "了解企业研发投入和高企申报准备，商定研发费用按季度归集（示例）"


def liaison_load(admin) -> dict:
    counts: Counter = Counter()
    towns = list(
        Region.objects.filter(level=RegionLevel.TOWNSHIP, code__startswith=dataset.COUNTY).order_by(
            "code"
        )
    )
    for username, (codes, days) in PLAN.items():
        cadre = User.objects.filter(username=username).first()
        if cadre is None:
            continue
        if codes is None:  # three townships after the first two, leaving the rest open
            chosen = [t for t in towns if t.code not in PLAN["leader"][0]][2:5]
        else:
            chosen = [t for t in towns if t.code in codes]
        firms = [
            firm
            for town in chosen
            if (firm := Enterprise.objects.filter(township=town).order_by("credit_code").first())
        ][:2]
        if CadreLink.objects.filter(cadre=cadre).exists():
            counts["kept"] += 1
        else:
            cadre_link_create(
                admin, cadre=cadre, townships=chosen, firms=firms, valid_from=START, note="示例"
            )
            counts["created"] += 1
        for firm in firms:
            for day in days:
                if Visit.objects.filter(enterprise=firm, visited_on=day).exists():
                    continue
                visit_log(
                    actor=admin,
                    enterprise=firm,
                    visited_on=day,
                    visitors=cadre.display_name,
                    agreed=AGREED,
                )
                counts["visits"] += 1
    return dict(counts)
