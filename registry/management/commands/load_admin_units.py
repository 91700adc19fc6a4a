from django.core.management.base import BaseCommand

from registry.admin_units import admin_units_load


class Command(BaseCommand):
    help = "Nạp (hoặc cập nhật) 34 tỉnh/thành và các xã/phường sau sáp nhập 2025."

    def handle(self, *args, **options):
        provinces, communes = admin_units_load()
        self.stdout.write(f"{provinces} tỉnh/thành, {communes} xã/phường.")
