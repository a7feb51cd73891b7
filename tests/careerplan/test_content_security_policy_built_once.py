"""The CSP header built once per process is exactly the one django-csp builds per response."""

import pytest
from csp.constants import HEADER
from csp.decorators import csp_update
from csp.middleware import CSPMiddleware as DjangoCSPMiddleware
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from careerplan.content_security_policy import CSPMiddleware


def serve(middleware_class, view, path="/"):
    middleware = middleware_class(view)
    return middleware(RequestFactory().get(path))


def page(request):
    return HttpResponse("<p>hi</p>")


@csp_update({"img-src": ["https://images.example"]})
def page_with_its_own_policy(request):
    return HttpResponse("<p>hi</p>")


def nonce_page(request):
    return HttpResponse(f"<script nonce='{request.csp_nonce}'></script>")


@pytest.mark.parametrize("view", [page, page_with_its_own_policy, nonce_page])
def test_it_sends_what_django_csp_sends(view):
    ours, theirs = serve(CSPMiddleware, view), serve(DjangoCSPMiddleware, view)
    assert ours[HEADER]
    if view is nonce_page:  # a new nonce each time: the same policy around it
        assert ours[HEADER].split("'nonce-")[0] == theirs[HEADER].split("'nonce-")[0]
    else:
        assert ours[HEADER] == theirs[HEADER]


def test_a_changed_setting_is_built_again():
    before = serve(CSPMiddleware, page)[HEADER]
    with override_settings(CONTENT_SECURITY_POLICY={"DIRECTIVES": {"default-src": ["'none'"]}}):
        assert serve(CSPMiddleware, page)[HEADER] == "default-src 'none'"
    assert serve(CSPMiddleware, page)[HEADER] == before
