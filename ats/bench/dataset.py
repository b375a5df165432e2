"""The bench's data: one organisation of the size the board and the candidate list must handle.

Deterministic for a seed, so two runs measure the same rows. Rows go in with bulk_create: the
full size (40,000 candidates, 60,000 applications) takes seconds, not the minutes of one save each.
"""

import random
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from accounts.models import Membership
from pipeline.applications.models import Application
from pipeline.candidates.models import Candidate
from pipeline.interviews.models import Interview, PanelMember, Scorecard
from pipeline.setup.services import create_job

from ..setup import create_organization_with_defaults

PASSWORD = "bench-password-2026"  # noqa: S105 (a throwaway database's only user)
BATCH = 2000

FIRST_NAMES = (
    "Aisha", "Alejandro", "Amara", "Anders", "Ananya", "Astrid", "Ben", "Camille", "Carlos", "Chen", "Chloe",
    "Dmitri", "Elena", "Emeka", "Emma", "Farah", "Fatima", "Finn", "Gabriel", "Hana", "Hiroshi", "Ines",
    "Isaac", "Jamal", "Javier", "Julia", "Kai", "Kofi", "Lara", "Leila", "Liam", "Lucia", "Mateo", "Maya",
    "Mei", "Mohammed", "Nadia", "Noah", "Olga", "Omar", "Priya", "Rafael", "Rosa", "Sakura", "Samuel",
    "Sofia", "Tariq", "Thomas", "Valentina", "Wei", "Yara", "Yusuf", "Zara", "Zoe",
)  # fmt: skip
LAST_NAMES = (
    "Abara", "Andersson", "Bauer", "Becker", "Bianchi", "Carvalho", "Chen", "Costa", "Dubois", "Eriksen",
    "Fernandez", "Fischer", "Garcia", "Gupta", "Haddad", "Hansen", "Ibrahim", "Ivanova", "Jansen", "Kaur",
    "Kim", "Kowalski", "Larsen", "Lopez", "Martin", "Mendes", "Moreau", "Murphy", "Nakamura", "Nguyen",
    "Novak", "Okafor", "Olsen", "Patel", "Petrov", "Quinn", "Rahman", "Rossi", "Santos", "Schmidt",
    "Silva", "Singh", "Sorensen", "Suzuki", "Tanaka", "Torres", "Virtanen", "Wagner", "Walsh", "Weber",
    "Wright", "Yamamoto", "Zhang", "Zielinski",
)  # fmt: skip
SKILLS = (
    "python", "django", "postgresql", "javascript", "typescript", "react", "kubernetes", "docker", "terraform",
    "aws", "azure", "java", "kotlin", "swift", "rust", "golang", "sql", "excel", "tableau", "figma",
    "accounting", "payroll", "recruiting", "negotiation", "salesforce", "marketing", "seo", "copywriting",
    "logistics", "procurement", "nursing", "welding", "forklift", "autocad", "photoshop", "linux",
)  # fmt: skip
ROLES = ("engineer", "analyst", "designer", "manager", "accountant", "nurse", "technician", "consultant")
JOB_TITLES = (
    "Backend Engineer", "Frontend Engineer", "Data Analyst", "Product Designer", "Account Manager",
    "Payroll Specialist", "Registered Nurse", "Warehouse Operative", "Marketing Lead", "Site Reliability Engineer",
)  # fmt: skip
CITIES = (
    ("Lisbon", "Portugal"), ("Berlin", "Germany"), ("Lagos", "Nigeria"), ("Pune", "India"),
    ("Toronto", "Canada"), ("Osaka", "Japan"), ("Madrid", "Spain"), ("Leeds", "United Kingdom"),
)  # fmt: skip
# Most applications wait in the early stages, as on a real board.
STAGE_WEIGHTS = (30, 22, 15, 11, 8, 6, 4, 4)


@dataclass(frozen=True)
class Size:
    candidates: int
    jobs: int
    applications: int
    sized_jobs: tuple = (300, 3000, 30000)  # applications of the three jobs the board figures open


FULL = Size(candidates=40_000, jobs=50, applications=60_000)
# One job cannot have more applications than there are candidates: QUICK's largest job has them all.
QUICK = Size(candidates=4_000, jobs=10, applications=8_000, sized_jobs=(300, 3000, 4000))


@dataclass
class Dataset:
    """What the bench needs to find again: the user to sign in as and the rows its figures use."""

    owner: object
    organization: object
    jobs: list
    sized_jobs: dict  # applications -> Job
    surname: str = LAST_NAMES[0]  # what search_name and search_skill look for
    skill: str = SKILLS[0]
    interviewed: object = None  # a candidate with interviews and feedback, for candidate_page


def _resume(rng, first, last, skills):
    role = rng.choice(ROLES)
    sentences = [
        f"{first} {last} is a {role} with {rng.randint(1, 25)} years of experience.",
        f"Worked with {', '.join(skills)} across {rng.randint(2, 9)} teams.",
        f"Led a {rng.choice(SKILLS)} project that cut costs by {rng.randint(5, 40)} percent.",
        f"Looking for a {rng.choice(ROLES)} role near {rng.choice(CITIES)[0]}.",
    ]
    return " ".join(rng.sample(sentences, k=rng.randint(2, len(sentences))))


def _candidates(rng, organization, count):
    now = timezone.now()
    for i in range(count):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        skills = rng.sample(SKILLS, k=rng.randint(3, 6))
        city, country = rng.choice(CITIES)
        yield Candidate(
            organization=organization,
            first_name=first,
            last_name=last,
            email=f"{first}.{last}.{i}@example.test".lower(),
            phone=f"+44 20 7946 {i % 10000:04d}",
            city=city,
            country=country,
            skills=skills,
            experience_years=rng.randint(0, 30),
            resume_text=_resume(rng, first, last, skills),
            source=rng.choice(("careers site", "linkedin", "referral", "indeed")),
            consent_given_at=now,
        )


def _applications(rng, job, stages, candidate_ids, now):
    """`candidate_ids` applied to `job`, spread over its stages, each column numbered from 0."""
    positions = [0] * len(stages)
    for candidate_id in candidate_ids:
        column = rng.choices(range(len(stages)), weights=STAGE_WEIGHTS[: len(stages)])[0]
        applied = now - timedelta(minutes=rng.randint(0, 60 * 24 * 90))
        yield Application(
            job=job,
            candidate_id=candidate_id,
            current_stage=stages[column],
            position=positions[column],
            applied_at=applied,
            stage_entered_at=applied,
        )
        positions[column] += 1


def _bulk(model, rows):
    """bulk_create in batches of BATCH rows (SQLite caps the parameters of one statement)."""
    created, batch = [], []
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH:
            created += model.objects.bulk_create(batch)
            batch = []
    if batch:
        created += model.objects.bulk_create(batch)
    return created


def generate(size, *, seed=2026):
    """One organisation with `size`'s jobs, candidates and applications; returns a Dataset."""
    rest = size.applications - sum(size.sized_jobs)
    spare_jobs = size.jobs - len(size.sized_jobs)
    if max(size.sized_jobs) > size.candidates or spare_jobs < 0 or rest < 0 or (rest and not spare_jobs):
        raise ValueError(f"{size} can't hold its sized jobs")
    rng = random.Random(seed)  # noqa: S311 (repeatable data, no secrets)
    owner = get_user_model().objects.create_user(email="owner@bench.test", password=PASSWORD)
    with transaction.atomic():
        organization = create_organization_with_defaults(owner=owner, name="Bench Org", slug="bench")
        jobs = []
        for i in range(size.jobs):
            job = create_job(
                organization=organization,
                created_by=owner,
                title=f"{JOB_TITLES[i % len(JOB_TITLES)]} {i + 1}",
                description="Join a team that ships every day.\n\n- Remote friendly\n- Four-day week",
            )
            job.set_status("open")
            jobs.append(job)
    with transaction.atomic():
        candidate_ids = [c.pk for c in _bulk(Candidate, _candidates(rng, organization, size.candidates))]
    sized = dict(zip(size.sized_jobs, jobs, strict=False))
    others = jobs[len(sized) :]
    now = timezone.now()

    def rows():
        for count, job in sized.items():
            yield from _applications(rng, job, list(job.stages.all()), rng.sample(candidate_ids, count), now)
        for index, job in enumerate(others):
            # The rest shared as evenly as the division allows.
            count = rest // len(others) + (index < rest % len(others))
            yield from _applications(rng, job, list(job.stages.all()), rng.sample(candidate_ids, count), now)

    with transaction.atomic():
        applications = _bulk(Application, rows())
    with transaction.atomic():
        interviewed = _interviews(rng, organization, applications, now)
    return Dataset(owner=owner, organization=organization, jobs=jobs, sized_jobs=sized, interviewed=interviewed)


INTERVIEWED_FROM = 3  # the stage (by order) from which applications have had an interview


def _interviews(rng, organization, applications, now):
    """An interview with a panel of two and their scorecards (one still owed, now and then) for each
    application past the first stages, as the board's feedback tally and the candidate page meet them.
    Returns a candidate with some."""
    User = get_user_model()
    panel = []
    for i in range(4):
        user = User.objects.create_user(email=f"interviewer{i}@bench.test", password=PASSWORD, name=f"Interviewer {i}")
        Membership.objects.create(user=user, organization=organization, role=Membership.Role.INTERVIEWER)
        panel.append(user)
    later = [a for a in applications if a.current_stage.order >= INTERVIEWED_FROM]
    starts = [now - timedelta(days=rng.randint(1, 60)) for _ in later]
    rows = (
        Interview(
            organization=organization,
            application=application,
            title="Interview",
            starts_at=start,
            ends_at=start + timedelta(minutes=60),
            duration_minutes=60,
            time_zone="UTC",
            organizer_id=panel[0].pk,
            status=Interview.Status.SCHEDULED,
        )
        for application, start in zip(later, starts, strict=True)
    )
    interviews = _bulk(Interview, rows)
    seats, scorecards = [], []
    recommendations = Scorecard.Recommendation.values
    for interview in interviews:
        for user in rng.sample(panel, 2):
            seats.append(PanelMember(interview=interview, user=user))
            if rng.random() < 0.8:
                scorecards.append(
                    Scorecard(
                        interview=interview, author=user, recommendation=rng.choice(recommendations), notes="Fine."
                    )
                )
    _bulk(PanelMember, seats)
    _bulk(Scorecard, scorecards)
    return later[0].candidate if later else None
