"""The demo population, planned deterministically: five communes of Quảng Trị, households and
persons generated with Faker's vi_VN locale. Pure: nothing here touches the database."""

import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta

from faker import Faker

from beneficiaries.entitlements import age_on
from beneficiaries.identifiers import validate_national_id
from beneficiaries.models import (
    Area,
    Relation,
    Sex,
)

SEED = 2026
HOUSEHOLDS = 300
PROVINCE_CODE = "44"
# Personal ID numbers carry the pre-2025 province of birth registration: 045 is Quảng Trị.
BIRTH_PLACE_CODE = "045"
# A row in the serial-number table marks the seed as done; its value is the household count.
MARKER_SCOPE = "demo:seeded"
PASSWORD_FILE_NAME = "demo_passwords.json"
# A relative of one martyr: 2,789,000 from July 2024 by the rate table (Decree 77/2024).
MERITORIOUS_RELATIVE_GRADE = "martyrs_1"
SOCIAL_PENSION_FROM = date(2025, 7, 1)  # Decree 176/2025


@dataclass(frozen=True)
class DemoCommune:
    code: str
    name: str
    area: str
    minority_share: float
    minorities: tuple[str, ...]
    villages: tuple[str, ...]


# All in the part of today's Quảng Trị that was Quảng Trị before 2025 (births registered as 045).
DEMO_COMMUNES = (
    DemoCommune("19333", "Phường Đông Hà", Area.URBAN, 0.0, (),
                ("Khu phố 1", "Khu phố 2", "Khu phố 3", "Khu phố 4", "Khu phố 5", "Khu phố 6")),
    DemoCommune("19363", "Xã Vĩnh Linh", Area.RURAL, 0.0, (),
                ("Thôn Tân Hòa", "Thôn Hòa Bình", "Thôn Đông Sơn", "Thôn Lai Bình", "Thôn Tiên Mỹ")),
    DemoCommune("19495", "Xã Gio Linh", Area.RURAL, 0.0, (),
                ("Thôn Hà Thượng", "Thôn Hà Trung", "Thôn Lan Đình", "Thôn Long Sơn", "Thôn Phan Xá")),
    DemoCommune("19429", "Xã Khe Sanh", Area.RURAL, 0.35, ("Vân Kiều",),
                ("Khóm 1", "Khóm 2", "Khóm 3", "Thôn Khe Sanh", "Thôn Ruộng", "Thôn Xa Re")),
    DemoCommune("19564", "Xã Đakrông", Area.RURAL, 0.7, ("Vân Kiều", "Pa Kô"),
                ("Thôn Tà Lang", "Thôn Ba Ngào", "Thôn Khe Ngài", "Thôn Chân Rò", "Thôn Pa Lọc")),
)  # fmt: skip
DEMO_COMMUNE_CODES = tuple(c.code for c in DEMO_COMMUNES)


# middle name.
MALE_MIDDLE = ("Văn", "Văn", "Văn", "Đức", "Hữu", "Quang", "Minh", "Thế", "Xuân", "Công")
FEMALE_MIDDLE = ("Thị", "Thị", "Thị", "Thị", "Ngọc", "Thu", "Thanh", "Kim", "Mỹ")
MINORITY_FAMILY = ("Hồ", "Hồ", "Hồ", "Lê", "Nguyễn", "Trần")
# Vietnamese mobile prefixes (Viettel, VinaPhone, MobiFone …): 10 digits in all.
MOBILE_PREFIXES = (
    "032", "033", "034", "035", "036", "037", "038", "039", "070", "076", "077", "078", "079",
    "081", "082", "083", "084", "085", "086", "088", "089", "090", "091", "093", "094", "096",
    "097", "098",
)  # fmt: skip


@dataclass
class PersonPlan:
    full_name: str
    sex: str
    date_of_birth: date
    relation: str
    national_id: str | None
    phone: str | None


@dataclass
class HouseholdPlan:
    commune: DemoCommune
    kind: str
    village: str
    house_number: int
    ethnicity: str
    members: list[PersonPlan] = field(default_factory=list)


class DemoGenerator:
    def __init__(self, today: date, seed: int):
        self.today = today
        self.fake = Faker("vi_VN")
        self.fake.seed_instance(seed)
        self.rng = self.fake.random
        self.used_ids: set[str] = set()

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def birth_date(self, age: int) -> date:
        # A date on which the person is exactly `age` today.
        latest = date(self.today.year - age, self.today.month, min(self.today.day, 28))
        return latest - timedelta(days=self.rng.randrange(365))

    def name(self, sex: str, family: str) -> str:
        middles, given_names = (
            (MALE_MIDDLE, self.fake.first_name_male)
            if sex == Sex.MALE
            else (FEMALE_MIDDLE, self.fake.first_name_female)
        )
        middle, given = self.rng.choice(middles), given_names()
        while given == middle:  # "Minh Minh"
            given = given_names()
        return unicodedata.normalize("NFC", f"{family} {middle} {given}")

    def national_id(self, sex: str, born: date) -> str | None:
        if age_on(born, self.today) < 6 and self.chance(0.15):
            return None  # not yet known for some young children (domain.md §1)
        digit = (born.year // 100 - 19) * 2 + (1 if sex == Sex.FEMALE else 0)
        while True:
            value = f"{BIRTH_PLACE_CODE}{digit}{born.year % 100:02d}{self.fake.numerify('######')}"
            if value not in self.used_ids:
                self.used_ids.add(value)
                return validate_national_id(value, sex=sex, date_of_birth=born)

    def phone(self, age: int) -> str | None:
        if age < 16 or not self.chance(0.45 if age >= 75 else 0.85):
            return None
        return self.fake.numerify(self.rng.choice(MOBILE_PREFIXES) + "#######")

    def person(self, relation: str, sex: str, age: int, family: str) -> PersonPlan:
        born = self.birth_date(age)
        return PersonPlan(
            full_name=self.name(sex, family),
            sex=sex,
            date_of_birth=born,
            relation=relation,
            national_id=self.national_id(sex, born),
            phone=self.phone(age),
        )

    def family_name(self, minority: bool) -> str:
        return self.rng.choice(MINORITY_FAMILY) if minority else self.fake.last_name()

    def household(self, commune: DemoCommune) -> HouseholdPlan:
        minority = self.chance(commune.minority_share)
        kind = self.rng.choices(
            ["family", "three_generations", "elderly_alone", "orphans", "young_couple"],
            weights=[48, 22, 10, 8, 12],
        )[0]
        plan = HouseholdPlan(
            commune=commune,
            kind=kind,
            village=self.rng.choice(commune.villages),
            house_number=self.rng.randint(1, 250),
            ethnicity=self.rng.choice(commune.minorities) if minority else "Kinh",
        )
        rand = self.rng.randint

        def add(relation: str, sex: str, age: int, family: str) -> None:
            plan.members.append(self.person(relation, sex, age, family))

        def any_sex() -> str:
            return self.rng.choice(Sex.values)

        head_sex = Sex.MALE if self.chance(0.75) else Sex.FEMALE
        other_sex = Sex.FEMALE if head_sex == Sex.MALE else Sex.MALE
        head_family = self.family_name(minority)
        spouse_family = self.family_name(minority)
        # Children take the father's family name; a wife keeps her own.
        father_family = head_family if head_sex == Sex.MALE else spouse_family
        if kind == "family":
            head_age = rand(28, 62)
            add(Relation.HEAD, head_sex, head_age, head_family)
            add(Relation.SPOUSE, other_sex, max(20, head_age + rand(-6, 4)), spouse_family)
            for _ in range(rand(0, 3)):
                add(Relation.CHILD, any_sex(), rand(0, min(head_age - 20, 24)), father_family)
        elif kind == "three_generations":
            head_age = rand(66, 94)
            add(Relation.HEAD, head_sex, head_age, head_family)
            if self.chance(0.5):
                add(Relation.SPOUSE, other_sex, max(60, head_age + rand(-6, 3)), spouse_family)
            son_age = rand(max(30, head_age - 45), head_age - 22)
            add(Relation.CHILD, Sex.MALE, son_age, father_family)
            if self.chance(0.7):
                add(Relation.GRANDCHILD, any_sex(), rand(0, min(son_age - 20, 20)), father_family)
        elif kind == "elderly_alone":
            add(Relation.HEAD, any_sex(), rand(72, 97), head_family)
        elif kind == "orphans":
            # A grandparent raising grandchildren whose parents died or left (category 5.1).
            add(Relation.HEAD, head_sex, rand(58, 82), head_family)
            for _ in range(rand(1, 3)):
                add(Relation.GRANDCHILD, any_sex(), rand(1, 15), father_family)
        else:  # young_couple
            head_age = rand(21, 34)
            add(Relation.HEAD, Sex.MALE, head_age, head_family)
            add(Relation.SPOUSE, Sex.FEMALE, max(19, head_age + rand(-5, 1)), spouse_family)
            if self.chance(0.5):
                add(Relation.CHILD, any_sex(), rand(0, 3), head_family)
        return plan


def demo_plan(
    *, households: int = HOUSEHOLDS, today: date, seed: int = SEED
) -> list[HouseholdPlan]:
    """The households to create, spread evenly over the demo communes; same seed, same plan."""
    generator = DemoGenerator(today, seed)
    return [generator.household(DEMO_COMMUNES[i % len(DEMO_COMMUNES)]) for i in range(households)]
