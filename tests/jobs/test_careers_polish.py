"""Careers polish (issue 16): JSON-LD without nulls, salaries in words, the footer, the duplicate page,
no negative numbers, /careers/ alone, the careers address to copy, the admin's title and one date format."""

import datetime
import importlib
import json
import re
from pathlib import Path

import pytest
from django.apps import apps as global_apps
from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.template import Context, Template
from django.utils import formats

from accounts.models import Membership
from jobs.models import FormField, Job
from jobs.salary import format_salary
from pipeline.models import Application
from tests.factories import MembershipFactory, UserFactory, make_job
from tests.jobs.careers import index_url, job_url
from tests.pipeline.applications.applying import application_data, apply_url

pytestmark = pytest.mark.django_db


def ld_json(response):
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', response.text, re.S)
    assert match, "no JSON-LD block"
    return json.loads(match.group(1))


def empty_values(data, path="$"):
    """Where `data` holds null, "" or an empty object or list: none of these may reach a job board."""
    if isinstance(data, dict):
        found = [path] if not data else []
        return found + [p for key, value in data.items() for p in empty_values(value, f"{path}.{key}")]
    if isinstance(data, list):
        return ([path] if not data else []) + [p for i, v in enumerate(data) for p in empty_values(v, f"{path}[{i}]")]
    return [path] if data in (None, "") else []


# --- JSON-LD ---------------------------------------------------------------------------------------


def test_a_bare_job_posting_has_no_nulls_and_no_empty_keys(client, organization):
    organization.website = ""
    organization.save()
    job = make_job(organization, title="Bare", salary_min=100, show_salary=False)

    response = client.get(job_url(job))

    assert response.status_code == 200
    posting = ld_json(response)
    assert empty_values(posting) == []
    assert {"title", "description", "datePosted", "employmentType", "hiringOrganization", "url"} <= set(posting)
    assert posting["hiringOrganization"] == {"@type": "Organization", "name": organization.name}
    for absent in ("jobLocation", "jobLocationType", "baseSalary", "validThrough", "applicantLocationRequirements"):
        assert absent not in posting
    assert "null" not in re.search(r'application/ld\+json">(.*?)</script>', response.text, re.S).group(1)


def test_an_on_site_job_posting_carries_its_address_with_the_iso_code_and_a_monthly_salary(client, organization):
    job = make_job(
        organization,
        title="Chef",
        city="Lyon",
        country="FR",
        remote_type=Job.RemoteType.ONSITE,
        employment_type=Job.EmploymentType.CONTRACT,
        salary_min=3000,
        salary_max=3500,
        salary_currency="EUR",
        salary_period=Job.SalaryPeriod.MONTH,
        show_salary=True,
        deadline=datetime.date(2030, 1, 31),
    )

    posting = ld_json(client.get(job_url(job)))

    assert posting["jobLocation"] == {
        "@type": "Place",
        "address": {"@type": "PostalAddress", "addressLocality": "Lyon", "addressCountry": "FR"},
    }
    assert posting["baseSalary"] == {
        "@type": "MonetaryAmount",
        "currency": "EUR",
        "value": {"@type": "QuantitativeValue", "minValue": 3000, "maxValue": 3500, "unitText": "MONTH"},
    }
    assert posting["employmentType"] == "CONTRACTOR"
    assert "jobLocationType" not in posting
    assert posting["validThrough"].startswith("2030-02-01T00:00:00")
    assert empty_values(posting) == []


@pytest.mark.parametrize(
    ("period", "unit"), [("year", "YEAR"), ("month", "MONTH"), ("week", "WEEK"), ("day", "DAY"), ("hour", "HOUR")]
)
def test_the_salarys_unit_text_is_its_period(client, organization, period, unit):
    job = make_job(organization, salary_min=20, salary_period=period, show_salary=True)

    value = ld_json(client.get(job_url(job)))["baseSalary"]["value"]

    # One figure is a `value`, not a range with a missing end.
    assert value == {"@type": "QuantitativeValue", "value": 20, "unitText": unit}


def test_a_remote_job_is_telecommute_open_to_applicants_in_its_country(client, organization):
    job = make_job(organization, country="PT", remote_type=Job.RemoteType.REMOTE, employment_type="internship")

    posting = ld_json(client.get(job_url(job)))

    assert posting["jobLocationType"] == "TELECOMMUTE"
    assert posting["applicantLocationRequirements"] == {"@type": "Country", "name": "Portugal"}
    assert posting["jobLocation"]["address"] == {"@type": "PostalAddress", "addressCountry": "PT"}
    assert posting["employmentType"] == "INTERN"


def test_a_remote_job_anywhere_has_no_location_and_no_requirement(client, organization):
    job = make_job(organization, remote_type=Job.RemoteType.REMOTE)

    posting = ld_json(client.get(job_url(job)))

    assert posting["jobLocationType"] == "TELECOMMUTE"
    assert "jobLocation" not in posting
    assert "applicantLocationRequirements" not in posting
    assert empty_values(posting) == []


def test_a_hybrid_job_is_at_its_office_not_telecommute(client, organization):
    job = make_job(organization, city="Berlin", country="DE", remote_type=Job.RemoteType.HYBRID)

    posting = ld_json(client.get(job_url(job)))

    assert "jobLocationType" not in posting
    assert posting["jobLocation"]["address"]["addressCountry"] == "DE"
    assert posting["jobLocation"]["address"]["addressLocality"] == "Berlin"


def test_the_organisations_logo_is_an_absolute_address(client, organization):
    organization.logo.name = "logos/acme.png"
    organization.save()
    job = make_job(organization)

    posting = ld_json(client.get(job_url(job)))

    assert posting["hiringOrganization"]["logo"] == f"http://testserver/careers/{organization.slug}/-/logo/"


# --- Salary in words -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("low", "high", "currency", "period", "text"),
    [
        (60000, 80000, "EUR", "per year", "€60,000–€80,000 per year"),
        (60000, None, "USD", "per year", "From $60,000 per year"),
        (None, 4500, "CHF", "per month", "Up to 4,500 CHF per month"),
        (25, 25, "GBP", "per hour", "£25 per hour"),
        (1200000, 1500000, "JPY", "per year", "¥1,200,000–¥1,500,000 per year"),
        (None, None, "EUR", "per year", ""),
    ],
)
def test_a_salary_reads_with_separators_and_its_period(low, high, currency, period, text):
    assert format_salary(low, high, currency, period) == text


def test_the_careers_index_and_job_page_show_the_salary_in_words(client, organization):
    shown = make_job(organization, title="Shown", salary_min=60000, salary_max=80000, show_salary=True)
    make_job(organization, title="Hidden", salary_min=91000, salary_max=99000, show_salary=False)

    index = client.get(index_url(organization))
    page = client.get(job_url(shown))

    assert index.status_code == page.status_code == 200
    assert index.text.count('data-testid="salary"') == 1
    assert "€60,000–€80,000 per year" in index.text
    assert "91,000" not in index.text and "91000" not in index.text
    assert re.search(r'data-testid="salary">.*€60,000–€80,000 per year</p>', page.text)


def test_the_recruiters_job_page_shows_the_salary_in_words_even_when_hidden(client_for, recruiter, organization):
    job = make_job(organization, salary_min=50000, salary_currency="GBP", salary_period="year", show_salary=False)

    response = client_for(recruiter).get(f"/jobs/{job.pk}/")

    assert response.status_code == 200
    hidden = r'data-testid="salary">From £50,000 per year <span class="text-secondary">\(hidden\)'
    assert re.search(hidden, response.text)


# --- Footer and privacy note -----------------------------------------------------------------------


def test_the_careers_footer_links_the_privacy_policy(client, organization):
    organization.privacy_policy_url = "https://acme.example/privacy"
    organization.save()
    job = make_job(organization)

    for url in (index_url(organization), job_url(job), apply_url(job)):
        response = client.get(url)
        assert response.status_code == 200
        footer = response.text.split('<footer class="careers-footer', 1)[1]
        assert '<a href="https://acme.example/privacy" rel="noopener">Privacy policy</a>' in footer


def test_no_privacy_policy_means_no_link(client, organization):
    organization.privacy_policy_url = ""
    organization.save()

    response = client.get(index_url(organization))

    assert response.status_code == 200
    assert '<footer class="careers-footer' in response.text
    assert "Privacy policy" not in response.text


def test_the_apply_forms_privacy_note_discloses_tracking(client, organization):
    job = make_job(organization)

    response = client.get(apply_url(job))

    assert response.status_code == 200
    note = re.search(r'data-testid="privacy-note">(.*?)</p>', response.text, re.S).group(1)
    assert "Emails we send about your application may record when they are opened and which links are clicked." in note


# --- The job form: country select, salary period, no negatives -------------------------------------


def job_form_data(**overrides):
    return {
        "title": "Backend Engineer",
        "department": "",
        "city": "Lisbon",
        "country": "PT",
        "remote_type": "hybrid",
        "employment_type": "full_time",
        "experience_level": "",
        "urgency": "medium",
        "openings": "1",
        "deadline": "",
        "salary_min": "40000",
        "salary_max": "50000",
        "salary_currency": "EUR",
        "salary_period": "month",
        "description": "",
        "responsibilities": "",
        "qualifications": "",
        "benefits": "",
    } | overrides


def test_the_job_form_offers_countries_by_name_and_the_salary_period(client_for, recruiter, organization):
    job = make_job(organization, country="FR", salary_period="week")

    response = client_for(recruiter).get(f"/jobs/{job.pk}/edit/")

    assert response.status_code == 200
    select = re.search(r'<select name="country"[^>]*>(.*?)</select>', response.text, re.S).group(1)
    assert '<option value="FR" selected>France</option>' in select
    assert '<option value="DE">Germany</option>' in select
    period = re.search(r'<select name="salary_period"[^>]*>(.*?)</select>', response.text, re.S).group(1)
    assert '<option value="week" selected>per week</option>' in period


def test_the_job_form_saves_a_country_and_a_period(client_for, recruiter, organization):
    job = make_job(organization)

    response = client_for(recruiter).post(f"/jobs/{job.pk}/edit/", job_form_data())

    assert response.status_code == 302
    job.refresh_from_db()
    assert (job.country.code, job.country.name, job.salary_period) == ("PT", "Portugal", "month")
    assert job.location.startswith("Lisbon, Portugal")


def test_the_job_form_refuses_a_country_that_is_no_code(client_for, recruiter, organization):
    job = make_job(organization, country="DE")

    response = client_for(recruiter).post(f"/jobs/{job.pk}/edit/", job_form_data(country="Narnia"))

    assert response.status_code == 400
    assert "Select a valid choice" in response.text
    job.refresh_from_db()
    assert job.country.code == "DE"


def test_the_job_form_refuses_negative_salaries_and_openings(client_for, recruiter, organization):
    job = make_job(organization, title="Kept", salary_min=10, openings=2)

    response = client_for(recruiter).post(
        f"/jobs/{job.pk}/edit/", job_form_data(title="Changed", salary_min="-5", salary_max="-1", openings="-3")
    )

    assert response.status_code == 400
    # Each at its field and again in the summary above the form.
    assert response.text.count("A salary can&#x27;t be negative.") == 4
    assert response.text.count("Openings can&#x27;t be negative.") == 2
    for name in ("salary_min", "salary_max", "openings"):
        assert re.search(rf'<input type="number" name="{name}"[^>]* min="0"', response.text)
    job.refresh_from_db()
    assert (job.title, job.salary_min, job.openings) == ("Kept", 10, 2)


def test_a_job_form_without_a_period_keeps_the_yearly_default(client_for, recruiter, organization):
    data = job_form_data()
    del data["salary_period"]

    response = client_for(recruiter).post("/jobs/new/", data)

    assert response.status_code == 302
    assert Job.objects.get(title="Backend Engineer").salary_period == "year"


# --- The migration's mapping of free-text countries ------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_migration_maps_free_text_countries_to_codes():
    migration = importlib.import_module("jobs.migrations.0005_key_questions_knockouts_country_codes")
    executor = MigrationExecutor(connection)
    before = [("jobs", "0004_job_site")]
    executor.migrate(before)
    try:
        old_apps = executor.loader.project_state(before).apps
        OldJob = old_apps.get_model("jobs", "Job")
        Organization = old_apps.get_model("accounts", "Organization")
        org = Organization.objects.create(name="Old", slug="old")
        written = {"a": "Germany", "b": "germany ", "c": "DE", "d": "fr", "e": "Atlantis", "f": "United Kingdom"}
        written |= {"g": "UK", "h": "USA", "i": "United States"}
        for slug, country in written.items():
            OldJob.objects.create(organization=org, title=slug, slug=slug, country=country)
        OldJob.objects.create(organization=org, title="j", slug="j", city="Lisbon", country="Lusitania")

        migration.country_codes(old_apps, None)

        codes = dict(OldJob.objects.values_list("slug", "country"))
        assert codes == {
            **{"a": "DE", "b": "DE", "c": "DE", "d": "FR", "e": "", "f": "GB"},
            **{"g": "GB", "h": "US", "i": "US", "j": ""},
        }
        # Text naming no country is kept as the city when there was none, never over one.
        assert dict(OldJob.objects.filter(slug__in=["e", "j"]).values_list("slug", "city")) == {
            "e": "Atlantis",
            "j": "Lisbon",
        }
    finally:
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
    assert global_apps.get_model("jobs", "Job")._meta.get_field("country").max_length == 2


# --- Applying: negative numbers, the duplicate page ------------------------------------------------


def number_question(job):
    return FormField.objects.create(
        form=job.application_form, key="years", label="Years of experience", field_type="number", order=99
    )


def test_a_negative_number_is_refused_with_its_message_and_the_input_says_min_0(client, organization):
    job = make_job(organization)
    number_question(job)

    page = client.get(apply_url(job))
    refused = client.post(apply_url(job), application_data(q_years="-2"))

    assert page.status_code == 200
    assert re.search(r'<input type="number" name="q_years"[^>]* min="0"', page.text)
    assert refused.status_code == 400
    assert "Enter 0 or more." in refused.text
    assert not Application.objects.exists()


def test_zero_and_fractions_are_fine(client, organization):
    job = make_job(organization)
    number_question(job)

    response = client.post(apply_url(job), application_data(q_years="0.5"))

    assert response.status_code == 302
    assert Application.objects.get().answers.get().value == 0.5


def test_applying_twice_shows_a_short_page_with_links_back_not_the_form(client, organization):
    job = make_job(organization, title="Welder")
    assert client.post(apply_url(job), application_data()).status_code == 302

    response = client.post(apply_url(job), application_data(first_name="Janet"))

    assert response.status_code == 409
    assert 'data-testid="already-applied"' in response.text
    assert "You've already applied for Welder" in response.text
    assert "We'll be in touch." in response.text
    assert f'href="{job_url(job)}"' in response.text
    assert f'href="{index_url(organization)}"' in response.text
    assert 'name="email"' not in response.text
    assert "<form" not in response.text
    assert Application.objects.count() == 1


def test_the_duplicate_page_escapes_the_jobs_title(client, organization):
    job = make_job(organization, title="<b>Welder</b>")
    client.post(apply_url(job), application_data())

    response = client.post(apply_url(job), application_data())

    assert response.status_code == 409
    assert "You've already applied for &lt;b&gt;Welder&lt;/b&gt;" in response.text


# --- /careers/ without an organisation -------------------------------------------------------------


def test_careers_alone_sends_a_member_to_their_own_page(client_for, recruiter, organization):
    response = client_for(recruiter).get("/careers/")

    assert response.status_code == 302
    assert response["Location"] == f"/careers/{organization.slug}/"


def test_careers_alone_is_a_clear_404_for_a_visitor(client):
    response = client.get("/careers/")

    assert response.status_code == 404
    assert 'data-testid="no-careers-page"' in response.text
    assert "No careers page at this address" in response.text
    assert "/careers/acme/" in response.text
    assert 'href="/accounts/login/?next=/careers/"' in response.text


def test_careers_alone_is_a_404_for_someone_of_no_organisation(client_for):
    response = client_for(UserFactory()).get("/careers/")

    assert response.status_code == 404
    assert "No careers page at this address" in response.text


def test_careers_alone_answers_get_and_head_only(client, client_for, recruiter):
    assert client.post("/careers/").status_code == 405
    assert client_for(recruiter).head("/careers/").status_code == 302


# --- The careers address to copy -------------------------------------------------------------------


@pytest.mark.parametrize("role", [Membership.Role.OWNER, Membership.Role.ADMIN, Membership.Role.RECRUITER])
def test_the_dashboard_shows_the_careers_address_to_those_who_manage_jobs(client_for, organization, role):
    user = MembershipFactory(organization=organization, role=role).user

    response = client_for(user).get("/")

    assert response.status_code == 200
    assert 'data-testid="careers-link"' in response.text
    url = f"http://testserver/careers/{organization.slug}/"
    assert f'<input class="form-control font-monospace" id="careers-url" value="{url}" readonly' in response.text
    assert 'data-copy="careers-url"' in response.text


@pytest.mark.parametrize("role", [Membership.Role.HIRING_MANAGER, Membership.Role.INTERVIEWER])
def test_the_dashboard_of_others_has_no_careers_address(client_for, organization, role):
    user = MembershipFactory(organization=organization, role=role).user

    response = client_for(user).get("/")

    assert response.status_code == 200
    assert 'data-testid="careers-link"' not in response.text


def test_a_published_jobs_page_offers_its_careers_address_to_copy(client_for, recruiter, organization):
    job = make_job(organization, title="Pilot")

    response = client_for(recruiter).get(f"/jobs/{job.pk}/")

    assert response.status_code == 200
    url = f"http://testserver/careers/{organization.slug}/{job.slug}/"
    assert f'id="job-careers-url" value="{url}" readonly data-select-on-focus' in response.text
    assert 'data-copy="job-careers-url" hidden' in response.text


def test_a_drafts_page_has_no_careers_address(client_for, recruiter, organization):
    job = make_job(organization, status="draft")

    response = client_for(recruiter).get(f"/jobs/{job.pk}/")

    assert response.status_code == 200
    assert 'data-testid="job-careers-url"' not in response.text


# --- Django admin ----------------------------------------------------------------------------------


def test_django_admin_is_titled_with_the_products_name(superuser_client):
    response = superuser_client.get("/admin/")

    assert response.status_code == 200
    assert "<title>ATS site administration | ATS administration</title>" in response.text
    assert ">ATS administration</a>" in response.text
    assert "<h1>ATS site administration</h1>" in response.text


# --- One date format -------------------------------------------------------------------------------


def test_one_date_format_product_wide():
    day, moment = datetime.date(2026, 12, 8), datetime.datetime(2026, 12, 8, 14, 5)
    rendered = Template('{{ day|date }}|{{ moment|date:"DATETIME_FORMAT" }}|{{ moment|date:"TIME_FORMAT" }}').render(
        Context({"day": day, "moment": moment})
    )

    assert rendered == "8 Dec 2026|8 Dec 2026, 14:05|14:05"
    assert formats.date_format(day) == "8 Dec 2026"
    assert formats.date_format(day, "SHORT_DATE_FORMAT") == "8 Dec 2026"


def test_the_job_pages_show_dates_in_the_shared_format(client, client_for, recruiter, organization):
    job = make_job(organization, deadline=datetime.date(2030, 3, 9))

    public = client.get(job_url(job))
    private = client_for(recruiter).get(f"/jobs/{job.pk}/")

    assert 'Apply by <time datetime="2030-03-09">9 Mar 2030</time>' in public.text
    assert '<dd class="col-7">9 Mar 2030</dd>' in private.text


def test_templates_write_no_display_format_of_their_own():
    """Dates go through the shared formats; only machine formats (ISO 8601, a cache-buster) are spelled out."""
    machine = {"Y-m-d", r"Y-m-d\TH:i:sO", "U.u", "c", "T"}
    named = {"DATE_FORMAT", "DATETIME_FORMAT", "TIME_FORMAT", "MONTH_DAY_FORMAT", "YEAR_MONTH_FORMAT"}
    root = Path(settings.BASE_DIR) / "templates"
    offenders = []
    for path in sorted(root.rglob("*.html")):
        name = path.relative_to(root).as_posix()
        for fmt in re.findall(r"\|date:[\"']([^\"']*)[\"']", path.read_text()):
            if fmt not in machine | named:
                offenders.append(f"{name}: {fmt}")
    assert offenders == []
