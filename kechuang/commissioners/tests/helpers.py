"""Commissioners of the cast's county for the tests: one linked to the cast's commissioner
user, one without an account."""

import datetime

from kechuang.commissioners import services

D = datetime.date


def make_commissioners(cls) -> None:
    cls.own = services.commissioner_create(
        actor=cls.staff,
        name="叶特派",
        kind="individual",
        institution="浙江省农业科学院",
        fields="茶叶、中药材",
        region=cls.county,
        user=cls.commissioner,
    )
    cls.other = services.commissioner_create(
        actor=cls.staff,
        name="省农科院服务团",
        kind="team",
        institution="浙江省农业科学院",
        fields="稻鱼共生、果蔬",
        region=cls.county,
    )


def log(cls, commissioner, township, on, actor=None, **extra):
    fields = {"place": "村委会", "cooperative": "稻鱼合作社", "content": "技术指导", **extra}
    return services.log_create(
        actor=actor or cls.staff,
        commissioner=commissioner,
        served_on=on,
        township=township,
        **fields,
    )
