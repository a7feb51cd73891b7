"""Offline writes: a queue of changes the app made offline, applied in order, each on its own.

Each operation runs in its own savepoint, through the same code as its
endpoint (so the same rules, refusals and history), with its own
idempotency key and precondition, and is answered on its own:

- ``applied``: done; ``data`` is the object as it now stands.
- ``conflict``: its ``base_version`` is stale; ``current`` is the object as
  it stands (the 412 of its endpoint), and nothing was changed.
- ``refused``: the endpoint would have answered 4xx; ``error`` is that
  body (``code``, ``message``, and ``fields``/``field_codes`` for a 400) and
  ``http_status`` its status. Nothing of it was saved.

One refused or conflicting operation never undoes or stops the others; an
operation that depends on an earlier one that failed fails on its own
terms (a tick of an item that was never added is a 404).

An item the app added offline has no id yet when the app queues its tick:
the tick names it by the add's key instead, ``"item": {"added_by": "<the
add's idempotency_key>"}``, and is applied to the item that add made (in
this batch or an earlier one); if the add was refused, the tick is refused
too (400 ``unknown_reference``). Replaying a batch
applies nothing twice: an applied operation's answer is kept under its key
(``api.idempotency``, the store of the Idempotency-Key header) and a replay
gets it back with ``replayed: true``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import generics
from rest_framework.exceptions import ErrorDetail, NotFound, ValidationError
from rest_framework.request import Request

from api.errors import exception_handler
from api.idempotency import IdempotencyKey, claim_key, earlier_answer, remember_answer
from tracker.api.checklists import add_checklist_item, checklist_items, remove_checklist_item, update_checklist_item
from tracker.api.enrollments import update_plan
from tracker.api.plan_steps import find_step, step_of, update_step
from tracker.api.progress import current_progress, update_progress, visible_milestone
from tracker.api.serializers.checklists import ChecklistItemSerializer, item_version
from tracker.api.serializers.enrollments import EnrollmentUpdateSerializer
from tracker.api.serializers.plan_steps import PlanStepSerializer
from tracker.api.serializers.progress import ProgressSerializer
from tracker.models import ChecklistItem, Enrollment, VersionConflict

# A queue longer than this is refused whole (400 ``batch_too_large``): the app sends it in parts.
MAX_OPERATIONS = 100
SCOPE = "sync-batch"

APPLIED, CONFLICT, REFUSED = "applied", "conflict", "refused"


@dataclass(frozen=True)
class Operation:
    """One kind of offline change: what it names (``target``), how it is applied, and how to read it back."""

    target: tuple[str, ...]
    # (request, target, data, expected version) -> (the object now, its version)
    apply: Callable[[Request, dict[str, Any], Any, int | None], tuple[Any, int | None]]
    # (request, target) -> (the object now, its version): what a conflict carries
    current: Callable[[Request, dict[str, Any]], tuple[Any, int | None]]


def _progress_now(request: Request, target: dict[str, Any]) -> tuple[Any, int | None]:
    milestone = current_progress(request, target["milestone"])
    return ProgressSerializer(milestone, context={"request": request}).data, milestone.my_version or 0  # type: ignore[attr-defined]


def _progress(request: Request, target: dict[str, Any], data: Any, expected: int | None) -> tuple[Any, int | None]:
    milestone = update_progress(request, visible_milestone(request, target["milestone"]), data, expected)
    return ProgressSerializer(milestone, context={"request": request}).data, milestone.my_version or 0  # type: ignore[attr-defined]


def _item(request: Request, target: dict[str, Any]) -> ChecklistItem:
    return generics.get_object_or_404(checklist_items(request.user), pk=target["item"])  # type: ignore[arg-type]


def _item_now(request: Request, target: dict[str, Any]) -> tuple[Any, int | None]:
    item = _item(request, target)
    return ChecklistItemSerializer(item).data, item_version(item)


def _tick_or_edit(request: Request, target: dict[str, Any], data: Any, expected: int | None) -> tuple[Any, int | None]:
    item = update_checklist_item(request, _item(request, target), data, expected)
    return ChecklistItemSerializer(item).data, item_version(item)


def _add_item(request: Request, target: dict[str, Any], data: Any, expected: int | None) -> tuple[Any, int | None]:
    item = add_checklist_item(request, visible_milestone(request, target["milestone"]), data)
    return ChecklistItemSerializer(item).data, item_version(item)


def _remove_item(request: Request, target: dict[str, Any], data: Any, expected: int | None) -> tuple[Any, int | None]:
    remove_checklist_item(request, _item(request, target), expected)
    return None, None


def _plan(request: Request, target: dict[str, Any]) -> Enrollment:
    enrollment = generics.get_object_or_404(Enrollment.objects.for_user(request.user), pk=target["enrollment"])  # type: ignore[arg-type]
    enrollment.user = request.user  # type: ignore[assignment]
    return enrollment


def _plan_now(request: Request, target: dict[str, Any]) -> tuple[Any, int | None]:
    enrollment = _plan(request, target)
    return EnrollmentUpdateSerializer(enrollment).data, enrollment.version


def _edit_plan(request: Request, target: dict[str, Any], data: Any, expected: int | None) -> tuple[Any, int | None]:
    enrollment = update_plan(_plan(request, target), data, expected)
    return EnrollmentUpdateSerializer(enrollment).data, enrollment.version


def _step_now(request: Request, target: dict[str, Any]) -> tuple[Any, int | None]:
    enrollment = _plan(request, target)
    milestone, _ = find_step(enrollment, target["milestone"])
    data = PlanStepSerializer(step_of(enrollment, milestone)).data
    return data, data["version"]


def _edit_step(request: Request, target: dict[str, Any], data: Any, expected: int | None) -> tuple[Any, int | None]:
    enrollment = _plan(request, target)
    milestone, step = find_step(enrollment, target["milestone"])
    update_step(request, enrollment, milestone, step, data, expected)
    return _step_now(request, target)


OPERATIONS: dict[str, Operation] = {
    "progress.update": Operation(("milestone",), _progress, _progress_now),
    "checklist_item.update": Operation(("item",), _tick_or_edit, _item_now),
    "checklist_item.add": Operation(("milestone",), _add_item, _item_now),
    "checklist_item.remove": Operation(("item",), _remove_item, _item_now),
    "plan_step.update": Operation(("enrollment", "milestone"), _edit_step, _step_now),
    "plan.update": Operation(("enrollment",), _edit_plan, _plan_now),
}


def added_item(user_id: int, key: str) -> int:
    """The id of the checklist item the ``checklist_item.add`` applied under ``key`` made (see the module docstring)."""
    record = IdempotencyKey.objects.filter(user_id=user_id, key=f"{SCOPE}:{key}", path=SCOPE).first()
    body = record.response_body if record is not None else None
    if (
        isinstance(body, dict)
        and body.get("op") == "checklist_item.add"
        and body.get("status") == APPLIED
        and isinstance(body.get("data"), dict)
    ):
        return int(body["data"]["id"])
    message = _("No checklist item was added under this idempotency_key: its add was refused, or never sent.")
    raise ValidationError({"target": [ErrorDetail(message, code="unknown_reference")]})


def resolved(user_id: int, target: dict[str, Any]) -> dict[str, Any]:
    """``target`` with an item named by the key of the add that made it replaced by that item's id."""
    item = target.get("item")
    if isinstance(item, dict):
        return {**target, "item": added_item(user_id, item["added_by"])}
    return target


def run(request: Request, operation: dict[str, Any]) -> dict[str, Any]:
    """Apply one validated operation (``sync.api.views.OperationSerializer``) and say what became of it."""
    user_id = int(request.user.pk)  # type: ignore[arg-type,union-attr]
    key, name, target = operation["idempotency_key"], operation["op"], operation["target"]
    data, expected = operation.get("data") or {}, operation.get("base_version")
    answer: dict[str, Any] = {"idempotency_key": key, "op": name, "replayed": False}
    fingerprint = {"op": name, "target": target, "data": data, "base_version": expected}
    spec = OPERATIONS[name]
    earlier = earlier_answer(user_id, SCOPE, key, fingerprint)
    if earlier is not None:
        return _again(answer, *earlier)
    conflicted = False
    with transaction.atomic():  # a savepoint: a refused or conflicting operation leaves nothing behind
        try:
            record = claim_key(user_id, SCOPE, key, fingerprint)
        except IntegrityError:
            record = None  # claimed by a concurrent request a moment ago
        if record is not None:
            try:
                result, version = spec.apply(request, resolved(user_id, target), data, expected)
                applied = {**answer, "status": APPLIED, "data": result, "version": version}
                remember_answer(record, 200, applied)
                return applied
            except VersionConflict:
                conflicted = True
                transaction.set_rollback(True)
            except Exception as exc:  # only what the API would answer with a 4xx is caught: see below
                refusal = exc if not isinstance(exc, ObjectDoesNotExist | Http404) else NotFound()
                response = exception_handler(refusal, {"request": request, "view": None})
                if response is None:
                    raise  # a bug, not a refusal: a 500, with the operations before it kept
                transaction.set_rollback(True)
                return {**answer, "status": REFUSED, "http_status": response.status_code, "error": response.data}
    if conflicted:
        try:
            current, version = spec.current(request, resolved(user_id, target))
        except (Http404, ObjectDoesNotExist, NotFound, ValidationError):
            current, version = None, None  # gone meanwhile: the next sync brings its tombstone
        return {**answer, "status": CONFLICT, "current": current, "version": version}
    earlier = earlier_answer(user_id, SCOPE, key, fingerprint)
    return _again(answer, *(earlier or (None, True)))


def _again(answer: dict[str, Any], body: Any, same: bool) -> dict[str, Any]:
    """The answer to an operation whose key was claimed before: its stored answer, or why not."""
    if not same:
        message = _("This idempotency_key was used for a different operation.")
        error = {"code": "idempotency_key_reused", "message": message}
        return {**answer, "status": REFUSED, "http_status": 409, "error": error}
    if body is None:
        # Claimed by a request still applying it: the app sends it again later.
        message = _("An operation with this idempotency_key is still being applied.")
        error = {"code": "idempotency_in_progress", "message": message}
        return {**answer, "status": REFUSED, "http_status": 409, "error": error}
    return {**body, "replayed": True}
