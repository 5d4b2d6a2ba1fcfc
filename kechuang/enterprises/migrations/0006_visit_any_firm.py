"""A visit belongs to a firm; its pool entry becomes optional. Existing visits (and their
history rows) take the firm of their entry."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def fill_enterprise(apps, schema_editor):
    for name in ("Visit", "HistoricalVisit"):
        model = apps.get_model("enterprises", name)
        entries = apps.get_model("enterprises", "PoolEntry").objects.filter(
            pk=models.OuterRef("entry_id")
        )
        model.objects.filter(enterprise__isnull=True).update(
            enterprise_id=models.Subquery(entries.values("enterprise_id")[:1])
        )


class Migration(migrations.Migration):

    dependencies = [
        ('enterprises', '0005_plaque_delivery'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='historicalvisit',
            name='enterprise',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='enterprises.enterprise', verbose_name='企业'),
        ),
        migrations.AddField(
            model_name='visit',
            name='enterprise',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, related_name='visits', to='enterprises.enterprise', verbose_name='企业'),
        ),
        migrations.AlterField(
            model_name='historicalvisit',
            name='entry',
            field=models.ForeignKey(blank=True, db_constraint=False, help_text='走访培育库企业时填写', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='enterprises.poolentry', verbose_name='培育对象'),
        ),
        migrations.AlterField(
            model_name='visit',
            name='entry',
            field=models.ForeignKey(blank=True, help_text='走访培育库企业时填写', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='visits', to='enterprises.poolentry', verbose_name='培育对象'),
        ),
        migrations.RunPython(fill_enterprise, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='visit',
            name='enterprise',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='visits', to='enterprises.enterprise', verbose_name='企业'),
        ),
        migrations.AddIndex(
            model_name='visit',
            index=models.Index(fields=['visited_on'], name='enterprises_visited_431077_idx'),
        ),
    ]
