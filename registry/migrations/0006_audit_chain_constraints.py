"""Every event now has its place in the chain: sequence required and unique."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('registry', '0005_audit_chain_existing'),
    ]

    operations = [
        migrations.AlterField(
            model_name='auditevent',
            name='sequence',
            field=models.PositiveBigIntegerField(editable=False),
        ),
        migrations.AddConstraint(
            model_name='auditevent',
            constraint=models.UniqueConstraint(fields=('sequence',), name='audit_sequence_unique'),
        ),
        migrations.AddConstraint(
            model_name='auditevent',
            constraint=models.CheckConstraint(condition=models.Q(('sequence__gte', 1)), name='audit_sequence_gte_1'),
        ),
    ]
