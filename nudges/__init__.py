"""Reminder nudges: rules that say what is due, and the machinery that sends it once.

``rules`` are pure functions of a user's state and the time; ``state`` reads
that state from the database; ``delivery`` claims and records each send;
``channels`` and ``push`` send; ``scan`` finds who is due and fans out batches
to ``nudges.tasks``.
"""
