"""The public open page: published challenges still taking bids, public fields only, without
login; no draft, no item of a closed list, no private field, no bid."""

import datetime

from kechuang.challenges.choices import ChallengeStatus
from kechuang.challenges.models import ChallengeList
from kechuang.challenges.tests.base import ChallengeCastTestCase

PRIVATE = ("张三丰", "13800001111", "100.00万元", "企业愿意配套中试线")


class OpenPageTest(ChallengeCastTestCase):
    def setUp(self):
        self.open = self.challenge(ChallengeStatus.PUBLISHED, title="不锈钢连铸坯表面裂纹控制")
        self.bid(self.open, price="654321")
        self.draft = self.challenge(ChallengeStatus.REFINED, title="草稿榜题")
        self.posted = self.challenge(ChallengeStatus.POSTED, title="企业刚提交的榜题")
        closed_list = ChallengeList.objects.create(
            year=2023,
            title="上半年榜单",
            region=self.county,
            opens_on=datetime.date(2023, 3, 1),
            closes_on=datetime.date(2023, 5, 31),
            published=True,
        )
        self.expired = self.challenge(ChallengeStatus.PUBLISHED, title="过期榜题")
        self.expired.challenge_list = closed_list
        self.expired.save()
        self.reviewing = self.challenge(ChallengeStatus.REVIEWING, title="评审中的榜题")

    def test_anyone_reads_the_open_challenges_and_nothing_else(self):
        self.client.logout()
        page = self.client.get("/challenges/open/")
        self.assertEqual(page.status_code, 200)
        self.assertContains(page, "不锈钢连铸坯表面裂纹控制")
        self.assertContains(page, "80.00万元")
        for hidden in ("草稿榜题", "企业刚提交的榜题", "过期榜题", "评审中的榜题", *PRIVATE):
            self.assertNotContains(page, hidden)
        self.assertNotContains(page, "浙江理工大学青田研究院")
        self.assertNotContains(page, "65.43万元")

    def test_the_open_detail_shows_public_fields_only(self):
        self.client.logout()
        page = self.client.get(f"/challenges/open/{self.open.pk}/")
        self.assertContains(page, "寿命提高到三年")
        for hidden in (*PRIVATE, "浙江理工大学青田研究院", "65.43万元"):
            self.assertNotContains(page, hidden)
        for other in (self.draft, self.posted, self.expired, self.reviewing):
            self.assertEqual(self.client.get(f"/challenges/open/{other.pk}/").status_code, 404)

    def test_other_pages_still_need_a_login(self):
        self.client.logout()
        response = self.client.get(f"/challenges/{self.open.pk}/")
        self.assertEqual(response.status_code, 302)
        self.assertIn("/login/", response["Location"])
