"""Cases record every category, grade and basis; adjustments, rate tables and one-offs."""

import django.db.models.deletion
import registry.fields
from django.conf import settings
from django.db import migrations, models


def carry_terms_over(apps, schema_editor):
    """The single additional category becomes the list of other categories; a meritorious
    case keeps its decision's amount; the stored coefficient and amounts are now computed."""
    Case = apps.get_model("beneficiaries", "Case")
    for case in Case.objects.exclude(additional_category=""):
        case.other_categories = [case.additional_category]
        case.save(update_fields=["other_categories"])
    Case.objects.filter(programme="meritorious").update(decided_amount=models.F("monthly_amount"))


class Migration(migrations.Migration):

    dependencies = [
        ('beneficiaries', '0004_case_transferred_from'),
        ('registry', '0003_cache_table'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='CaseAdjustment',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('from_month', models.DateField()),
                ('status', models.CharField(choices=[('proposed', 'Đề xuất'), ('approved', 'Đã quyết định'), ('rejected', 'Bị từ chối')], default='proposed', max_length=10)),
                ('category', models.CharField(choices=[('a', 'a'), ('b', 'b'), ('c', 'c'), ('d', 'd'), ('dd', 'dd'), ('e', 'e'), ('g', 'g'), ('h', 'h'), ('i', 'i'), ('k', 'k'), ('l', 'l'), ('m', 'm'), ('relative', 'relative'), ('5.1', '5.1'), ('5.2', '5.2'), ('5.3', '5.3'), ('5.4', '5.4'), ('5.5a', '5.5a'), ('5.5b', '5.5b'), ('5.5c', '5.5c'), ('5.5d', '5.5d'), ('5.6', '5.6'), ('5.7', '5.7'), ('5.8', '5.8'), ('pension', 'pension')], max_length=8)),
                ('other_categories', models.JSONField(blank=True, default=list)),
                ('disability_level', registry.fields.EncryptedTextField(blank=True, null=True, verbose_name='mức độ khuyết tật')),
                ('children_count', models.PositiveSmallIntegerField(default=0)),
                ('meritorious_grade', models.CharField(blank=True, default='', max_length=20)),
                ('decided_amount', models.DecimalField(blank=True, decimal_places=0, max_digits=14, null=True)),
                ('changed_fields', models.JSONField(blank=True, default=list)),
                ('reason', registry.fields.EncryptedTextField(blank=True, null=True, verbose_name='lý do')),
                ('decision_number', models.CharField(blank=True, max_length=60)),
                ('decision_date', models.DateField(blank=True, null=True)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('decided_at', models.DateTimeField(blank=True, null=True)),
            ],
            options={
                'verbose_name': 'điều chỉnh hồ sơ',
                'verbose_name_plural': 'điều chỉnh hồ sơ',
                'ordering': ['case_id', 'from_month', 'id'],
            },
        ),
        migrations.CreateModel(
            name='MeritoriousRate',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('category', models.CharField(max_length=8)),
                ('grade', models.CharField(blank=True, default='', max_length=20)),
                ('valid_from', models.DateField()),
                ('amount', models.DecimalField(decimal_places=0, max_digits=14)),
                ('legal_basis', models.CharField(blank=True, max_length=120)),
            ],
            options={
                'verbose_name': 'mức trợ cấp ưu đãi',
                'verbose_name_plural': 'mức trợ cấp ưu đãi',
                'ordering': ['category', 'grade', 'valid_from'],
            },
        ),
        migrations.CreateModel(
            name='OneOffEntitlement',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('social_assistance_funeral', 'Hỗ trợ chi phí mai táng (BTXH)'), ('social_pension_funeral', 'Hỗ trợ mai táng (hưu trí xã hội)'), ('meritorious_funeral', 'Trợ cấp mai táng người có công'), ('meritorious_death_allowance', 'Trợ cấp một lần khi người có công từ trần')], max_length=30)),
                ('amount', models.DecimalField(decimal_places=0, max_digits=14)),
                ('payee_kind', models.CharField(choices=[('person', 'Cá nhân'), ('organisation', 'Cơ quan, tổ chức')], max_length=12)),
                ('payee_name', registry.fields.EncryptedTextField(blank=True, null=True, verbose_name='người/tổ chức nhận')),
                ('application_date', models.DateField()),
                ('status', models.CharField(choices=[('proposed', 'Đã nộp đơn'), ('approved', 'Đã quyết định, chờ chi trả'), ('paid', 'Đã chi trả'), ('rejected', 'Bị từ chối')], default='proposed', max_length=10)),
                ('decision_number', models.CharField(blank=True, max_length=60)),
                ('decision_date', models.DateField(blank=True, null=True)),
                ('status_reason', registry.fields.EncryptedTextField(blank=True, null=True, verbose_name='lý do')),
                ('payment_reference', models.CharField(blank=True, max_length=60)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('decided_at', models.DateTimeField(blank=True, null=True)),
                ('paid_at', models.DateTimeField(blank=True, null=True)),
            ],
            options={
                'verbose_name': 'trợ cấp một lần',
                'verbose_name_plural': 'trợ cấp một lần',
                'ordering': ['id'],
                'permissions': [('decide_one_off', 'Quyết định trợ cấp một lần')],
            },
        ),
        migrations.CreateModel(
            name='OneOffRate',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('social_assistance_funeral', 'Hỗ trợ chi phí mai táng (BTXH)'), ('social_pension_funeral', 'Hỗ trợ mai táng (hưu trí xã hội)'), ('meritorious_funeral', 'Trợ cấp mai táng người có công'), ('meritorious_death_allowance', 'Trợ cấp một lần khi người có công từ trần')], max_length=30)),
                ('base_kind', models.CharField(choices=[('social_assistance', 'Mức chuẩn trợ giúp xã hội'), ('meritorious', 'Mức chuẩn trợ cấp ưu đãi người có công'), ('social_pension', 'Trợ cấp hưu trí xã hội')], max_length=20)),
                ('valid_from', models.DateField()),
                ('base_multiple', models.DecimalField(decimal_places=2, max_digits=6)),
                ('legal_basis', models.CharField(blank=True, max_length=120)),
            ],
            options={
                'verbose_name': 'mức trợ cấp một lần',
                'verbose_name_plural': 'mức trợ cấp một lần',
                'ordering': ['kind', 'valid_from'],
            },
        ),
        migrations.AddField(
            model_name='case',
            name='decided_amount',
            field=models.DecimalField(blank=True, decimal_places=0, max_digits=14, null=True),
        ),
        migrations.AddField(
            model_name='case',
            name='meritorious_grade',
            field=models.CharField(blank=True, default='', max_length=20),
        ),
        migrations.AddField(
            model_name='case',
            name='other_categories',
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.AddField(
            model_name='case',
            name='poor_household',
            field=models.BooleanField(default=False),
        ),
        migrations.RunPython(carry_terms_over, migrations.RunPython.noop),
        migrations.RemoveConstraint(
            model_name='case',
            name='case_amount_positive',
        ),
        migrations.RemoveField(
            model_name='case',
            name='additional_category',
        ),
        migrations.RemoveField(
            model_name='case',
            name='coefficient',
        ),
        migrations.RemoveField(
            model_name='case',
            name='monthly_amount',
        ),
        migrations.AddField(
            model_name='casesuspension',
            name='ground',
            field=models.CharField(choices=[('uncollected', 'Không nhận trợ cấp liên tục từ 3 tháng trở lên'), ('refused_reassessment', 'Không chấp hành yêu cầu xác định lại mức độ khuyết tật hoặc điều kiện hưởng'), ('custody', 'Bị tạm giam từ 1 tháng trở lên'), ('other', 'Lý do khác')], default='other', max_length=20),
        ),
        migrations.AddConstraint(
            model_name='case',
            constraint=models.CheckConstraint(condition=models.Q(('decided_amount__isnull', True), ('decided_amount__gt', 0), _connector='OR'), name='case_amount_positive'),
        ),
        migrations.AddField(
            model_name='caseadjustment',
            name='case',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='adjustments', to='beneficiaries.case'),
        ),
        migrations.AddField(
            model_name='caseadjustment',
            name='decided_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='caseadjustment',
            name='proposed_by',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddConstraint(
            model_name='meritoriousrate',
            constraint=models.UniqueConstraint(fields=('category', 'grade', 'valid_from'), name='meritorious_rate_unique'),
        ),
        migrations.AddConstraint(
            model_name='meritoriousrate',
            constraint=models.CheckConstraint(condition=models.Q(('amount__gt', 0)), name='meritorious_rate_positive'),
        ),
        migrations.AddField(
            model_name='oneoffentitlement',
            name='case',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='one_offs', to='beneficiaries.case'),
        ),
        migrations.AddField(
            model_name='oneoffentitlement',
            name='commune',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='registry.commune'),
        ),
        migrations.AddField(
            model_name='oneoffentitlement',
            name='deceased',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='one_offs', to='beneficiaries.person'),
        ),
        migrations.AddField(
            model_name='oneoffentitlement',
            name='decided_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='oneoffentitlement',
            name='payee_person',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='beneficiaries.person'),
        ),
        migrations.AddField(
            model_name='oneoffentitlement',
            name='proposed_by',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='oneoffrate',
            name='province',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, to='registry.province'),
        ),
        migrations.AddIndex(
            model_name='caseadjustment',
            index=models.Index(fields=['case', 'status'], name='adjustment_case_status_idx'),
        ),
        migrations.AddConstraint(
            model_name='caseadjustment',
            constraint=models.UniqueConstraint(condition=models.Q(('status', 'proposed')), fields=('case',), name='one_pending_adjustment_per_case'),
        ),
        migrations.AddConstraint(
            model_name='caseadjustment',
            constraint=models.UniqueConstraint(condition=models.Q(('status', 'approved')), fields=('case', 'from_month'), name='one_adjustment_per_case_month'),
        ),
        migrations.AddConstraint(
            model_name='caseadjustment',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('status', 'approved'), _negated=True), models.Q(('decision_number__gt', ''), ('decision_date__isnull', False)), _connector='OR'), name='adjustment_approved_has_decision'),
        ),
        migrations.AddIndex(
            model_name='oneoffentitlement',
            index=models.Index(fields=['commune', 'status'], name='one_off_commune_status_idx'),
        ),
        migrations.AddConstraint(
            model_name='oneoffentitlement',
            constraint=models.UniqueConstraint(condition=models.Q(('status', 'rejected'), _negated=True), fields=('deceased', 'kind'), name='one_off_once_per_death'),
        ),
        migrations.AddConstraint(
            model_name='oneoffentitlement',
            constraint=models.CheckConstraint(condition=models.Q(('amount__gt', 0)), name='one_off_amount_positive'),
        ),
        migrations.AddConstraint(
            model_name='oneoffentitlement',
            constraint=models.CheckConstraint(condition=models.Q(('payee_person__isnull', True), models.Q(('payee_person', models.F('deceased')), _negated=True), _connector='OR'), name='one_off_payee_not_deceased'),
        ),
        migrations.AddConstraint(
            model_name='oneoffentitlement',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('status__in', ['approved', 'paid']), _negated=True), models.Q(('decision_number__gt', ''), ('decision_date__isnull', False)), _connector='OR'), name='one_off_decided_has_decision'),
        ),
        migrations.AddConstraint(
            model_name='oneoffrate',
            constraint=models.UniqueConstraint(fields=('kind', 'valid_from', 'province'), name='one_off_rate_unique'),
        ),
        migrations.AddConstraint(
            model_name='oneoffrate',
            constraint=models.UniqueConstraint(condition=models.Q(('province__isnull', True)), fields=('kind', 'valid_from'), name='one_off_rate_unique_national'),
        ),
        migrations.AddConstraint(
            model_name='oneoffrate',
            constraint=models.CheckConstraint(condition=models.Q(('base_multiple__gt', 0)), name='one_off_rate_positive'),
        ),
    ]
