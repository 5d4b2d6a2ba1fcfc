from django.db import models


class EnterpriseStatus(models.TextChoices):
    ACTIVE = "active", "在营"
    MOVED_OUT = "moved_out", "迁出"
    CLOSED = "closed", "注销"
