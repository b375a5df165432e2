"""Demo data for trying the site: `python manage.py seed_demo`. Safe to run again."""

import io
import random
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from accounts.models import Membership, Organization
from jobs import services as job_services
from jobs.models import FormField, HiringTeamMember, Job
from pipeline.applications import answer_choices
from pipeline.applications.models import AnswerChoice, Application, ApplicationFormAnswer, ApplicationStageHistory
from pipeline.applications.services import add_tags, apply_knockouts, open_application
from pipeline.automation.services import start_stage_actions
from pipeline.candidates.models import Candidate
from pipeline.candidates.services import add_note
from pipeline.interviews.models import Interview, PanelMember, Scorecard
from pipeline.interviews.services import submit_scorecard
from pipeline.interviews.slots import next_working_day_at
from pipeline.setup.services import create_job

from ...setup import add_organization_defaults, create_organization_with_defaults

DEMO_PASSWORD = "acme-demo-2026"  # development only; printed by `make run`
DEMO_MEMBERS = [
    ("owner@acme.test", "Olivia Owner", Membership.Role.OWNER),
    ("recruiter@acme.test", "Riley Recruiter", Membership.Role.RECRUITER),
    ("manager@acme.test", "Morgan Manager", Membership.Role.HIRING_MANAGER),
    ("interviewer@acme.test", "Ivan Interviewer", Membership.Role.INTERVIEWER),
]


class Command(BaseCommand):
    help = "Create (or refresh) the Acme demo organisation and its users."

    @transaction.atomic
    def handle(self, *args, **options):
        User = get_user_model()
        details = {
            "name": "Acme",
            "website": "https://acme.test",
            "industry": "Software",
            "size": Organization.Size.SMALL,
            "description": "Acme builds tools that make hiring calmer.",
            "careers_intro": "We are a small, kind team building useful software. Come build with us.",
            "privacy_policy_url": "https://acme.test/privacy",
            "timezone": "Europe/London",
        }
        acme = Organization.objects.filter(slug="acme").first()
        if acme is None:
            acme = create_organization_with_defaults(slug="acme", **details)
        else:
            # update() skips auto_now: set updated_at so cached careers pages (keyed on it) refresh.
            Organization.objects.filter(pk=acme.pk).update(**details, updated_at=timezone.now())
            add_organization_defaults(acme)  # idempotent: fills what an older demo lacks
        for email, name, role in DEMO_MEMBERS:
            user = self._user(User, email, name)
            Membership.objects.update_or_create(
                user=user, organization=acme, defaults={"role": role, "is_active": True}
            )
        admin = self._user(User, "admin@acme.test", "Site Admin")
        admin.is_staff = admin.is_superuser = True
        admin.save(update_fields=["is_staff", "is_superuser"])
        if not acme.jobs.exists():
            self._jobs_and_candidates(acme)
        self.stdout.write(self.style.SUCCESS("Demo data ready: organisation 'Acme' (acme)."))

    def _user(self, User, email, name):
        user, created = User.objects.get_or_create(email=email, defaults={"name": name})
        if created or not user.check_password(DEMO_PASSWORD):
            user.set_password(DEMO_PASSWORD)
            user.save()
        EmailAddress.objects.update_or_create(user=user, email=email, defaults={"primary": True, "verified": True})
        return user

    def _jobs_and_candidates(self, acme):
        rng = random.Random(2026)  # the same demo every time
        owner = _member_user(acme, Membership.Role.OWNER)
        manager = _member_user(acme, Membership.Role.HIRING_MANAGER)
        interviewer = _member_user(acme, Membership.Role.INTERVIEWER)
        jobs = []
        recruiter = _member_user(acme, Membership.Role.RECRUITER)
        for index, spec in enumerate(DEMO_JOBS):
            spec = dict(spec)
            status = spec.pop("status")
            questions = spec.pop("questions", [])
            job = create_job(organization=acme, created_by=owner, **spec)
            for label, field_type, options, required in questions:
                # Issue 16: the short questions are pinned to the board's cards; "not allowed to work" knocks out.
                job_services.add_question(
                    form=job.application_form, label=label, field_type=field_type, options=options, required=required,
                    is_key_question=field_type != FormField.Type.LONG_TEXT,
                    knockout_answers=["no"] if field_type == FormField.Type.YES_NO else [],
                )  # fmt: skip
            for target in {Job.Status.DRAFT: [], Job.Status.OPEN: ["open"], Job.Status.ON_HOLD: ["open", "on_hold"],
                           Job.Status.CLOSED: ["open", "closed"]}[status]:  # fmt: skip
                job.set_status(target)
            # The recruiter is on every team; the hiring manager and the interviewer on some, so each
            # role's dashboard, boards and bell show only what that person may see.
            HiringTeamMember.objects.create(job=job, user=recruiter, role=HiringTeamMember.Role.RECRUITER)
            if index % 2 == 0:
                HiringTeamMember.objects.create(job=job, user=manager, role=HiringTeamMember.Role.HIRING_MANAGER)
            if index % 3 == 0:
                HiringTeamMember.objects.create(job=job, user=interviewer, role=HiringTeamMember.Role.INTERVIEWER)
            jobs.append(job)

        hiring = [job for job in jobs if job.status != Job.Status.DRAFT]
        now = timezone.now()
        for index in range(60):
            first, last = FIRST_NAMES[index % len(FIRST_NAMES)], LAST_NAMES[(index * 7) % len(LAST_NAMES)]
            skills = rng.sample(SKILLS, 4)
            candidate = Candidate.objects.create(
                organization=acme,
                first_name=first,
                last_name=last,
                email=f"{first}.{last}{index}@example.test".lower(),
                phone=f"+44 20 7946 {index:04d}",
                city=rng.choice(["London", "Berlin", "Lisbon", "Remote"]),
                skills=skills,
                experience_years=rng.randint(1, 15),
                source=rng.choice(["careers site", "LinkedIn", "referral", "indeed"]),
                consent_given_at=now,
                retain_until=acme.retention_date(now),
            )
            if index < 5:
                pdf = _resume_pdf(candidate, skills)
                candidate.resume.save(f"{first}-{last}-resume.pdf", ContentFile(pdf), save=False)
                candidate.resume_name = f"{first}-{last}-resume.pdf"
                candidate.resume_text = f"{candidate.full_name} {candidate.email} {' '.join(skills)}"
                candidate.save()
            for job in rng.sample(hiring, rng.choice([1, 1, 1, 2])):
                self._application(rng, job, candidate, now)
        # One person who applied twice under two addresses, for the duplicate check and merge.
        twin = Candidate.objects.filter(organization=acme).order_by("pk").first()
        Candidate.objects.create(
            organization=acme, first_name=twin.first_name, last_name=twin.last_name,
            email=f"{twin.first_name}.personal@example.test".lower(), phone=twin.phone.replace("+44 ", "0"),
            source="referral", consent_given_at=now,
        )  # fmt: skip
        recruiter = _member_user(acme, Membership.Role.RECRUITER)
        for application in Application.objects.filter(job__organization=acme, rating=5)[:6]:
            add_note(
                candidate=application.candidate, author=recruiter, application=application,
                body="Strong portfolio. @morgan could you take the next interview?",
            )  # fmt: skip
            add_tags(applications=[application], tags=["strong"])
        self._interviews(acme, now)

    def _interviews(self, acme, now):
        """Interviews on the interviewer's jobs: two over (one still owing their feedback, the other
        with everyone's), two to come, so each role's pages have some of each."""
        interviewer = _member_user(acme, Membership.Role.INTERVIEWER)
        recruiter = _member_user(acme, Membership.Role.RECRUITER)
        manager = _member_user(acme, Membership.Role.HIRING_MANAGER)
        applications = list(
            Application.objects.filter(
                job__organization=acme, job__team__user=interviewer, status=Application.Status.ACTIVE,
                current_stage__order__gte=2,
            ).select_related("job", "current_stage").order_by("-current_stage__order", "pk")[:4]
        )  # fmt: skip
        zone = acme.zone
        past = now.astimezone(zone).replace(hour=14, minute=0, second=0, microsecond=0) - timedelta(days=1)
        upcoming = next_working_day_at(zone, now=now)
        times = [past - timedelta(days=2), past, upcoming, upcoming + timedelta(days=1, hours=5)]
        titles = ["Technical interview", "Technical interview", "Final interview", "Culture conversation"]
        for index, (application, starts_at, title) in enumerate(zip(applications, times, titles, strict=False)):
            interview = Interview.objects.create(
                organization=acme, application=application, title=title,
                starts_at=starts_at, duration_minutes=45 if index % 2 else 60, time_zone=zone.key,
                location="https://meet.acme.test/hiring" if index % 2 else "Acme office, 2nd floor",
                organizer=recruiter, created_by=recruiter, scheduled_at=starts_at - timedelta(days=4),
                reminder_sent_at=now,  # no email to these made-up people
            )  # fmt: skip
            panel = [interviewer, recruiter] + ([manager] if index == 0 else [])
            PanelMember.objects.bulk_create(PanelMember(interview=interview, user=user) for user in panel)
            if starts_at < now:
                authors = [recruiter, interviewer] if index == 0 else [recruiter]
                for author, recommendation in zip(authors, ["strong_yes", "yes"], strict=False):
                    ratings = {
                        a.pk: 4 if recommendation == "strong_yes" else 3
                        for a in application.job.scorecard_attributes.all()
                    }
                    submit_scorecard(
                        interview=interview, author=author, recommendation=Scorecard.Recommendation(recommendation),
                        ratings=ratings, notes="Clear thinker; explained trade-offs well and asked good questions.",
                    )  # fmt: skip

    def _application(self, rng, job, candidate, now):
        steps = list(job.stages.all())
        depth = min(int(rng.expovariate(0.6)), len(steps) - 1)
        applied = now - timedelta(days=rng.randint(depth * 3 + 1, depth * 3 + 30))
        # Opened as the site opens one (no acknowledgement for made-up people), then walked back in time.
        application = open_application(
            job=job,
            candidate=candidate,
            applied=False,
            at=applied,
            source=candidate.source,
            rating=rng.choice([None, None, 3, 4, 5]),
            is_starred=rng.random() < 0.1,
        )
        application.current_stage = steps[depth]
        application.stage_entered_at = applied + timedelta(days=depth * 3)
        application.save(update_fields=["current_stage", "stage_entered_at"])
        entry = None
        for step in range(1, depth + 1):
            entry = ApplicationStageHistory.objects.create(
                application=application,
                from_stage=steps[step - 1],
                to_stage=steps[step],
                created_at=applied + timedelta(days=step * 3),
                time_in_previous_stage=timedelta(days=3),
            )
        if entry is not None:
            # The stage it stands in sets off its actions (tasks, meetings to arrange, the team told), as a
            # move would; the worker runs them. No email to these made-up people.
            start_stage_actions([entry], candidate_emails=False)
        answers = []
        for order, field in enumerate(job.application_form.fields.filter(is_standard=False)):
            value = {
                FormField.Type.YES_NO: rng.random() < 0.8,
                FormField.Type.SINGLE_CHOICE: rng.choice(field.options or [""]),
                FormField.Type.NUMBER: rng.randint(30, 120) * 1000,
            }.get(field.field_type, "I enjoy building calm, reliable software with kind people.")
            ApplicationFormAnswer.objects.create(
                application=application, field=field, key=field.key, label=field.label, value=value, order=order
            )
            answers.append((field, value))
        # As applying stores them: the chosen options as rows (the filters), and the knockouts flagged.
        AnswerChoice.objects.bulk_create(answer_choices.rows(application, answers))
        apply_knockouts(application=application, answers=answers)


def _member_user(organization, role):
    return organization.memberships.filter(role=role).select_related("user").first().user


def _resume_pdf(candidate, skills):
    """A real one-page PDF resume, so the demo can show and parse resumes."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    lines = [
        candidate.full_name,
        f"{candidate.email} | {candidate.phone} | {candidate.city}",
        "",
        "Summary",
        f"Engineer with {candidate.experience_years} years of experience building web products.",
        "",
        "Skills",
        ", ".join(skills),
        "",
        "Experience",
        "2019 - now   Senior Engineer, Example Ltd",
        "2015 - 2019  Engineer, Sample GmbH",
    ]
    y = 800
    for line in lines:
        pdf.drawString(60, y, line)
        y -= 18
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


FIRST_NAMES = ["Ada", "Grace", "Linus", "Margaret", "Alan", "Katherine", "Tim", "Barbara", "Dennis", "Frances",
               "Ken", "Radia", "Guido", "Hedy", "John", "Sophie", "Yukihiro", "Anita", "Bjarne", "Joan"]  # fmt: skip
LAST_NAMES = ["Lovelace", "Hopper", "Torvalds", "Hamilton", "Turing", "Johnson", "Berners-Lee", "Liskov",
              "Ritchie", "Allen", "Thompson", "Perlman", "Rossum", "Lamarr", "McCarthy", "Wilson", "Matsumoto",
              "Borg", "Stroustrup", "Clarke"]  # fmt: skip
SKILLS = ["Python", "Django", "JavaScript", "React", "PostgreSQL", "Docker", "AWS", "Figma", "SQL", "Go",
          "Kubernetes", "Sales", "Marketing", "Customer Service", "Leadership", "Scrum"]  # fmt: skip
DEMO_JOBS = [
    {
        "title": "Senior Backend Engineer",
        "department": "Engineering",
        "city": "London",
        "country": "GB",
        "remote_type": Job.RemoteType.HYBRID,
        "experience_level": Job.ExperienceLevel.SENIOR,
        "urgency": Job.Urgency.HIGH,
        "salary_min": 70000,
        "salary_max": 90000,
        "salary_currency": "GBP",
        "show_salary": True,
        "openings": 2,
        "status": Job.Status.OPEN,
        "description": "We are looking for a **senior backend engineer** to help us build a calm, fast hiring "
        "tool.\n\nYou will work on our Django monolith, our PostgreSQL database and our background workers.",
        "responsibilities": [
            "Design and build features end to end",
            "Keep the site fast and reliable",
            "Review code and mentor colleagues",
        ],
        "qualifications": ["5+ years with Python", "Experience with PostgreSQL", "Kindness in code review"],
        "benefits": ["28 days of holiday", "Learning budget", "Flexible hours"],
        "questions": [
            ("Are you allowed to work in the UK?", FormField.Type.YES_NO, [], True),
            ("Expected salary (GBP)", FormField.Type.NUMBER, [], False),
        ],
    },
    {
        "title": "Product Designer",
        "department": "Design",
        "city": "Berlin",
        "country": "DE",
        "remote_type": Job.RemoteType.REMOTE,
        "experience_level": Job.ExperienceLevel.MID,
        "status": Job.Status.OPEN,
        "description": "Shape how recruiters and candidates experience Acme. You will own our design system.",
        "qualifications": ["A portfolio of shipped work", "Figma fluency"],
        "questions": [
            ("Which tools do you use most?", FormField.Type.SINGLE_CHOICE, ["Figma", "Sketch", "Penpot"], True),
            ("What is a product you admire, and why?", FormField.Type.LONG_TEXT, [], False),
        ],
    },
    {
        "title": "Customer Success Manager",
        "department": "Customer Success",
        "city": "Lisbon",
        "country": "PT",
        "status": Job.Status.OPEN,
        "employment_type": Job.EmploymentType.FULL_TIME,
        "description": "Help our customers hire well. You will onboard new teams and listen to what they need.",
        "questions": [("Which languages do you speak fluently?", FormField.Type.LONG_TEXT, [], True)],
    },
    {
        "title": "Data Analyst (internship)",
        "department": "Engineering",
        "city": "London",
        "country": "GB",
        "employment_type": Job.EmploymentType.INTERNSHIP,
        "status": Job.Status.ON_HOLD,
        "description": "A six-month internship analysing how hiring funnels behave.",
    },
    {
        "title": "Office Manager",
        "department": "Operations",
        "city": "London",
        "country": "GB",
        "status": Job.Status.CLOSED,
        "description": "Keep our London office running smoothly.",
    },
    {
        "title": "Head of Marketing",
        "department": "Marketing",
        "city": "Berlin",
        "country": "DE",
        "experience_level": Job.ExperienceLevel.LEAD,
        "status": Job.Status.DRAFT,
        "description": "Draft: tell the world about Acme.",
    },
]
