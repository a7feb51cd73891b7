"""The sync API: a person's changes by cursor, the catalogue's, and a batch of offline writes.

``sync/`` and ``sync/catalogue/`` answer ``{"changes", "next_cursor",
"has_more"}`` (``sync.feed`` explains the order, the cursor and the
tombstones); ``sync/batch/`` applies a queue of offline changes
(``sync.batch``). The README's "Sync, conflicts and offline writes" is the
app developer's guide.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.exceptions import APIException, ErrorDetail, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.errors import exception_handler
from api.query import positive_integer, single_value
from sync import batch, feed
from sync.models import CATALOGUE
from tracker.api.progress import RecordsDevice

from .serializers import CATALOGUE as CATALOGUE_LOADERS
from .serializers import PERSONAL, AnObject, Loader, SyncPageSerializer


class CursorExpired(APIException):
    status_code = status.HTTP_410_GONE
    default_detail = gettext_lazy(
        "This cursor is too old: deletions it needs were forgotten. Sync again without a cursor."
    )
    default_code = "cursor_expired"


CURSOR = OpenApiParameter(
    "cursor",
    {"type": "string", "minLength": 1},  # api.query.single_value: an empty cursor is a 400 blank
    description="The next_cursor of your last page; leave it out for a full sync (everything, paged the same way).",
)
LIMIT = OpenApiParameter(
    "limit",
    {"type": "integer", "minimum": 1},  # api.query.positive_integer: 0 is a 400 min_value
    description=f"Changes per page: default {feed.DEFAULT_LIMIT}, at most {feed.MAX_LIMIT} (more is capped).",
)


@extend_schema_field({"$ref": "#/components/schemas/Error"})
class ErrorBody(serializers.DictField):
    """The API's one error body (``api.errors``)."""


PAGE_RESPONSES = {
    200: SyncPageSerializer,
    410: OpenApiResponse(
        response={"$ref": "#/components/schemas/Error"},
        description="cursor_expired: tombstones it needs were forgotten; sync again without a cursor. "
        "(A cursor not issued to you here is a 400 invalid_cursor on cursor.)",
    ),
}


def page(request: Request, stream: int, loaders: dict[str, Loader]) -> dict[str, Any]:
    """One page of ``stream`` after the request's cursor, each change with its object (or as a tombstone)."""
    limit = min(positive_integer(request, "limit") or feed.DEFAULT_LIMIT, feed.MAX_LIMIT)
    cursor = single_value(request, "cursor")
    try:
        position = feed.Position.decode(stream, cursor) if cursor else None
        found = feed.read(stream, position, limit)
    except feed.InvalidCursor:
        message = _("This cursor was not issued to you here: sync again without one.")
        raise ValidationError({"cursor": [ErrorDetail(message, code="invalid_cursor")]}) from None
    except feed.CursorExpired:
        raise CursorExpired() from None
    wanted: dict[str, list[int]] = {}
    for change in found.changes:
        if not change.deleted and change.kind in loaders:
            wanted.setdefault(change.kind, []).append(change.object_id)
    loaded = {kind: loaders[kind](request, ids) for kind, ids in wanted.items()}
    changes = []
    for change in found.changes:
        data = None if change.deleted else loaded.get(change.kind, {}).get(change.object_id)
        if data is None and change.seq <= found.initial_through:
            continue  # a full sync: the client never held it, so it needs no tombstone
        changes.append({"kind": change.kind, "id": change.object_id, "deleted": data is None, "data": data})
    return {"changes": changes, "next_cursor": found.next.encode(stream), "has_more": found.has_more}


class Sync(APIView):
    """Everything of yours that changed after the cursor: plans, progress, checklist items with your ticks,
    your own milestones, plan steps and notifications, deletions as tombstones."""

    @extend_schema(parameters=[CURSOR, LIMIT], responses=PAGE_RESPONSES)
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(page(request, int(request.user.pk), PERSONAL))  # type: ignore[arg-type,union-attr]


class CatalogueSync(APIView):
    """The published catalogue's changes after the cursor: tracks (as tracks/{slug}/ shows them) and milestones.

    A track withdrawn, or a milestone hidden or on no published track any more, comes as a tombstone.
    """

    permission_classes = (AllowAny,)

    @extend_schema(parameters=[CURSOR, LIMIT], responses=PAGE_RESPONSES)
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(page(request, CATALOGUE, CATALOGUE_LOADERS))


def _names(name: str, value: Any) -> bool:
    """Whether ``value`` can name the ``name`` of an operation's target (see sync.batch)."""
    if name == "milestone":
        return isinstance(value, str)
    if name == "item" and isinstance(value, dict):
        key = value.get("added_by")
        return set(value) == {"added_by"} and isinstance(key, str) and 0 < len(key) <= 200
    return type(value) is int


class OperationSerializer(serializers.Serializer[Any]):
    idempotency_key = serializers.CharField(
        max_length=200, help_text="Unique per change (a UUID): a replayed operation is answered, not applied again."
    )
    op = serializers.ChoiceField(choices=sorted(batch.OPERATIONS), help_text="What the change is; see the README.")
    target = AnObject(
        help_text=(
            'What it changes: milestone (a slug), item (an id, or {"added_by": the idempotency_key of the '
            "checklist_item.add that made it}), enrollment (an id), as the op needs."
        )
    )
    data = AnObject(  # type: ignore[assignment]
        required=False, help_text="The body its endpoint's PATCH or POST takes (without base_version)."
    )
    base_version = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=0,
        help_text="The version the change started from: a stale one is a conflict. Leave it out to overwrite.",
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        needs = batch.OPERATIONS[attrs["op"]].target
        target = attrs["target"]
        missing = [name for name in needs if name not in target]
        if missing:
            raise ValidationError(
                {
                    "target": [
                        ErrorDetail(
                            _("Name the %(names)s it changes.") % {"names": ", ".join(missing)}, code="required"
                        )
                    ]
                }
            )
        # A slug names a milestone, a whole number an item or a plan; an item added offline, its add's key.
        wrong = [name for name in needs if not _names(name, target[name])]
        if wrong:
            message = _('Give milestone as a slug, enrollment as an id, and item as an id or {"added_by": a key}.')
            raise ValidationError({"target": [ErrorDetail(message, code="invalid")]})
        return {**attrs, "target": {name: target[name] for name in needs}}


@extend_schema_field(OperationSerializer(many=True))
class OperationsField(serializers.ListField):
    """The queue: read one operation at a time (``Batch.post``), so a malformed one is refused alone."""


class BatchSerializer(serializers.Serializer[Any]):
    operations = OperationsField(
        child=serializers.DictField(),
        allow_empty=False,
        max_length=batch.MAX_OPERATIONS,
        help_text=f"The queue, oldest first; at most {batch.MAX_OPERATIONS} (400 batch_too_large).",
        error_messages={"max_length": f"Send at most {batch.MAX_OPERATIONS} operations at a time."},
    )

    def to_internal_value(self, data: Any) -> Any:
        try:
            return super().to_internal_value(data)
        except ValidationError as exc:
            # The queue's length has a code of its own: the app splits it and sends the parts.
            errors = exc.detail.get("operations", []) if isinstance(exc.detail, dict) else []
            if any(getattr(error, "code", "") == "max_length" for error in errors):
                message = _("Send at most %(limit)s operations at a time.") % {"limit": batch.MAX_OPERATIONS}
                raise ValidationError({"operations": [ErrorDetail(message, code="batch_too_large")]}) from None
            raise


class ResultSerializer(serializers.Serializer[Any]):
    idempotency_key = serializers.CharField()
    op = serializers.CharField()
    status = serializers.ChoiceField(choices=[batch.APPLIED, batch.CONFLICT, batch.REFUSED])
    replayed = serializers.BooleanField(help_text="Applied by an earlier send of the same operation.")
    data = AnObject(required=False, allow_null=True, help_text="applied: the object as it now stands.")  # type: ignore[assignment]
    version = serializers.IntegerField(required=False, allow_null=True)
    current = AnObject(required=False, help_text="conflict: the object as it stands; merge or ask.")
    http_status = serializers.IntegerField(required=False, help_text="refused: what its endpoint would answer.")
    error = ErrorBody(required=False, help_text="refused: the error body (code, message, fields).")


class BatchResultSerializer(serializers.Serializer[Any]):
    results = ResultSerializer(many=True, help_text="One per operation, in the order sent.")


class Batch(RecordsDevice, APIView):
    """Apply a queue of offline changes in order, each on its own; see ``sync.batch``."""

    @extend_schema(request=BatchSerializer, responses={200: BatchResultSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        queue = BatchSerializer(data=request.data)
        queue.is_valid(raise_exception=True)
        results = []
        for number, raw in enumerate(queue.validated_data["operations"]):
            operation = OperationSerializer(data=raw)
            if not operation.is_valid():
                error = ValidationError(operation.errors)
                results.append(_malformed(raw, number, error, request))
                continue
            results.append(batch.run(request, dict(operation.validated_data)))
        return Response({"results": results})


def _malformed(raw: Any, number: int, error: ValidationError, request: Request) -> dict[str, Any]:
    """A refused operation that could not even be read: answered in the API's error shape."""
    response = exception_handler(error, {"request": request, "view": None})
    assert response is not None
    key = raw.get("idempotency_key") if isinstance(raw, dict) else None
    return {
        "idempotency_key": key if isinstance(key, str) else f"#{number}",
        "op": str(raw.get("op", "")) if isinstance(raw, dict) else "",
        "status": batch.REFUSED,
        "replayed": False,
        "http_status": 400,
        "error": response.data,
    }
