"""A certification's three renewal nudges, each sent once however many beats run, on the person's own calendar."""

from datetime import UTC, datetime

import time_machine

from nudges import delivery
from nudges.models import Delivery, Rule

from .conftest import set_done


def beat(user, now):
    with time_machine.travel(now, tick=False):
        return delivery.process_users([user.pk], now)


def renewal_periods(user):
    return sorted(set(Delivery.objects.filter(user=user, rule=Rule.RENEWAL).values_list("period", flat=True)))


def test_the_window_opening_closing_and_the_expiry_are_each_sent_once_across_two_beats(learner, plan):
    set_done(learner, plan.python, datetime(2025, 1, 5, 10, tzinfo=UTC))
    set_done(learner, plan.sql, datetime(2025, 1, 6, 10, tzinfo=UTC))
    set_done(learner, plan.cert, datetime(2025, 5, 1, 10, tzinfo=UTC))  # valid until 1 May 2026
    stages = {
        "open": datetime(2026, 1, 31, 11, tzinfo=UTC),  # 90 days before, 11:00 in London
        "closing": datetime(2026, 4, 18, 11, tzinfo=UTC),  # 13 days left
        "expired": datetime(2026, 5, 2, 11, tzinfo=UTC),
    }
    for stage, when in stages.items():
        beat(learner, when)
        beat(learner, when.replace(minute=15))  # the next beat finds it sent
        assert any(period.endswith(f":{stage}") for period in renewal_periods(learner)), stage
    cert = f"m{plan.cert.pk}:2026-05-01"
    assert renewal_periods(learner) == [f"{cert}:closing", f"{cert}:expired", f"{cert}:open"]
    per_period = Delivery.objects.filter(user=learner, rule=Rule.RENEWAL).values_list("period", "channel")
    assert len(per_period) == len(set(per_period))  # never two deliveries of one occurrence on one channel
    # Days later nothing more comes about it.
    beat(learner, datetime(2026, 5, 20, 11, tzinfo=UTC))
    assert len(renewal_periods(learner)) == 3


def test_the_window_opens_on_the_persons_own_day(learner, plan):
    learner.timezone = "Pacific/Kiritimati"  # UTC+14: 31 January begins at 10:00 UTC on the 30th
    learner.save()
    set_done(learner, plan.python, datetime(2025, 1, 5, 10, tzinfo=UTC))
    set_done(learner, plan.sql, datetime(2025, 1, 6, 10, tzinfo=UTC))
    set_done(learner, plan.cert, datetime(2025, 4, 30, 12, tzinfo=UTC))  # 1 May 2025 in Kiritimati
    beat(learner, datetime(2026, 1, 30, 9, tzinfo=UTC))  # still 30 January there (23:00)
    assert renewal_periods(learner) == []
    beat(learner, datetime(2026, 1, 30, 21, tzinfo=UTC))  # 31 January, 11:00 there
    assert renewal_periods(learner) == [f"m{plan.cert.pk}:2026-05-01:open"]
