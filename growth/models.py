"""Skill ratings (where a person stands) and company checks (where they might go).

A ``SkillRating`` is one dated set of 1-to-5 scores on the five skills the
seed articles name, given by the person themselves or by a mentor. Ratings
are history: rating again adds a row, so the map can draw the trail. The
levels' wording (``SKILL_LEVELS``) is fixed here so a 3 means the same to
everyone who rates.

A ``CompanyCheck`` is the seed article's three questions about an employer
(the data, more than one ML use case, ML as a must-have), each answered with
a note, and a verdict worked out from the answers (``CompanyCheck.verdict``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from accounts.models import User


class Skill(models.TextChoices):
    """The five skills of the seed articles, in the order the rating form asks them."""

    PROGRAMMING = "programming", "Programming"
    ML_ALGORITHMS = "ml_algorithms", "Machine-learning algorithms"
    DATA_MODELLING = "data_modelling", "Data modelling and evaluation"
    SOFTWARE_ENGINEERING = "software_engineering", "Software engineering"
    COMMUNICATION = "communication", "Communication and technical writing"


# What each level means, per skill: the same words for everyone who rates, so
# a person's 3 and their mentor's 3 can be compared.
SKILL_LEVELS: dict[str, tuple[str, str, str, str, str]] = {
    Skill.PROGRAMMING: (
        "I can read short scripts and change them with help.",
        "I write small scripts and notebooks on my own.",
        "I write clear, tested code in one language and use its libraries well.",
        "I write idiomatic, efficient code in more than one language and review others' code.",
        "I design libraries and tools others build on, and profile and tune them.",
    ),
    Skill.ML_ALGORITHMS: (
        "I know what supervised and unsupervised learning are.",
        "I can train standard models (linear, trees) with a library and read their results.",
        "I choose between model families for a problem and tune them deliberately.",
        "I understand the maths behind the models and adapt or combine them for new problems.",
        "I design new methods or reproduce current research and know where they break.",
    ),
    Skill.DATA_MODELLING: (
        "I can load a dataset and describe what is in it.",
        "I clean data, split it for training and testing and report an accuracy figure.",
        "I build features, pick metrics that fit the problem and avoid leakage.",
        "I design experiments and validation schemes and explain why a model is better.",
        "I set the evaluation standards a team relies on, offline and in production.",
    ),
    Skill.SOFTWARE_ENGINEERING: (
        "I use version control for my own work.",
        "I work in a shared codebase with reviews and simple tests.",
        "I ship features end to end: tests, packaging, CI and a deployment.",
        "I design services and pipelines that run reliably at scale and are monitored.",
        "I shape the architecture and engineering practices of several teams.",
    ),
    Skill.COMMUNICATION: (
        "I describe my own work to people who already know the topic.",
        "I write short reports and notes others can follow.",
        "I explain results and trade-offs to non-specialists, in writing and aloud.",
        "I write design documents and lead discussions that decide what gets built.",
        "I publish, teach or present so that people outside my team change what they do.",
    ),
}

SCALE = [MinValueValidator(1), MaxValueValidator(5)]


class RatedBy(models.TextChoices):
    SELF = "self", "Self-rating"
    MENTOR = "mentor", "Mentor's rating"


class SkillRatingQuerySet(models.QuerySet["SkillRating"]):
    def of(self, person: User) -> SkillRatingQuerySet:
        """Every rating of ``person`` (their own and their mentors'), newest first."""
        return self.filter(person=person).order_by("-rated_at", "-pk")

    def by_self(self) -> SkillRatingQuerySet:
        return self.filter(rated_by=RatedBy.SELF)

    def by_mentors(self) -> SkillRatingQuerySet:
        return self.filter(rated_by=RatedBy.MENTOR)


class SkillRatingManager(models.Manager["SkillRating"]):
    def record(
        self, person: User, rater: User, scores: Mapping[str, object], note: str = "", when: datetime | None = None
    ) -> SkillRating:
        """Record ``rater``'s rating of ``person``: a score from 1 to 5 for each of the five skills.

        ``rater`` is the person themselves or a mentor; whether a mentor may
        rate this person is the caller's rule (``mentoring``), this only
        records who rated. Raises ``ValidationError`` with a message per
        skill that is missing or out of range (nothing is saved then).
        """
        problems: dict[str, str] = {}
        clean: dict[str, int] = {}
        for skill in Skill.values:
            value = scores.get(skill)
            if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
                problems[skill] = _("Choose a level from 1 to 5.")
            else:
                clean[skill] = value
        unknown = sorted(set(scores) - set(Skill.values))
        if unknown:
            problems["scores"] = _("Unknown skills: %(skills)s.") % {"skills": ", ".join(unknown)}
        note = (note or "").strip()
        if len(note) > NOTE_MAX:
            problems["note"] = _("Keep the note under %(limit)s characters.") % {"limit": NOTE_MAX}
        if problems:
            raise ValidationError(problems)
        rated_by = RatedBy.SELF if rater.pk == person.pk else RatedBy.MENTOR
        return self.create(
            person=person, rater=rater, rated_by=rated_by, note=note, rated_at=when or timezone.now(), **clean
        )


NOTE_MAX = 1000


class SkillRating(models.Model):
    """One dated rating of a person's five skills, by themselves or by a mentor. Never edited: rate again.

    ``rater`` is kept to show whose view it is; it becomes empty if a
    mentor's account is deleted (``rated_by`` still says it was a mentor).
    """

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="skill_ratings")
    rater = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="skill_ratings_given"
    )
    rated_by = models.CharField(max_length=10, choices=RatedBy.choices, default=RatedBy.SELF)
    rated_at = models.DateTimeField(default=timezone.now)
    programming = models.PositiveSmallIntegerField(Skill.PROGRAMMING.label, validators=SCALE)
    ml_algorithms = models.PositiveSmallIntegerField(Skill.ML_ALGORITHMS.label, validators=SCALE)
    data_modelling = models.PositiveSmallIntegerField(Skill.DATA_MODELLING.label, validators=SCALE)
    software_engineering = models.PositiveSmallIntegerField(Skill.SOFTWARE_ENGINEERING.label, validators=SCALE)
    communication = models.PositiveSmallIntegerField(Skill.COMMUNICATION.label, validators=SCALE)
    note = models.TextField(blank=True, max_length=NOTE_MAX)

    objects = SkillRatingManager.from_queryset(SkillRatingQuerySet)()

    class Meta:
        ordering = ("-rated_at", "-pk")
        constraints = [
            models.CheckConstraint(condition=Q(programming__range=(1, 5)), name="rating_programming_1_to_5"),
            models.CheckConstraint(condition=Q(ml_algorithms__range=(1, 5)), name="rating_ml_algorithms_1_to_5"),
            models.CheckConstraint(condition=Q(data_modelling__range=(1, 5)), name="rating_data_modelling_1_to_5"),
            models.CheckConstraint(
                condition=Q(software_engineering__range=(1, 5)), name="rating_software_engineering_1_to_5"
            ),
            models.CheckConstraint(condition=Q(communication__range=(1, 5)), name="rating_communication_1_to_5"),
        ]
        indexes = [
            # The trail and the latest rating: a person's ratings by date.
            models.Index(fields=["person", "rated_by", "rated_at"], name="rating_person_by_date"),
        ]

    def __str__(self) -> str:
        return f"{self.person} on {self.rated_at:%Y-%m-%d} ({self.get_rated_by_display()})"

    @property
    def scores(self) -> dict[str, int]:
        """Skill -> level, in the form's order."""
        return {skill: getattr(self, skill) for skill in Skill.values}

    @property
    def is_mentors(self) -> bool:
        return self.rated_by == RatedBy.MENTOR

    def rows(self) -> list[tuple[str, int, str]]:
        """(skill label, level, what that level means) for each skill, for pages and the export."""
        return [(Skill(s).label, level, SKILL_LEVELS[s][level - 1]) for s, level in self.scores.items()]


# --- The company check -------------------------------------------------------------


class Answer(models.TextChoices):
    YES = "yes", "Yes"
    PARTLY = "partly", "Partly"
    NO = "no", "No"
    UNKNOWN = "unknown", "Don't know"


class Question(models.TextChoices):
    """The seed article's three questions about an employer, in the order they are asked."""

    DATA = "has_data", "Does it have the data, or the means to get it?"
    USE_CASES = "use_cases", "Does it have more than one ML use case?"
    MUST_HAVE = "must_have", "Does it treat ML features as must-have, not nice-to-have?"


# Why each "no" matters, in the seed article's terms; the verdict quotes these.
RISKS = {
    Question.DATA: "without data, or a way to get it, there is no machine learning to do",
    Question.USE_CASES: "after one or two ML projects the work turns into maintenance and other development",
    Question.MUST_HAVE: "where ML is a nice-to-have, models rarely get the effort it takes to reach production",
}
# What to find out about each "don't know".
ASK = {
    Question.DATA: "what data they hold and how they collect more",
    Question.USE_CASES: "how many ML projects they run or plan",
    Question.MUST_HAVE: "whether an ML feature has shipped and who asked for it",
}
SHORT = {Question.DATA: "the data", Question.USE_CASES: "the use cases", Question.MUST_HAVE: "the will to ship ML"}


class Outlook(models.TextChoices):
    PROMISING = "promising", "Promising"
    CLOSER_LOOK = "closer_look", "Worth a closer look"
    FIND_OUT = "find_out", "Find out more first"
    THINK_TWICE = "think_twice", "Think twice"


@dataclass(frozen=True)
class Verdict:
    """A company check's short verdict: the outlook and the reasons behind it, in plain words."""

    outlook: str
    reasons: tuple[str, ...]

    @property
    def label(self) -> str:
        return Outlook(self.outlook).label

    @property
    def summary(self) -> str:
        return f"{self.label}: {' '.join(self.reasons)}"


class CompanyCheckQuerySet(models.QuerySet["CompanyCheck"]):
    def for_user(self, user: User) -> CompanyCheckQuerySet:
        return self.filter(user=user)


class CompanyCheck(models.Model):
    """A company a person is considering, judged on the seed article's three questions.

    Each answer is yes / partly / no / don't know, with a note on what the
    person learnt; ``verdict`` explains what the answers add up to.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="company_checks")
    company = models.CharField(max_length=120)
    has_data = models.CharField(Question.DATA.label, max_length=10, choices=Answer.choices, default=Answer.UNKNOWN)
    has_data_note = models.TextField("note on the data", blank=True, max_length=2000)
    use_cases = models.CharField(
        Question.USE_CASES.label, max_length=10, choices=Answer.choices, default=Answer.UNKNOWN
    )
    use_cases_note = models.TextField("note on the use cases", blank=True, max_length=2000)
    must_have = models.CharField(
        Question.MUST_HAVE.label, max_length=10, choices=Answer.choices, default=Answer.UNKNOWN
    )
    must_have_note = models.TextField("note on the will to ship ML", blank=True, max_length=2000)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = models.Manager.from_queryset(CompanyCheckQuerySet)()

    class Meta:
        ordering = ("company", "pk")
        constraints = [
            # One check per company and person, whatever the capitals.
            models.UniqueConstraint("user", Lower("company"), name="company_check_once_per_user_and_company"),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.company}"

    def get_absolute_url(self) -> str:
        return reverse("growth:company-edit", args=[self.pk])

    def answers(self) -> dict[str, str]:
        """Question -> answer, in the questions' order."""
        return {q: getattr(self, q) for q in Question.values}

    def notes(self) -> dict[str, str]:
        return {q: getattr(self, f"{q}_note") for q in Question.values}

    def clean(self) -> None:
        self.company = (self.company or "").strip()
        if not self.company:
            raise ValidationError({"company": _("Name the company.")})
        if (
            self.user_id is not None
            and CompanyCheck.objects.for_user(self.user)
            .filter(company__iexact=self.company)
            .exclude(pk=self.pk)
            .exists()
        ):
            raise ValidationError(
                {"company": ValidationError(_("You already have a check for this company."), code="duplicate")}
            )

    @property
    def verdict(self) -> Verdict:
        """What the three answers add up to, and why.

        A "no" outweighs everything (the seed article names each as a reason
        to look elsewhere): think twice. Otherwise a "don't know" means find
        out first; all "yes" is promising; a mix of "yes" and "partly" is
        worth a closer look, naming the partial answers.
        """
        answers = self.answers()
        noes = [q for q, a in answers.items() if a == Answer.NO]
        unknown = [q for q, a in answers.items() if a == Answer.UNKNOWN]
        partly = [q for q, a in answers.items() if a == Answer.PARTLY]
        if noes:
            reasons = [f"No on {SHORT[Question(q)]}: {RISKS[Question(q)]}." for q in noes]
            if unknown:
                reasons.append(f"Still to find out: {_and(ASK[Question(q)] for q in unknown)}.")
            return Verdict(Outlook.THINK_TWICE, tuple(reasons))
        if unknown:
            reasons = [f"Ask {_and(ASK[Question(q)] for q in unknown)}."]
            if partly:
                reasons.append(f"Only partly there: {_and(SHORT[Question(q)] for q in partly)}.")
            return Verdict(Outlook.FIND_OUT, tuple(reasons))
        if partly:
            return Verdict(
                Outlook.CLOSER_LOOK,
                (
                    f"Only partly there: {_and(SHORT[Question(q)] for q in partly)}; "
                    "ask how that is changing before you decide.",
                ),
            )
        return Verdict(
            Outlook.PROMISING,
            ("It has the data, more than one ML use case, and treats ML features as must-have.",),
        )


def _and(parts: Iterable[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    items = list(parts)
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"
