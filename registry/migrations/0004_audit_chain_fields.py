"""The audit trail becomes a hash chain: sequence, prev_hash and hash columns, and the chain head."""

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('registry', '0003_cache_table'),
    ]

    operations = [
        migrations.CreateModel(
            name='AuditChainHead',
            fields=[
                ('id', models.PositiveSmallIntegerField(default=1, primary_key=True, serialize=False)),
                ('sequence', models.PositiveBigIntegerField(default=0)),
                ('hash', models.CharField(default='0000000000000000000000000000000000000000000000000000000000000000', max_length=64)),
            ],
            options={
                'verbose_name': 'đầu chuỗi nhật ký kiểm toán',
                'verbose_name_plural': 'đầu chuỗi nhật ký kiểm toán',
            },
        ),
        migrations.AddConstraint(
            model_name='auditchainhead',
            constraint=models.CheckConstraint(condition=models.Q(('id', 1)), name='audit_head_one_row'),
        ),
        migrations.AlterModelOptions(
            name='auditevent',
            options={'ordering': ['sequence'], 'verbose_name': 'sự kiện kiểm toán', 'verbose_name_plural': 'sự kiện kiểm toán'},
        ),
        migrations.AddField(
            model_name='auditevent',
            name='hash',
            field=models.CharField(default='', editable=False, max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name='auditevent',
            name='prev_hash',
            field=models.CharField(default='', editable=False, max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name='auditevent',
            name='sequence',
            field=models.PositiveBigIntegerField(null=True, editable=False),
        ),
        migrations.AlterField(
            model_name='auditevent',
            name='at',
            field=models.DateTimeField(db_index=True, default=django.utils.timezone.now),
        ),
        migrations.AddIndex(
            model_name='auditevent',
            index=models.Index(fields=['action', 'at'], name='audit_action_idx'),
        ),
    ]
