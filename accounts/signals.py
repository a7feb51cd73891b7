"""Signals about a person's credentials and sign-ins, for the apps built on ``accounts``.

``accounts`` imports none of those apps, so it tells them what happened and
they react in their own ``receivers.py``. Signal objects only, here.
"""

from __future__ import annotations

from django.dispatch import Signal

# The password hash of ``user`` changed (set, changed, reset, set by an admin
# or ``changepassword``), not merely upgraded to a stronger hasher at sign-in.
# Sent by ``User.save`` inside its transaction, after the person's API refresh
# tokens and other web sessions were ended.
credentials_changed = Signal()

# ``user`` signed out of the API (``POST auth/logout/``); ``device_token`` is the
# push token of the device they signed out on, or "" if the app named none.
signed_out = Signal()
