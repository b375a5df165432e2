import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from accounts.models import Organization
from tests.factories import MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db

URL = "/organization/"


def valid_data(**overrides):
    data = {
        "name": "Acme Hiring",
        "slug": "acme-hiring",
        "website": "https://acme.example.com",
        "description": "We build anvils.",
        "industry": "Manufacturing",
        "size": "11-50",
        "brand_colour": "#aa3300",
        "careers_intro": "Come and build anvils with us.",
        "privacy_policy_url": "https://acme.example.com/privacy",
        "data_retention_days": "180",
        "timezone": "Pacific/Auckland",
    }
    data.update(overrides)
    return data


def png_file(name="logo.png"):
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def test_owner_sees_the_settings_form(client_for, owner, organization):
    response = client_for(owner).get(URL)

    assert response.status_code == 200
    assert "Organisation settings" in response.text
    assert f'value="{organization.name}"' in response.text
    assert 'name="data_retention_days"' in response.text


def test_owner_saves_the_settings(client_for, owner, organization):
    client = client_for(owner)

    response = client.post(URL, valid_data())

    assert response.status_code == 302
    assert response.url == URL
    organization.refresh_from_db()
    assert organization.name == "Acme Hiring"
    assert organization.slug == "acme-hiring"
    assert organization.website == "https://acme.example.com"
    assert organization.size == "11-50"
    assert organization.brand_colour == "#aa3300"
    assert organization.careers_intro == "Come and build anvils with us."
    assert organization.privacy_policy_url == "https://acme.example.com/privacy"
    assert organization.data_retention_days == 180
    assert "Organisation settings saved." in client.get(URL).text


def test_admin_can_save_the_settings(client_for, organization):
    admin = MembershipFactory(organization=organization, role="admin").user

    client_for(admin).post(URL, valid_data(name="Set by admin"))

    organization.refresh_from_db()
    assert organization.name == "Set by admin"


def test_logo_upload_is_stored_under_media_root(client_for, owner, organization, settings):
    response = client_for(owner).post(URL, {**valid_data(), "logo": png_file()})

    assert response.status_code == 302
    organization.refresh_from_db()
    assert organization.logo.name.startswith("logos/")
    assert organization.logo.path.startswith(str(settings.MEDIA_ROOT))


def test_a_file_that_is_not_an_image_is_refused_as_logo(client_for, owner, organization):
    fake = SimpleUploadedFile("logo.png", b"not an image", content_type="image/png")

    response = client_for(owner).post(URL, {**valid_data(), "logo": fake})

    assert response.status_code == 200
    assert "Upload a valid image." in response.text
    organization.refresh_from_db()
    assert not organization.logo


def test_a_logo_over_2_mb_is_refused(client_for, owner, organization):
    buffer = io.BytesIO()
    Image.new("RGB", (1000, 800), "blue").save(buffer, format="BMP")  # uncompressed: about 2.4 MB
    big = SimpleUploadedFile("logo.bmp", buffer.getvalue(), content_type="image/bmp")

    response = client_for(owner).post(URL, {**valid_data(), "logo": big})

    assert response.status_code == 200
    assert "The logo must be 2 MB or smaller." in response.text
    organization.refresh_from_db()
    assert not organization.logo


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("brand_colour", "red", "Use a colour like #1f6feb."),
        ("brand_colour", "#12345", "Use a colour like #1f6feb."),
        ("slug", "admin", "This address is reserved. Choose another."),
        ("slug", "Acme--Hiring", "Use lowercase letters, digits and single hyphens."),
        ("data_retention_days", "5", "Choose between 30 and 3,650 days."),
        ("data_retention_days", "4000", "Choose between 30 and 3,650 days."),
        ("name", "", "This field is required."),
        ("website", "not a url", "Enter a valid URL."),
    ],
)
def test_invalid_values_show_errors_save_nothing_and_keep_what_was_typed(
    client_for, owner, organization, field, value, error
):
    before = Organization.objects.values().get(pk=organization.pk)

    response = client_for(owner).post(URL, valid_data(**{field: value}))

    assert response.status_code == 200
    assert "Please correct the highlighted fields" in response.text
    assert error.replace("'", "&#x27;") in response.text
    assert Organization.objects.values().get(pk=organization.pk) == before
    # The other fields keep what was typed, so nothing has to be entered twice.
    kept = "Acme Hiring" if field != "name" else "acme-hiring"
    assert f'value="{kept}"' in response.text
    assert "Come and build anvils with us." in response.text
    if value:
        assert f'value="{value}"' in response.text


def test_another_organisations_slug_is_refused(client_for, owner, organization):
    OrganizationFactory(slug="taken")

    response = client_for(owner).post(URL, valid_data(slug="taken"))

    assert response.status_code == 200
    assert "Organization with this Slug already exists." in response.text
    organization.refresh_from_db()
    assert organization.slug != "taken"


def test_recruiter_gets_403(client_for, recruiter, organization):
    client = client_for(recruiter)

    page = client.get(URL)
    response = client.post(URL, valid_data(name="Hijacked"))

    assert page.status_code == 403
    assert "You can't open this page" in page.text
    assert response.status_code == 403
    organization.refresh_from_db()
    assert organization.name == "Acme Corp"


def test_recruiter_does_not_see_the_settings_link(client_for, recruiter):
    response = client_for(recruiter).get("/")

    assert response.status_code == 200
    assert 'href="/organization/members/"' in response.text  # the signed-in navigation rendered
    assert 'href="/organization/"' not in response.text


def test_signed_out_visitor_is_sent_to_login(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert response.url == "/accounts/login/?next=/organization/"
