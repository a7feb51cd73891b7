"""Export and import of a track's content, so it can move between environments.

The file is Django's JSON serialisation with natural keys (slugs instead of
database ids), so it is readable, diffable and also loads with ``loaddata``.
An export of a track holds:

* the track itself (its ``parent``, if any, is referenced by slug only: import
  the parent track first where it does not exist yet);
* its career levels, its choice groups and its ladder steps (each naming its
  group, if any, as ``["track-slug", "group-slug"]``);
* the milestones of those steps, plus every milestone they need through
  prerequisites or name as their successor (transitively), so the file is
  self-contained;
* the resources and the default checklist items (the editors' items, owner
  empty) of all those milestones.

Importing is create-or-update by natural key and mirrors the file: levels,
choice groups and steps of an imported track, and resources and default
checklist items of an imported milestone, that the file no longer lists are
deleted; a milestone's prerequisites become exactly those in the file.
Objects whose content is already equal are not written at all, so importing
the same file twice changes nothing (not even ``updated_at``). Any problem
(bad JSON, an unknown field, a reference to a track, group or milestone that
is neither in the file nor in the database, a step in a choice group of
another track, a value that fails validation, a prerequisite loop) raises
``ContentImportError`` with readable messages, and the whole import is
rolled back. ``import_content(..., preview=True)`` does the whole import
and rolls it back: its result lists what would be added, changed and removed,
for the admin to show before the editor confirms.

Only content is accepted: a file naming users, enrollments or progress is
refused, and so is a person's own checklist item (one with an owner), which
is private and never moves between environments. ``import_content(...,
mirror=False)`` creates and updates without deleting anything: the seed's
``seed_content --update`` loads that way.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, cast

from django.core import serializers
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.serializers.base import DeserializationError
from django.db import DatabaseError, models, transaction

from .models import CareerLevel, CareerTrack, ChecklistItem, ChoiceGroup, LadderStep, Milestone, Resource

TRACK = "tracker.careertrack"
LEVEL = "tracker.careerlevel"
GROUP = "tracker.choicegroup"
MILESTONE = "tracker.milestone"
RESOURCE = "tracker.resource"
ITEM = "tracker.checklistitem"
STEP = "tracker.ladderstep"

#: Models an import may contain, in the order they are written.
CONTENT_MODELS: dict[str, type[models.Model]] = {
    TRACK: CareerTrack,
    LEVEL: CareerLevel,
    GROUP: ChoiceGroup,
    MILESTONE: Milestone,
    RESOURCE: Resource,
    ITEM: ChecklistItem,
    STEP: LadderStep,
}

#: The models whose rows an import deletes when the file no longer lists them.
MIRRORED = (LEVEL, GROUP, RESOURCE, ITEM, STEP)
MIRRORED_MODELS: tuple[type[models.Model], ...] = tuple(CONTENT_MODELS[label] for label in MIRRORED)

_NAMES = {
    TRACK: "track",
    LEVEL: "career level",
    GROUP: "choice group",
    MILESTONE: "milestone",
    RESOURCE: "resource",
    ITEM: "checklist item",
    STEP: "ladder step",
}
_WRITE_ORDER = {label: i for i, label in enumerate(CONTENT_MODELS)}

# Fields never compared nor trusted from a file: ids differ between
# databases, and the time stamps say when this database wrote a row.
# A row's version (``Versioned``) is this database's count of its writes, like
# its timestamps: never carried between environments, nor compared.
_IGNORED_FIELDS = frozenset({"id", "created_at", "updated_at", "version"})


class ContentImportError(Exception):
    """The file cannot be imported; ``messages`` says why, one problem each."""

    def __init__(self, messages: str | Iterable[str]) -> None:
        self.messages = [messages] if isinstance(messages, str) else list(messages)
        super().__init__(" ".join(self.messages))


ADDED, CHANGED, REMOVED = "added", "changed", "removed"


@dataclass(frozen=True)
class Change:
    """One row an import adds, changes or removes: its kind (verbose name) and what it is."""

    action: str  # ADDED, CHANGED or REMOVED
    kind: str
    label: str
    fields: tuple[str, ...] = ()  # a change's fields, by verbose name


@dataclass
class ImportResult:
    """What an import did (or, previewed, would do), counted per model (verbose plural names) and row by row."""

    tracks: list[str] = field(default_factory=list)
    created: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    deleted: Counter[str] = field(default_factory=Counter)
    unchanged: int = 0
    changes: list[Change] = field(default_factory=list)

    def of(self, action: str) -> list[Change]:
        """The rows added, changed or removed, in the order written."""
        return [c for c in self.changes if c.action == action]

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.deleted)

    def summary(self) -> str:
        """One sentence for the admin, e.g. 'Imported data-engineer: created 3 milestones; 12 unchanged.'"""
        parts = []
        for verb, counts in (("created", self.created), ("updated", self.updated), ("deleted", self.deleted)):
            if counts:
                parts.append(f"{verb} " + ", ".join(f"{n} {name}" for name, n in sorted(counts.items())))
        if not self.changed:
            parts.append("nothing changed")
        if self.unchanged:
            parts.append(f"{self.unchanged} unchanged")
        tracks = ", ".join(self.tracks) or "no track"
        return f"Imported {tracks}: " + "; ".join(parts) + "."


# --------------------------------------------------------------------------
# Export
# --------------------------------------------------------------------------


def export_track(track: CareerTrack) -> str:
    """The JSON export of one track's content (see the module docstring)."""
    return export_tracks([track])


def export_tracks(tracks: Iterable[CareerTrack]) -> str:
    """The JSON export of several tracks' content in one file."""
    track_ids = {t.pk for t in tracks}
    track_rows = sorted(
        CareerTrack.objects.filter(pk__in=track_ids).select_related("parent"),
        # A parent exported alongside its specialisation must be loaded first.
        key=lambda t: (t.parent_id in track_ids, t.slug),
    )
    levels = list(
        CareerLevel.objects.filter(track__in=track_ids).select_related("track").order_by("track__slug", "order", "slug")
    )
    groups = list(
        ChoiceGroup.objects.filter(track__in=track_ids).select_related("track").order_by("track__slug", "slug")
    )
    steps = list(
        LadderStep.objects.filter(track__in=track_ids)
        .select_related("track", "milestone", "level__track", "choice_group__track")
        .order_by("track__slug", "order", "milestone__slug")
    )
    milestone_ids = _with_prerequisites({s.milestone_id for s in steps})
    milestones = list(
        Milestone.objects.filter(pk__in=milestone_ids)
        .prefetch_related(models.Prefetch("prerequisites", queryset=Milestone.objects.order_by("slug")))
        .order_by("slug")
    )
    resources = list(
        Resource.objects.filter(milestone__in=milestone_ids)
        .select_related("milestone")
        .order_by("milestone__slug", "order", "url")
    )
    # The editors' items only: a person's own items are private, and items
    # taken out of use are not content any more.
    items = list(
        ChecklistItem.objects.defaults()
        .filter(milestone__in=milestone_ids, removed_at__isnull=True)
        .select_related("milestone")
        .order_by("milestone__slug", "order", "slug")
    )
    return serializers.serialize(
        "json",
        [*track_rows, *levels, *groups, *milestones, *resources, *items, *steps],
        indent=2,
        use_natural_foreign_keys=True,
        use_natural_primary_keys=True,
    )


def _with_prerequisites(milestone_ids: set[int]) -> set[int]:
    """``milestone_ids`` and every milestone they need or point to as successor, transitively."""
    edges = Milestone.objects.prerequisite_edges()
    for milestone_id, successor_id in Milestone.objects.filter(successor__isnull=False).values_list(
        "pk", "successor_id"
    ):
        edges.setdefault(milestone_id, []).append(successor_id)
    seen = set(milestone_ids)
    queue = list(milestone_ids)
    while queue:
        for nxt in edges.get(queue.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return seen


# --------------------------------------------------------------------------
# Import
# --------------------------------------------------------------------------


def import_content(text: str | bytes, *, mirror: bool = True, preview: bool = False) -> ImportResult:
    """Create or update the content in ``text`` (an export) in one transaction.

    With ``mirror`` (the admin's import), rows of the imported tracks and
    milestones that the file no longer lists are deleted; without it nothing
    is deleted. With ``preview`` everything is done and then rolled back: the
    result says what an import would do (the same checks, the same writes).
    Raises ``ContentImportError`` and changes nothing if anything is wrong.
    """
    entries = _parse(text)
    _check_references(entries)
    successors = {
        e.key: tuple(e.fields["successor"]) for e in entries if e.model == MILESTONE and e.fields.get("successor")
    }
    entries.sort(key=lambda e: _write_key(e, successors))
    try:
        with transaction.atomic():
            result = _write(entries, mirror=mirror)
            if preview:
                transaction.set_rollback(True)
            return result
    except ContentImportError:
        raise
    except (ValidationError, DeserializationError, ObjectDoesNotExist, DatabaseError, ValueError, TypeError) as exc:
        # Anything the checks above did not foresee still ends as a message,
        # never as a server error; the atomic block has rolled back.
        raise ContentImportError(f"The content could not be imported: {_describe(exc)}") from exc


@dataclass
class _Entry:
    model: str
    fields: dict[str, Any]
    key: tuple[str, ...]
    index: int

    @property
    def label(self) -> str:
        return f"{_NAMES[self.model]} {'/'.join(self.key)!r} (object #{self.index + 1})"


def _parse(text: str | bytes) -> list[_Entry]:
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ContentImportError("The file is not UTF-8 text; upload the JSON file an export produced.") from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ContentImportError(
            f"The file is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}."
        ) from exc
    except RecursionError as exc:
        raise ContentImportError("The file's JSON is nested far too deeply to be an export.") from exc
    if not isinstance(data, list):
        raise ContentImportError("The file must hold a JSON list of objects, as an export produces.")
    if not data:
        raise ContentImportError("The file holds no objects to import.")

    errors: list[str] = []
    entries: list[_Entry] = []
    seen: dict[tuple[str, tuple[str, ...]], int] = {}
    for index, raw in enumerate(data):
        where = f"Object #{index + 1}"
        if not isinstance(raw, dict) or not isinstance(raw.get("fields"), dict):
            errors.append(f'{where} is not an object with a "model" and "fields".')
            continue
        model = raw.get("model")
        if not isinstance(model, str) or model.lower() not in CONTENT_MODELS:
            allowed = ", ".join(CONTENT_MODELS)
            errors.append(f"{where} has model {model!r}; only content can be imported ({allowed}).")
            continue
        model = model.lower()
        fields = dict(raw["fields"])
        problems = _check_fields(model, fields)
        if problems:
            errors.extend(f"{where} ({model}): {p}" for p in problems)
            continue
        key = _natural_key(model, fields)
        if (model, key) in seen:
            errors.append(f"{where} repeats {model} {'/'.join(key)!r} (already object #{seen[(model, key)] + 1}).")
            continue
        seen[(model, key)] = index
        # Ids differ between databases: objects are matched by natural key only.
        entries.append(_Entry(model, fields, key, index))
    if errors:
        raise ContentImportError(errors)
    return entries


# Natural-key-shaped references each model's fields may hold: field -> (target, arity, required).
_REFERENCES: dict[str, dict[str, tuple[str, int, bool]]] = {
    TRACK: {"parent": (TRACK, 1, False)},
    LEVEL: {"track": (TRACK, 1, True)},
    GROUP: {"track": (TRACK, 1, True)},
    MILESTONE: {"successor": (MILESTONE, 1, False)},
    RESOURCE: {"milestone": (MILESTONE, 1, True)},
    ITEM: {"milestone": (MILESTONE, 1, True)},
    STEP: {
        "track": (TRACK, 1, True),
        "milestone": (MILESTONE, 1, True),
        "level": (LEVEL, 2, False),
        "choice_group": (GROUP, 2, False),
    },
}
_KEY_FIELDS = {
    TRACK: ("slug",),
    LEVEL: ("track", "slug"),
    GROUP: ("track", "slug"),
    MILESTONE: ("slug",),
    RESOURCE: ("milestone", "url"),
    ITEM: ("milestone", "slug"),
    STEP: ("track", "milestone"),
}


def _is_key(value: Any, arity: int) -> bool:
    return isinstance(value, list) and len(value) == arity and all(isinstance(v, str) and v for v in value)


def _check_fields(model: str, fields: dict[str, Any]) -> list[str]:
    opts = CONTENT_MODELS[model]._meta
    known = {f.name for f in opts.get_fields() if f.concrete and not f.auto_created}
    problems = [f"unknown field {name!r}." for name in fields if name not in known]
    for name, (target, arity, required) in _REFERENCES[model].items():
        value = fields.get(name)
        if value is None and not required:
            continue
        if not _is_key(value, arity):
            example = '["data-engineer"]' if arity == 1 else '["data-engineer", "junior"]'
            problems.append(f"{name!r} must name the {target.split('.')[1]} by its natural key, like {example}.")
    for name in _KEY_FIELDS[model]:
        if name not in _REFERENCES[model] and not (isinstance(fields.get(name), str) and fields[name]):
            problems.append(f"{name!r} is required and must be a non-empty string.")
    if model == MILESTONE:
        prerequisites = fields.get("prerequisites", [])
        if not isinstance(prerequisites, list) or not all(_is_key(p, 1) for p in prerequisites):
            problems.append('"prerequisites" must be a list of milestone natural keys, like [["python-basics"]].')
    if model in (TRACK, MILESTONE) and fields.get("owner") is not None:
        problems.append(
            "it belongs to a person (its 'owner' is set): a plan of one's own and a personal milestone are "
            "private and never imported."
        )
    if model == ITEM:
        if fields.get("owner") is not None:
            problems.append(
                "it is a person's own checklist item (its 'owner' is set): those are private and never imported; "
                "only the editors' items (owner null) are content."
            )
        if fields.get("removed_at") is not None:
            problems.append("it is a removed checklist item ('removed_at' is set): leave it out of the file.")
    return problems


def _natural_key(model: str, fields: dict[str, Any]) -> tuple[str, ...]:
    key: list[str] = []
    for name in _KEY_FIELDS[model]:
        value = fields[name]
        key.extend(value if isinstance(value, list) else [value])
    return tuple(key)


def _check_references(entries: list[_Entry]) -> None:
    """Every referenced track, level and milestone is in the file or the database."""
    in_file: dict[str, set[tuple[str, ...]]] = {label: set() for label in CONTENT_MODELS}
    wanted: dict[str, set[tuple[str, ...]]] = {TRACK: set(), LEVEL: set(), GROUP: set(), MILESTONE: set()}
    for entry in entries:
        in_file[entry.model].add(entry.key)
        for target, key in _references_of(entry):
            wanted[target].add(key)

    missing = {target: keys - in_file[target] for target, keys in wanted.items()}
    existing: dict[str, set[tuple[str, ...]]] = {
        TRACK: {
            (s,)
            for s in CareerTrack.objects.filter(slug__in=[k[0] for k in missing[TRACK]]).values_list("slug", flat=True)
        },
        MILESTONE: {
            (s,)
            for s in Milestone.objects.filter(slug__in=[k[0] for k in missing[MILESTONE]]).values_list(
                "slug", flat=True
            )
        },
        LEVEL: set(
            CareerLevel.objects.filter(
                track__slug__in={k[0] for k in missing[LEVEL]}, slug__in={k[1] for k in missing[LEVEL]}
            ).values_list("track__slug", "slug")
        ),
        GROUP: set(
            ChoiceGroup.objects.filter(
                track__slug__in={k[0] for k in missing[GROUP]}, slug__in={k[1] for k in missing[GROUP]}
            ).values_list("track__slug", "slug")
        ),
    }
    errors = []
    for entry in entries:
        for target, key in _references_of(entry):
            if key not in in_file[target] and key not in existing[target]:
                errors.append(
                    f"The {entry.label} refers to {_NAMES[target]} {'/'.join(key)!r}, which is neither in the file "
                    f"nor in this database."
                )
        if entry.model == STEP and entry.fields.get("level") and entry.fields["level"][0] != entry.fields["track"][0]:
            errors.append(f"The {entry.label} uses a career level of another track: {entry.fields['level']}.")
        group = entry.fields.get("choice_group") if entry.model == STEP else None
        if group and group[0] != entry.fields["track"][0]:
            errors.append(
                f"The {entry.label} is put in choice group {'/'.join(group)!r} of another track; "
                f"a step's group must belong to the step's own track ({entry.fields['track'][0]!r})."
            )
    if errors:
        raise ContentImportError(errors)


def _references_of(entry: _Entry) -> Iterable[tuple[str, tuple[str, ...]]]:
    for name, (target, _arity, _required) in _REFERENCES[entry.model].items():
        value = entry.fields.get(name)
        if value is not None:
            yield target, tuple(value)
    if entry.model == MILESTONE:
        for prerequisite in entry.fields.get("prerequisites", []):
            yield MILESTONE, tuple(prerequisite)


def _write_key(entry: _Entry, successors: dict[tuple[str, ...], tuple[str, ...]]) -> tuple[int, int, int]:
    # A track whose parent is in the file goes after the parent, and a
    # retired milestone after its successor (after the successor's own, and so on).
    nested = 1 if entry.model == TRACK and entry.fields.get("parent") else 0
    if entry.model == MILESTONE:
        seen, key = {entry.key}, entry.key
        while key in successors and successors[key] not in seen:
            key = successors[key]
            seen.add(key)
        nested = len(seen) - 1
    return (_WRITE_ORDER[entry.model], nested, entry.index)


def _write(entries: list[_Entry], *, mirror: bool) -> ImportResult:
    result = ImportResult(tracks=[e.key[0] for e in entries if e.model == TRACK])
    saved: dict[tuple[str, tuple[str, ...]], models.Model] = {}
    written_milestones: set[int] = set()
    prerequisites: dict[tuple[str, ...], list[tuple[str, ...]]] = {}
    payload = []
    for entry in entries:
        fields = {k: v for k, v in entry.fields.items() if k not in _IGNORED_FIELDS}
        if entry.model == MILESTONE:
            prerequisites[entry.key] = [tuple(p) for p in fields.pop("prerequisites", [])]
        payload.append({"model": entry.model, "fields": fields})

    objects = iter(serializers.deserialize("python", payload, ignorenonexistent=False))
    for entry in entries:
        try:
            instance = next(objects).object
            # Found by natural key: validate (uniqueness) as the stored row.
            instance._state.adding = instance.pk is None
            instance.full_clean()
        except ValidationError as exc:
            raise ContentImportError(f"The {entry.label} is invalid: {_describe(exc)}") from exc
        except DeserializationError as exc:
            raise ContentImportError(f"The {entry.label} has a bad value: {_describe(exc)}") from exc
        name = str(instance._meta.verbose_name_plural)
        kind = str(instance._meta.verbose_name)
        if instance.pk is None:
            instance.save()
            result.created[name] += 1
            result.changes.append(Change(ADDED, kind, str(instance)))
        else:
            differs = _changed_fields(instance)
            if not differs:
                result.unchanged += 1
                saved[(entry.model, entry.key)] = instance
                continue
            # The stored row's creation time stays: the file does not carry it.
            instance.save(update_fields=_updatable_fields(instance))
            result.updated[name] += 1
            result.changes.append(Change(CHANGED, kind, str(instance), differs))
        if entry.model == MILESTONE:
            written_milestones.add(instance.pk)
        saved[(entry.model, entry.key)] = instance

    _write_prerequisites(saved, prerequisites, written_milestones, result)
    if mirror:
        _delete_missing(saved, result)
    return result


def _updatable_fields(instance: models.Model) -> list[str]:
    return [
        f.name for f in instance._meta.concrete_fields if not f.primary_key and not getattr(f, "auto_now_add", False)
    ]


def _concrete_values(instance: models.Model) -> dict[str, Any]:
    return {
        f.attname: getattr(instance, f.attname)
        for f in instance._meta.concrete_fields
        if f.attname not in _IGNORED_FIELDS
    }


def _changed_fields(instance: models.Model) -> tuple[str, ...]:
    """The fields (verbose names) in which ``instance`` differs from its stored row; empty when equal."""
    values = _concrete_values(instance)
    stored = type(instance)._default_manager.filter(pk=instance.pk).values(*values).first() or {}
    names = {f.attname: str(f.verbose_name) for f in instance._meta.concrete_fields}
    return tuple(names[attname] for attname, value in values.items() if stored.get(attname) != value)


def _write_prerequisites(
    saved: dict[tuple[str, tuple[str, ...]], models.Model],
    wanted: dict[tuple[str, ...], list[tuple[str, ...]]],
    written: set[int],
    result: ImportResult,
) -> None:
    """Make each imported milestone's prerequisites exactly those of the file.

    Every stale edge is removed before any new one is added, so reordering a
    chain does not look like a loop half-way through.
    """
    slugs = {key[0] for keys in wanted.values() for key in keys}
    ids = dict(Milestone.objects.filter(slug__in=slugs).values_list("slug", "pk"))
    milestones = {key: cast(Milestone, saved[(MILESTONE, key)]) for key in wanted}
    edges = Milestone.objects.filter(pk__in=[m.pk for m in milestones.values()]).prerequisite_edges()
    current = {m.pk: set(edges.get(m.pk, ())) for m in milestones.values()}
    target = {m.pk: {ids[k[0]] for k in wanted[key]} for key, m in milestones.items()}

    changed = [m for m in milestones.values() if current[m.pk] != target[m.pk]]
    for milestone in changed:
        stale = current[milestone.pk] - target[milestone.pk]
        if stale:
            milestone.prerequisites.remove(*stale)
    for milestone in changed:
        new = target[milestone.pk] - current[milestone.pk]
        if new:
            try:
                milestone.prerequisites.add(*new)
            except ValidationError as exc:
                raise ContentImportError(
                    f"The prerequisites of milestone {milestone.slug!r} are refused: {_describe(exc)}"
                ) from exc
        milestone.save(update_fields=["updated_at"])
    # A milestone written as unchanged whose prerequisites changed is an update.
    name = str(Milestone._meta.verbose_name_plural)
    for milestone in changed:
        if milestone.pk not in written:
            written.add(milestone.pk)
            result.unchanged -= 1
            result.updated[name] += 1
            result.changes.append(
                Change(CHANGED, str(Milestone._meta.verbose_name), str(milestone), ("prerequisites",))
            )


def _delete_missing(saved: dict[tuple[str, tuple[str, ...]], models.Model], result: ImportResult) -> None:
    """Delete levels, groups, steps, resources and default checklist items of imported objects the file no longer lists.

    A person's own checklist items are never among them: they are not content.
    """
    track_ids = [obj.pk for (model, _k), obj in saved.items() if model == TRACK]
    milestone_ids = [obj.pk for (model, _k), obj in saved.items() if model == MILESTONE]
    kept = {model: [obj.pk for (m, _k), obj in saved.items() if m == model] for model in MIRRORED}
    # A step may name a level or a group only the database has: keep those too.
    steps = [cast(LadderStep, obj) for (m, _k), obj in saved.items() if m == STEP]
    kept[LEVEL] += [step.level_id for step in steps if step.level_id]
    kept[GROUP] += [step.choice_group_id for step in steps if step.choice_group_id]
    stale: list[tuple[type[models.Model], models.QuerySet[Any]]] = [
        (LadderStep, LadderStep.objects.filter(track__in=track_ids).exclude(pk__in=kept[STEP])),
        (CareerLevel, CareerLevel.objects.filter(track__in=track_ids).exclude(pk__in=kept[LEVEL])),
        (ChoiceGroup, ChoiceGroup.objects.filter(track__in=track_ids).exclude(pk__in=kept[GROUP])),
        (Resource, Resource.objects.filter(milestone__in=milestone_ids).exclude(pk__in=kept[RESOURCE])),
        (
            ChecklistItem,
            ChecklistItem.objects.defaults().filter(milestone__in=milestone_ids).exclude(pk__in=kept[ITEM]),
        ),
    ]
    for model, queryset in stale:
        rows = list(queryset.select_related())
        if rows:
            kind = str(model._meta.verbose_name)
            result.changes += [Change(REMOVED, kind, str(row)) for row in rows]
            queryset.delete()
            result.deleted[str(model._meta.verbose_name_plural)] += len(rows)


def _describe(exc: BaseException) -> str:
    """A readable account of ``exc``, without the serializer's internals."""
    if isinstance(exc, DeserializationError) and exc.__cause__ is not None:
        return _describe(exc.__cause__)
    if isinstance(exc, ValidationError):
        if hasattr(exc, "error_dict"):
            return "; ".join(
                f"{name}: {' '.join(messages)}" if name != "__all__" else " ".join(messages)
                for name, messages in exc.message_dict.items()
            )
        return " ".join(exc.messages)
    return str(exc)
