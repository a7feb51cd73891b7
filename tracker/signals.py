"""The tracker's signals. Receivers live in ``receivers.py`` (here and in the apps that listen)."""

from django.dispatch import Signal

# Sent by MilestoneProgress.objects.set_status inside its transaction whenever
# a status really changes, with user, milestone, track, from_status,
# to_status. Receivers that talk to the outside world (the broker, mail) must
# defer that work with transaction.on_commit, so a rolled-back change sends
# nothing. It is the only link from the tracker to the nudges.
progress_changed = Signal()
