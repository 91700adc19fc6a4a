"""Builders for job records (the job is written straight through the model, no task is queued)."""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from jobs.models import Job
from tests.factories import UserFactory


class JobFactory(DjangoModelFactory):
    class Meta:
        model = Job

    kind = "test_rows"
    task_path = "tests.jobs.operations.write_rows"
    started_by = factory.SubFactory(UserFactory, role="social_worker", communes=["18859"])
    commune_code = "18859"
    dedupe_key = factory.Sequence(lambda n: f"key{n}")
