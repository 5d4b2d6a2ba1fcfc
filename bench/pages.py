"""The enterprise list page at 60,000 firms, rendered through Django's test client for the
bureau staff (every firm of the county) and a township liaison (their township's), with
and without a search, each against a reference measured in the same run: the same page of
rows and their count fetched by hand (the query the page cannot do without).
"""

import os
import urllib.parse

from bench.common import describe_database, ljust, rjust, timed


def run(firms: int, repeat: int = 7) -> None:
    from django.test import Client

    from kechuang.bench_support import seed_enterprises
    from kechuang.core.models import User
    from kechuang.enterprises.models import Enterprise

    actor, liaison, township = seed_enterprises(firms)
    staff = User.objects.create(username="bench-staff", role="staff", region=actor.region)
    search = "基准0123"

    def by_hand(**filters):
        def fetch():
            rows = Enterprise.objects.filter(**filters).select_related("township")
            list(rows[:30])
            Enterprise.objects.filter(**filters).count()

        return fetch

    def page(user, query=""):
        client = Client(SERVER_NAME="127.0.0.1")
        client.force_login(user)
        path = "/enterprises/" + (f"?{query}" if query else "")

        def get():
            response = client.get(path)
            assert response.status_code == 200, response.status_code

        get()
        return get

    county_ids = {"township__parent_id": actor.region_id}
    cases = [
        ("工作人员 企业列表", page(staff), by_hand(**county_ids)),
        (
            "工作人员 企业搜索",
            page(staff, urllib.parse.urlencode({"q": search})),
            by_hand(**county_ids, name__contains=search),
        ),
        ("工作人员 第 1000 页", page(staff, "page=1000"), by_hand(**county_ids)),
        ("联络员 企业列表", page(liaison), by_hand(township_id=township.pk)),
        (
            "联络员 企业搜索",
            page(liaison, urllib.parse.urlencode({"q": search})),
            by_hand(township_id=township.pk, name__contains=search),
        ),
    ]
    print(f"\n企业列表页：{firms} 家企业（{describe_database()}，{os.cpu_count()} 核）")
    print(ljust("页面", 22) + rjust("耗时", 12) + rjust("参照", 12) + rjust("倍数", 8))
    for name, measured, reference in cases:
        ref = timed(reference, repeat)
        value = timed(measured, repeat)
        print(
            ljust(name, 22)
            + rjust(f"{value * 1000:.1f}ms", 12)
            + rjust(f"{ref * 1000:.1f}ms", 12)
            + rjust(f"{value / ref:.1f}", 8)
        )
    print("参照：同一页 30 行与总数的手写查询（不渲染）。")
