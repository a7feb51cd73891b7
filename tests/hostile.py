"""Generators of hostile input, shared by the tracker's and the API's hostile-input tests."""

from __future__ import annotations

from datetime import date

from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

INJECTIONS = [
    "'; DROP TABLE tracker_milestoneprogress; --",
    "' OR '1'='1",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "{{ request.user.password }}{% debug %}",
    "javascript:alert(1)",
    "\x00",
    "nul\x00inside",
    "\u202eevil\u202c",
    "\ufeff\u200b",
    "😀" * 3,
    "\r\n\t\x0b\x0c\x1b[31m",
]

hostile_text = st.one_of(
    st.sampled_from(INJECTIONS),
    st.text(max_size=60),  # any code point but surrogates: controls, combining marks, emoji...
    st.text(alphabet=st.characters(max_codepoint=0x1F), max_size=20),
    st.builds(lambda s, n: s * n, st.sampled_from(["x", "é", "<b>", "\x00", " "]), st.integers(0, 6000)),
    st.builds(lambda a, b: a + b, st.sampled_from(INJECTIONS), st.text(max_size=20)),
)

hostile_date = st.one_of(
    st.dates().map(date.isoformat),
    st.sampled_from(["0001-01-01", "9999-12-31", "0000-01-01", "10000-01-01", "2026-02-30", "-1-01-01", ""]),
    hostile_text,
)

BOUNDED = hypothesis_settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
