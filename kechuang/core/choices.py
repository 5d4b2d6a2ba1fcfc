"""Choices shared across the platform."""

from django.db import models


class RegionLevel(models.TextChoices):
    PROVINCE = "province", "省"
    CITY = "city", "市"
    COUNTY = "county", "县（市、区）"
    TOWNSHIP = "township", "乡镇（街道）"


class Role(models.TextChoices):
    LEADER = "leader", "局领导"
    STAFF = "staff", "科室工作人员"
    LIAISON = "liaison", "乡镇联络员"
    ENTERPRISE = "enterprise", "企业用户"
    INSTITUTE = "institute", "院所用户"
    COMMISSIONER = "commissioner", "科技特派员"
    VIEWER = "viewer", "市/省级查看"


# Roles whose users see every record of their region and may change them.
BUREAU_ROLES = frozenset({Role.LEADER, Role.STAFF})
# Roles that read a region's records but change none of them.
READ_ONLY_REGION_ROLES = frozenset({Role.VIEWER, Role.COMMISSIONER})
# Roles that see contact persons and phone numbers unmasked.
CONTACT_ROLES = frozenset({Role.LEADER, Role.STAFF, Role.LIAISON, Role.ENTERPRISE})
