from django.db import models


class InstitutionKind(models.TextChoices):
    UNIVERSITY = "university", "高等院校"
    RESEARCH_INSTITUTE = "research_institute", "科研院所"
    NEW_RND_INSTITUTE = "new_rnd_institute", "新型研发机构"
    HOSPITAL = "hospital", "医疗机构"
    SERVICE = "service", "科技服务机构"
    OTHER = "other", "其他"
