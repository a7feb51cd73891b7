"""django-csp's middleware, with the site's one policy built once per process instead of on every response.

The policy (settings CONTENT_SECURITY_POLICY) uses no nonce and no view
changes it, so the header is the same string on every response; django-csp
builds it anew each time (a dataclass turned into dicts, every directive
joined), about a fifth of a plain Django view's time on the benchmark
machine. A response that asks for anything else (a nonce read during the
request, a view's ``@csp_update`` / ``@csp_replace`` / ``@csp_exempt``) goes
through django-csp's own code, as before.
"""

from __future__ import annotations

import http.client
from typing import Any

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject
from csp.middleware import CSPMiddleware as DjangoCSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.http import HttpRequest
from django.http.response import HttpResponseBase

# What a view or a template can set to make a response's policy its own.
_PER_RESPONSE = (
    "_csp_config",
    "_csp_update",
    "_csp_replace",
    "_csp_exempt",
    "_csp_config_ro",
    "_csp_update_ro",
    "_csp_replace_ro",
    "_csp_exempt_ro",
)
_DEBUG_PAGES = (http.client.INTERNAL_SERVER_ERROR, http.client.NOT_FOUND)

_built: dict[str, tuple[str, tuple[str, ...]]] = {}


def _policy(header: str) -> tuple[str, tuple[str, ...]]:
    """The site's policy for ``header`` and its excluded path prefixes, built on first use."""
    found = _built.get(header)
    if found is None:
        report_only = header == HEADER_REPORT_ONLY
        name = "CONTENT_SECURITY_POLICY_REPORT_ONLY" if report_only else "CONTENT_SECURITY_POLICY"
        prefixes = tuple((getattr(settings, name, None) or {}).get("EXCLUDE_URL_PREFIXES") or ())
        found = _built[header] = (build_policy(report_only=report_only), prefixes)
    return found


def _forget(**kwargs: Any) -> None:
    _built.clear()  # a test changed the settings


setting_changed.connect(_forget, dispatch_uid="careerplan.content_security_policy")


class CSPMiddleware(DjangoCSPMiddleware):
    """django-csp's middleware; the same headers, from a policy built once (see the module docstring)."""

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        if getattr(request, "_csp_nonce", None) is not None or any(hasattr(response, a) for a in _PER_RESPONSE):
            return super().process_response(request, response)
        if response.status_code in _DEBUG_PAGES and settings.DEBUG:
            return response  # Django's debug pages have inline styles (django-csp does the same)
        for header in (HEADER, HEADER_REPORT_ONLY):
            policy, excluded = _policy(header)
            if policy and header not in response and not request.path_info.startswith(excluded):
                response[header] = policy
        # As django-csp: a nonce asked for after the header was written is an error, not a silent gap.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)  # type: ignore[attr-defined]
        return response
