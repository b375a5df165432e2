import pytest
from django.contrib import auth

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_login_with_email_and_password_lands_on_the_dashboard(client, owner, organization):
    response = client.post("/accounts/login/", {"login": owner.email, "password": PASSWORD}, follow=True)

    assert response.redirect_chain[-1] == ("/", 302)
    assert response.status_code == 200
    assert auth.get_user(client).pk == owner.pk
    assert organization.name in response.text
    assert "Good to see you" in response.text


def test_login_with_a_wrong_password_shows_an_error(client, owner):
    response = client.post("/accounts/login/", {"login": owner.email, "password": "not-the-password"})

    assert response.status_code == 200
    assert "The email address and/or password you specified are not correct." in response.text
    assert auth.get_user(client).is_anonymous


def test_login_with_an_unknown_email_shows_an_error(client):
    response = client.post("/accounts/login/", {"login": "nobody@example.com", "password": PASSWORD})

    assert response.status_code == 200
    assert "are not correct" in response.text
    assert auth.get_user(client).is_anonymous


def test_dashboard_redirects_to_login_when_signed_out(client):
    response = client.get("/")

    assert response.status_code == 302
    assert response.url == "/accounts/login/?next=/"


def test_login_page_renders_in_our_layout(client):
    response = client.get("/accounts/login/")

    assert response.status_code == 200
    assert 'name="login"' in response.text
    assert 'name="password"' in response.text
    assert "css/app.css" in response.text


def test_email_login_is_case_insensitive(client, owner):
    assert owner.email == owner.email.lower()

    response = client.post("/accounts/login/", {"login": owner.email.upper(), "password": PASSWORD})

    assert response.status_code == 302
    assert response.url == "/"
    assert auth.get_user(client).pk == owner.pk


def test_login_follows_a_safe_next_url(client, owner):
    response = client.post("/accounts/login/?next=/organization/members/", {"login": owner.email, "password": PASSWORD})

    assert response.status_code == 302
    assert response.url == "/organization/members/"


def test_inactive_user_cannot_log_in(client):
    user = UserFactory(is_active=False)

    client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})

    assert auth.get_user(client).is_anonymous


def test_login_ignores_a_next_url_on_another_site(client, owner):
    response = client.post(
        "/accounts/login/?next=https://evil.example.com/", {"login": owner.email, "password": PASSWORD}
    )

    assert response.status_code == 302
    assert response.url == "/"
