"""The admin shows every delivery, with counts per rule and day."""

import pytest
from django.urls import reverse

from nudges.models import Channel, Delivery, DeliveryStatus, Rule

pytestmark = pytest.mark.django_db


def test_the_delivery_list_shows_each_delivery_and_counts_per_rule_and_day(client, staff, owner, other):
    Delivery.objects.create(
        user=owner, rule=Rule.STALLED, period="a", channel=Channel.EMAIL, status=DeliveryStatus.SENT
    )
    Delivery.objects.create(user=other, rule=Rule.STALLED, period="a", channel=Channel.EMAIL, last_error="SMTP 421")
    Delivery.objects.create(user=owner, rule=Rule.DIGEST, period="w", channel=Channel.IN_APP)
    client.force_login(staff)
    response = client.get(reverse("admin:nudges_delivery_changelist"))
    assert response.status_code == 200
    counts = {(row["rule"], row["total"], row["sent"]) for row in response.context["counts_per_rule_and_day"]}
    assert counts == {(Rule.STALLED, 2, 1), (Rule.DIGEST, 1, 0)}
    assert b"Deliveries per rule and day" in response.content
    assert b"SMTP 421" in response.content
    assert b"owner@example.com" in response.content or b"Olive Owner" in response.content


def test_deliveries_cannot_be_edited_in_the_admin(client, staff, owner):
    row = Delivery.objects.create(user=owner, rule=Rule.STALLED, period="a", channel=Channel.EMAIL)
    client.force_login(staff)
    assert client.get(reverse("admin:nudges_delivery_add")).status_code == 403
    response = client.post(reverse("admin:nudges_delivery_change", args=[row.pk]), {"status": "sent"})
    assert response.status_code == 403
