"""Object-level authorisation, generated from the URL configuration.

Every /api/v1/ route that takes an id or a slug must have an entry in
``OBJECTS`` (the test fails on a new one that does not), and every method it
allows is tried with another user's object (404, never revealing that it
exists) and without credentials (401).
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient

from nudges.models import Device, Notification
from tests.factories import CareerTrackFactory, EnrollmentFactory, MilestoneFactory


def api_routes():
    """(route, view class) of every /api/v1/ route, from the live URLconf."""

    def walk(patterns, prefix):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                yield prefix + str(p.pattern), getattr(p.callback, "view_class", None)

    routes = walk(get_resolver().url_patterns, "/")
    return [(route, view) for route, view in routes if route.startswith("/api/v1/") and view is not None]


def _enrollment(other):
    return {"pk": EnrollmentFactory(user=other).pk}


def _notification(other):
    return {"pk": Notification.objects.create(user=other, rule="digest", title="x").pk}


def _device(other):
    return {"pk": Device.objects.create(user=other, platform="ios", token="other-token").pk}


# Route -> builds the URL kwargs of an object the owner must not reach.
# None marks a route whose object is not per-user (public catalogue, or the
# caller's own state addressed by slug), tried instead with an unpublished or
# hidden object.
OBJECTS = {
    "/api/v1/enrollments/<int:pk>/": _enrollment,
    "/api/v1/enrollments/<int:pk>/plan/": _enrollment,
    "/api/v1/notifications/<int:pk>/read/": _notification,
    "/api/v1/devices/<int:pk>/": _device,
    "/api/v1/tracks/<slug:slug>/": lambda other: {"slug": CareerTrackFactory(is_published=False).slug},
    "/api/v1/progress/<slug:milestone_slug>/": lambda other: {"milestone_slug": MilestoneFactory(is_active=False).slug},
}
PUBLIC = {"/api/v1/tracks/<slug:slug>/"}


def methods(view):
    allowed = [m for m in ("get", "post", "patch", "put", "delete") if hasattr(view, m)]
    return [m for m in allowed if m in getattr(view, "http_method_names", allowed)]


def fill(route, kwargs):
    url = route
    for name, value in kwargs.items():
        url = url.replace(f"<int:{name}>", str(value)).replace(f"<slug:{name}>", str(value))
    return url


ROUTES_WITH_OBJECTS = [(r, v) for r, v in api_routes() if "<" in r]


def test_every_route_that_takes_an_id_is_in_the_table():
    assert {r for r, _ in ROUTES_WITH_OBJECTS} == set(OBJECTS)


@pytest.mark.django_db
@pytest.mark.parametrize(("route", "view"), ROUTES_WITH_OBJECTS, ids=[r for r, _ in ROUTES_WITH_OBJECTS])
def test_another_users_object_is_404_and_no_credentials_is_401(route, view, owner, other, api):
    url = fill(route, OBJECTS[route](other))
    for method in methods(view):
        response = getattr(api, method)(url, {}, format="json")
        assert response.status_code == 404, (method, url, response.status_code)
        assert response.json() == {"code": "not_found", "message": "Not found."}
        if route not in PUBLIC:
            anonymous = getattr(APIClient(), method)(url, {}, format="json")
            assert anonymous.status_code == 401, (method, url)


@pytest.mark.django_db
@pytest.mark.parametrize("route", [r for r, _ in api_routes() if "<" not in r])
def test_private_routes_without_ids_refuse_anonymous_callers(route, anon):
    open_routes = {
        "/api/v1/auth/register/",
        "/api/v1/auth/token/",
        "/api/v1/auth/token/refresh/",
        "/api/v1/auth/logout/",
        "/api/v1/tracks/",
        "/api/v1/role-fit/",
        "/api/v1/schema/",
        "/api/v1/docs/",
    }
    view = dict(api_routes())[route]
    for method in methods(view):
        response = getattr(anon, method)(route, {}, format="json")
        if route in open_routes:
            assert response.status_code != 401, (method, route)
        else:
            assert response.status_code == 401, (method, route)
