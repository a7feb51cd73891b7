"""The API answers in the language the client asks for (``Accept-Language``), English by default.

Only under ``/api/``: the web pages stay English, since their own texts are
not translated and half-German pages (Django's and allauth's messages in
German around English ones) would read worse than English throughout.
Messages come through Django's translation machinery: Django's and DRF's own
catalogues for their messages, ``locale/`` for the project's (see the README's
"Languages"). Each answer says ``Content-Language`` and varies on
``Accept-Language``, so no cache hands one client another's language.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers


class APILanguageMiddleware:
    """Activate the request's language (one of ``LANGUAGES``) for an API request, and restore it after."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path_info.startswith("/api/"):
            return self.get_response(request)
        language = translation.get_language_from_request(request)
        request.LANGUAGE_CODE = language
        if language == translation.get_language():
            # The language in use already (most apps send none): nothing to switch, or to switch back.
            response = self.get_response(request)
        else:
            # override, not activate: the thread serves a web page next, which stays in LANGUAGE_CODE.
            with translation.override(language):
                response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ("Accept-Language",))
        return response
