"""Background tasks of the candidates room: take ids, re-fetch, and return quietly when the row is gone."""

from django.urls import reverse

from notifications.models import Category
from notifications.services import notify

from .models import Candidate, Note
from .resume_parser import parse, read_resume
from .services import note_audience


def parse_resume(candidate_id):
    candidate = Candidate.objects.filter(pk=candidate_id).first()
    if candidate is None or not candidate.resume:
        return
    with candidate.resume.open("rb") as fileobj:
        text, status = read_resume(fileobj)
    data = parse(text)
    candidate.resume_text = text
    candidate.resume_status = status
    candidate.parsed_cv_data = data
    # Parsed facts fill gaps only; what the person typed or a recruiter wrote wins.
    if not candidate.phone and data["phone"]:
        candidate.phone = data["phone"][:40]
    if not candidate.linkedin_url and data["linkedin"]:
        link = data["linkedin"] if data["linkedin"].startswith("http") else f"https://{data['linkedin']}"
        if len(link) <= Candidate._meta.get_field("linkedin_url").max_length:
            candidate.linkedin_url = link
    if not candidate.skills and data["skills"]:
        candidate.skills = data["skills"]
    if candidate.experience_years is None and data["experience_years"] is not None:
        candidate.experience_years = data["experience_years"]
    candidate.save(
        update_fields=[
            "resume_text", "resume_status", "parsed_cv_data", "phone", "linkedin_url", "skills",
            "experience_years", "updated_at",
        ]
    )  # fmt: skip


def notify_mentions(note_id):
    """Tell the members a team note names; each must still be able to read it (see its application or person)."""
    note = (
        Note.objects.select_related("candidate__organization", "author", "application__job").filter(pk=note_id).first()
    )
    if note is None or note.visibility != Note.Visibility.TEAM:
        return
    candidate = note.candidate
    may_see = note_audience(candidate, note.application).values_list("user_id", flat=True)
    about = f" ({note.application.job.title})" if note.application else ""
    author = note.author.get_full_name() if note.author else "Someone"
    notify(
        category=Category.MENTION,
        recipients=note.mentions.filter(pk__in=may_see),
        organization=candidate.organization,
        actor=note.author,
        key=f"mention:{note.pk}",
        title=f"{author} mentioned you in a note on {candidate.full_name}{about}",
        body=note.body[:500],
        url=reverse("pipeline:candidate", args=[candidate.pk]) + f"#note-{note.pk}",
        target=note.application or candidate,
        subject=candidate.full_name,
        group_key=f"candidate:{candidate.pk}",
    )
