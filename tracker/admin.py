"""The Django admin for CareerPlan's content and, read-only, users' plans.

Content (tracks, levels, milestones, resources, ladder steps) is edited by the
"Content editors" group; enrollments, progress and history are shown to the
"Support staff" group and are never editable here, not even by a superuser:
they change only through the product, which keeps their invariants (history
rows, prerequisite checks). Both groups are made by migration 0002.

A track's choice groups and a milestone's default checklist items are edited
inline, as parts of their track and milestone, under that track's or
milestone's permissions. People's own checklist items are private and never
shown here.
"""

from __future__ import annotations

import hashlib
from functools import cached_property
from typing import Any

from adminsortable2.admin import CustomInlineFormSet as SortableInlineFormSet
from adminsortable2.admin import SortableAdminBase, SortableStackedInline, SortableTabularInline
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.contrib.auth import get_permission_codename
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Count, F, Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import ngettext

from .content_io import (
    ADDED,
    CHANGED,
    CONTENT_MODELS,
    MIRRORED_MODELS,
    REMOVED,
    ContentImportError,
    export_tracks,
    import_content,
)
from .forms import DefaultChecklistItemForm, MilestoneAdminForm, TrackImportForm
from .models import (
    CareerLevel,
    CareerTrack,
    ChecklistItem,
    ChoiceGroup,
    Enrollment,
    LadderStep,
    Milestone,
    MilestoneProgress,
    ProgressEvent,
    Resource,
)

admin.site.site_header = "CareerPlan administration"
admin.site.site_title = "CareerPlan admin"

#: Apps that keep the site running rather than its content or its people's
#: plans: only superusers see them on the index and in the sidebar, even if a
#: group is given one of their permissions by mistake (an editor's index is
#: their content, not Celery's schedule or the API's token blacklist).
PLUMBING_APPS = frozenset({"django_celery_beat", "token_blacklist", "account", "mfa", "socialaccount", "auth", "sites"})
_full_app_list = admin.site.get_app_list


def _app_list_for(request: HttpRequest, app_label: str | None = None) -> list[dict[str, Any]]:
    """The admin's sections for this person: a superuser's all, anyone else's without the plumbing."""
    apps = _full_app_list(request, app_label)
    if getattr(request.user, "is_superuser", False):
        return apps
    return [app for app in apps if app["app_label"] not in PLUMBING_APPS]


#: The session key of an uploaded track file waiting for the editor to confirm its import.
PENDING_IMPORT = "tracker:pending-import"

# The default site is Django's own (careerplan/urls.py mounts admin.site); its
# index, app pages and sidebar all ask get_app_list, so one override serves all.
admin.site.get_app_list = _app_list_for  # type: ignore[method-assign]


def track_filter(lookup: str) -> type[admin.SimpleListFilter]:
    """A "track" filter on ``lookup`` (a path to a CareerTrack), by slug."""

    class TrackFilter(admin.SimpleListFilter):
        title = "track"
        parameter_name = "track"

        def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
            return list(CareerTrack.objects.catalogue().order_by("order", "name").values_list("slug", "name"))

        def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
            if self.value():
                # Each milestone is listed at most once per track, so a
                # lookup through steps cannot duplicate rows.
                return queryset.filter(**{f"{lookup}__slug": self.value()})
            return queryset

    return TrackFilter


class PartInline(admin.options.InlineModelAdmin):
    """Rows that are part of the object they are edited in: editing them is editing that object.

    A track's choice groups and a milestone's default checklist items go by
    the track's or milestone's permissions: the "Content editors" group
    (migration 0002) was given its permissions before these models existed.
    """

    def _may(self, request: HttpRequest, action: str) -> bool:
        opts = self.parent_model._meta
        return request.user.has_perm(f"{opts.app_label}.{get_permission_codename(action, opts)}")

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may(request, "view") or self._may(request, "change")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may(request, "change")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may(request, "change")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may(request, "change")


#: Content written as part of another model, under that model's permissions (``PartInline``).
CONTENT_PARTS: dict[type[models.Model], type[models.Model]] = {ChoiceGroup: CareerTrack, ChecklistItem: Milestone}


# --------------------------------------------------------------------------
# Tracks, with their levels and ladder steps
# --------------------------------------------------------------------------


class CareerLevelInline(SortableStackedInline):
    """A track's career levels, stacked (nine fields make too wide a table), ordered by drag and drop."""

    model = CareerLevel
    extra = 0
    ordering = ("order", "id")
    prepopulated_fields = {"slug": ("title",)}
    fields = (
        ("title", "slug"),
        "summary",
        ("salary_min", "salary_max", "salary_currency"),
        ("salary_source", "salary_year"),
    )
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 60})}}

    def get_queryset(self, request: HttpRequest) -> QuerySet[CareerLevel]:
        return super().get_queryset(request).select_related("track")


class ChoiceGroupInline(PartInline, admin.StackedInline):
    """A track's groups of alternatives; stacked, as each has a paragraph of advice on choosing."""

    model = ChoiceGroup
    extra = 0
    ordering = ("slug",)
    prepopulated_fields = {"slug": ("title",)}
    fields = (("title", "slug", "needs"), "description", "members")
    readonly_fields = ("members",)
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 4, "cols": 90})}}
    verbose_name = "choice group"
    verbose_name_plural = "choice groups (alternatives: a person needs some of a group's steps, not all)"

    def get_queryset(self, request: HttpRequest) -> QuerySet[ChoiceGroup]:
        steps = LadderStep.objects.select_related("milestone").order_by("order", "id")
        return super().get_queryset(request).select_related("track").prefetch_related(Prefetch("steps", steps))

    @admin.display(description="steps in the group")
    def members(self, group: ChoiceGroup) -> str:
        """Set in the ladder steps below ("Choice group" column)."""
        if group.pk is None:
            return ""
        titles = [step.milestone.title for step in group.steps.all()]
        return "; ".join(titles) if titles else "None yet: choose this group for some ladder steps below."


class LadderStepFormSet(SortableInlineFormSet):
    """Steps of one track: the level and choice-group menus offer only that track's own.

    The choices are read once for the whole formset rather than once per row.
    A group added in the same save is offered once the track is saved.
    """

    @cached_property
    def level_queryset(self) -> QuerySet[CareerLevel]:
        if self.instance is None or self.instance.pk is None:
            return CareerLevel.objects.none()
        return CareerLevel.objects.filter(track=self.instance).order_by("order", "id")

    @cached_property
    def group_queryset(self) -> QuerySet[ChoiceGroup]:
        if self.instance is None or self.instance.pk is None:
            return ChoiceGroup.objects.none()
        return ChoiceGroup.objects.filter(track=self.instance).order_by("title", "id")

    @cached_property
    def choices(self) -> dict[str, tuple[QuerySet[Any], list[tuple[Any, str]]]]:
        blank = ("", "---------")
        return {
            "level": (self.level_queryset, [blank, *((lv.pk, lv.title) for lv in self.level_queryset)]),
            "choice_group": (self.group_queryset, [blank, *((g.pk, g.title) for g in self.group_queryset)]),
        }

    def add_fields(self, form: forms.ModelForm, index: int | None) -> None:
        super().add_fields(form, index)
        for name, (queryset, choices) in self.choices.items():
            field = form.fields.get(name)
            if field is None:  # a view-only user's form has no editable fields
                continue
            field.queryset = queryset  # type: ignore[attr-defined]
            widget = field.widget
            if isinstance(widget, RelatedFieldWidgetWrapper):
                widget = widget.widget
            widget.choices = choices


class LadderStepInline(SortableTabularInline):
    """A track's ladder: three columns, dragged into order, grouped under their career levels.

    The rows come level by level (then in ladder order), and a dragged row is
    numbered by where it is dropped, so saving keeps each level's steps
    together. ``static/js/admin-ladder.js`` heads each level's rows with its
    name and moves a step dropped under another heading into that level.
    """

    model = LadderStep
    formset = LadderStepFormSet
    template = "admin/tracker/ladder_steps_inline.html"
    extra = 0
    # The order field adminsortable2 drags (the first of ``ordering``).
    ordering = ("order", "id")
    fields = ("milestone", "level", "choice_group")
    autocomplete_fields = ["milestone"]
    verbose_name_plural = "ladder steps (drag a row by its handle to reorder; grouped by career level)"

    def get_queryset(self, request: HttpRequest) -> QuerySet[LadderStep]:
        steps = super().get_queryset(request).select_related("track", "milestone", "level", "choice_group")
        return steps.order_by(F("level__order").asc(nulls_first=True), "order", "id")


@admin.register(CareerTrack)
class CareerTrackAdmin(SortableAdminBase, admin.ModelAdmin):
    list_display = ("name", "slug", "parent", "is_published", "order", "step_count", "updated_at")
    list_display_links = ("name",)
    list_editable = ("order",)
    list_filter = ("is_published", ("parent", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("parent",)
    # Explicit: Meta.ordering is not applied to the annotated (GROUP BY) queryset.
    ordering = ("order", "name")
    search_fields = ("name", "slug", "summary")
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = ("updated_at",)
    fieldsets = (
        (None, {"fields": ("name", "slug", "parent", "is_published", "order")}),
        ("Description", {"fields": ("summary", "work_product", "produces", "tools")}),
        ("Place on the map of roles", {"fields": ("se_skill", "ml_knowledge", "communication_weight")}),
        (None, {"fields": ("updated_at",)}),
    )
    inlines = (CareerLevelInline, ChoiceGroupInline, LadderStepInline)
    actions = ("publish", "unpublish", "export_json")

    class Media:
        # The track editor fitted to the screen, and the ladder's level headings (both under the CSP: files only).
        css = {"all": ("css/admin-track.css",)}
        js = ("js/admin-ladder.js",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[CareerTrack]:
        # People's plans of their own live on private tracks: theirs, not content to edit.
        return super().get_queryset(request).filter(owner__isnull=True).annotate(step_count=Count("steps"))

    @admin.display(description="steps", ordering="step_count")
    def step_count(self, track: CareerTrack) -> int:
        return track.step_count  # type: ignore[attr-defined]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "parent":
            # Specialisations nest one level deep: only top-level tracks can be parents.
            kwargs["queryset"] = CareerTrack.objects.catalogue().filter(parent=None)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    # --- actions ----------------------------------------------------------

    @admin.action(description="Publish selected tracks", permissions=["change"])
    def publish(self, request: HttpRequest, queryset: QuerySet[CareerTrack]) -> None:
        self._set_published(request, queryset, True)

    @admin.action(description="Unpublish selected tracks", permissions=["change"])
    def unpublish(self, request: HttpRequest, queryset: QuerySet[CareerTrack]) -> None:
        self._set_published(request, queryset, False)

    def _set_published(self, request: HttpRequest, queryset: QuerySet[CareerTrack], value: bool) -> None:
        changed = queryset.set_published(value)  # type: ignore[attr-defined]
        verb = "published" if value else "unpublished"
        message = ngettext("%(n)d track %(verb)s.", "%(n)d tracks %(verb)s.", changed) % {"n": changed, "verb": verb}
        unchanged = queryset.count() - changed
        if unchanged:
            message += " " + ngettext("%(n)d was already %(verb)s.", "%(n)d were already %(verb)s.", unchanged) % {
                "n": unchanged,
                "verb": verb,
            }
        self.message_user(request, message, messages.SUCCESS)

    @admin.action(description="Export content as JSON", permissions=["view"])
    def export_json(self, request: HttpRequest, queryset: QuerySet[CareerTrack]) -> HttpResponse:
        """Download the selected tracks' content; several tracks go in one file."""
        tracks = list(queryset.order_by("slug"))
        if len(tracks) == 1:
            filename = f"careerplan-track-{tracks[0].slug}.json"
        else:
            filename = f"careerplan-{len(tracks)}-tracks-{timezone.localdate():%Y%m%d}.json"
        response = HttpResponse(export_tracks(tracks), content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    # --- import -----------------------------------------------------------

    def get_urls(self) -> list[URLPattern]:
        opts = self.model._meta
        urls = [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name=f"{opts.app_label}_{opts.model_name}_import",
            ),
        ]
        return urls + super().get_urls()

    def has_import_permission(self, request: HttpRequest) -> bool:
        """Import writes every content model and removes stale rows of some.

        Choice groups and default checklist items are written as parts of
        their track and milestone, whose add and change permissions it needs
        anyway (``PartInline``).
        """
        perms = []
        for model in CONTENT_MODELS.values():
            if model in CONTENT_PARTS:
                continue
            actions = ["add", "change"] + (["delete"] if model in MIRRORED_MODELS else [])
            perms += [f"{model._meta.app_label}.{action}_{model._meta.model_name}" for action in actions]
        return request.user.has_perms(perms)

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        extra_context = {**(extra_context or {}), "has_import_permission": self.has_import_permission(request)}
        return super().changelist_view(request, extra_context)

    def import_view(self, request: HttpRequest) -> HttpResponse:
        """Upload a file, see what it would add, change and remove, then confirm (or cancel).

        The uploaded text waits in the session between the two steps (a file
        may be larger than a form field may carry), named by its SHA-256, which
        the confirm form sends back: what is applied is exactly what was shown.
        """
        if not self.has_import_permission(request):
            raise PermissionDenied
        if request.method == "POST" and "_confirm" in request.POST:
            return self._apply_import(request)
        form = TrackImportForm(request.POST, request.FILES) if request.method == "POST" else TrackImportForm()
        if form.is_bound and form.is_valid():
            content = form.cleaned_data["file"].read()
            try:
                preview = import_content(content, preview=True)
            except ContentImportError as exc:
                for message in exc.messages:
                    form.add_error(None, message)
            else:
                digest = hashlib.sha256(content).hexdigest()
                request.session[PENDING_IMPORT] = {"sha256": digest, "content": content.decode("utf-8")}
                return self._import_page(
                    request,
                    "admin/tracker/careertrack/import_preview.html",
                    title="Check the import",
                    preview=preview,
                    sections=[
                        (ADDED, "Added", preview.of(ADDED)),
                        (CHANGED, "Changed", preview.of(CHANGED)),
                        (REMOVED, "Removed", preview.of(REMOVED)),
                    ],
                    sha256=digest,
                    filename=form.cleaned_data["file"].name,
                )
        return self._import_page(request, "admin/tracker/careertrack/import_form.html", form=form)

    def _apply_import(self, request: HttpRequest) -> HttpResponse:
        pending = request.session.pop(PENDING_IMPORT, None)
        if not pending or pending.get("sha256") != request.POST.get("sha256"):
            self.message_user(request, "That preview is no longer current: upload the file again.", messages.WARNING)
            return HttpResponseRedirect(reverse("admin:tracker_careertrack_import"))
        try:
            result = import_content(pending["content"])
        except ContentImportError as exc:
            # The content changed between the preview and the confirmation (another editor's save).
            form = TrackImportForm()
            for message in exc.messages:
                form.add_error(None, message)
            return self._import_page(request, "admin/tracker/careertrack/import_form.html", form=form)
        if result.changed:
            for track in CareerTrack.objects.filter(slug__in=result.tracks):
                self.log_change(request, track, result.summary())
        self.message_user(request, result.summary(), messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:tracker_careertrack_changelist"))

    def _import_page(self, request: HttpRequest, template: str, **context: Any) -> TemplateResponse:
        form = context.get("form")
        context = {
            **self.admin_site.each_context(request),
            "title": "Import track content",
            "subtitle": None,
            "opts": self.model._meta,
            "media": self.media + (form.media if form is not None else forms.Media()),
            **context,
        }
        return TemplateResponse(request, template, context)


# --------------------------------------------------------------------------
# The milestone catalogue
# --------------------------------------------------------------------------


class ResourceInline(admin.TabularInline):
    model = Resource
    extra = 0
    ordering = ("order", "id")
    fields = ("order", "title", "url")
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


class DefaultChecklistFormSet(forms.BaseInlineFormSet):
    """A milestone's default checklist: two items of one save may not share a slug."""

    def clean(self) -> None:
        super().clean()
        seen: set[str] = set()
        for form in self.forms:
            if not form.has_changed() and form.instance.pk is None:
                continue
            if self.can_delete and form.cleaned_data.get("DELETE"):
                continue
            slug = form.cleaned_data.get("slug")
            if slug in seen:
                raise ValidationError(
                    "Two checklist items use the slug “%(slug)s”; give each item of a milestone its own.",
                    params={"slug": slug},
                    code="duplicate_slug",
                )
            if slug:
                seen.add(slug)


class DefaultChecklistItemInline(PartInline, admin.TabularInline):
    """The editors' checklist of a milestone; people's own items are never listed (nor editable) here."""

    model = ChecklistItem
    form = DefaultChecklistItemForm
    formset = DefaultChecklistFormSet
    extra = 0
    ordering = ("order", "id")
    fields = ("order", "title", "slug")
    prepopulated_fields = {"slug": ("title",)}
    verbose_name = "default checklist item"
    verbose_name_plural = "default checklist (every plan with this milestone shows it)"

    def get_queryset(self, request: HttpRequest) -> QuerySet[ChecklistItem]:
        return ChecklistItem.objects.defaults().select_related("milestone").order_by("order", "id")


@admin.register(Milestone)
class MilestoneAdmin(admin.ModelAdmin):
    form = MilestoneAdminForm
    list_display = ("title", "slug", "category", "is_active", "effort_weeks", "valid_for_months", "track_count")
    list_filter = ("category", "is_active", track_filter("steps__track"))
    search_fields = ("title", "slug", "description")
    # Explicit: Meta.ordering is not applied to the annotated (GROUP BY) queryset.
    ordering = ("title",)
    prepopulated_fields = {"slug": ("title",)}
    autocomplete_fields = ["prerequisites"]
    readonly_fields = ("updated_at",)
    fields = (
        "title",
        "slug",
        "category",
        "description",
        "prerequisites",
        "effort_weeks",
        "valid_for_months",
        "is_active",
        "updated_at",
    )
    inlines = (ResourceInline, DefaultChecklistItemInline)
    actions = ("activate", "deactivate")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Milestone]:
        # People's personal milestones are private to them (and so out of the
        # prerequisite and ladder autocompletes, which search through here).
        return super().get_queryset(request).filter(owner__isnull=True).annotate(track_count=Count("steps"))

    @admin.display(description="tracks", ordering="track_count")
    def track_count(self, milestone: Milestone) -> int:
        return milestone.track_count  # type: ignore[attr-defined]

    @admin.action(description="Activate selected milestones", permissions=["change"])
    def activate(self, request: HttpRequest, queryset: QuerySet[Milestone]) -> None:
        self._set_active(request, queryset, True)

    @admin.action(description="Deactivate (hide) selected milestones", permissions=["change"])
    def deactivate(self, request: HttpRequest, queryset: QuerySet[Milestone]) -> None:
        self._set_active(request, queryset, False)

    def _set_active(self, request: HttpRequest, queryset: QuerySet[Milestone], value: bool) -> None:
        changed = queryset.set_active(value)  # type: ignore[attr-defined]
        verb = "activated" if value else "deactivated"
        self.message_user(
            request,
            ngettext("%(n)d milestone %(verb)s.", "%(n)d milestones %(verb)s.", changed) % {"n": changed, "verb": verb},
            messages.SUCCESS,
        )


# --------------------------------------------------------------------------
# Users' plans: read-only, for support
# --------------------------------------------------------------------------


class ReadOnlyAdmin(admin.ModelAdmin):
    """Viewing only, for everyone: plans change through the product alone."""

    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Enrollment)
class EnrollmentAdmin(ReadOnlyAdmin):
    list_display = ("user", "track", "status", "started_at", "target_date", "completed_at", "is_shared")
    list_select_related = ("user", "track")
    list_filter = ("status", track_filter("track"))
    search_fields = ("user__email", "user__display_name")
    # The share token is a secret that opens the plan: never shown.
    fields = ("user", "track", "status", "started_at", "target_date", "completed_at", "is_shared", "updated_at")
    readonly_fields = ("is_shared", "updated_at")

    @admin.display(description="shared", boolean=True)
    def is_shared(self, enrollment: Enrollment) -> bool:
        return bool(enrollment.share_token)


@admin.register(MilestoneProgress)
class MilestoneProgressAdmin(ReadOnlyAdmin):
    list_display = ("user", "milestone", "status", "target_date", "started_at", "earned_on", "earned_in")
    list_select_related = ("user", "milestone", "earned_in")
    list_filter = ("status", track_filter("milestone__steps__track"), "milestone__category")
    search_fields = ("user__email", "user__display_name", "milestone__title")
    readonly_fields = ("created_at", "updated_at")


@admin.register(ProgressEvent)
class ProgressEventAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "user", "milestone", "track", "from_status", "to_status")
    list_select_related = ("user", "milestone", "track")
    list_filter = ("to_status", track_filter("track"))
    search_fields = ("user__email", "user__display_name", "milestone__title")
