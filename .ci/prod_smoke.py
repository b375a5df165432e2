"""The site run the production way answers real pages: login, a careers page, a signed-in dashboard.

Usage: prod_smoke.py http://127.0.0.1:PORT EMAIL PASSWORD CAREERS_PATH

Requests say they came over HTTPS (X-Forwarded-Proto, as behind the TLS proxy), so cookies are
Secure: this client keeps them itself rather than trusting a library to send Secure cookies over
plain HTTP. Exits non-zero, with what it saw, on anything but the expected answers.
"""

import re
import sys
import urllib.error
import urllib.parse
import urllib.request
from http.cookies import SimpleCookie


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


opener = urllib.request.build_opener(NoRedirect)
cookies = {}


def fetch(base, path, data=None):
    headers = {"X-Forwarded-Proto": "https", "Origin": base.replace("http://", "https://", 1)}
    headers["Referer"] = headers["Origin"] + path
    if cookies:
        headers["Cookie"] = "; ".join(f"{key}={value}" for key, value in cookies.items())
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    if not base.startswith("http://127.0.0.1:"):
        sys.exit("only the local server CI started is fetched")
    request = urllib.request.Request(base + path, data=body, headers=headers)  # noqa: S310 (checked above)
    try:
        response = opener.open(request, timeout=20)
    except urllib.error.HTTPError as error:
        response = error  # 3xx and 4xx/5xx arrive here; they are answers too
    for header in response.headers.get_all("Set-Cookie") or []:
        for key, morsel in SimpleCookie(header).items():
            cookies[key] = morsel.value
    return response.status, response.headers, response.read().decode("utf-8", "replace")


def expect(what, status, wanted):
    print(f"{what} -> {status}")
    if status != wanted:
        sys.exit(f"{what}: expected {wanted}, got {status}")


def main(base, email, password, careers_path):
    status, _, html = fetch(base, "/accounts/login/")
    expect("GET /accounts/login/", status, 200)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    if not token:
        sys.exit("the login page has no CSRF token")

    status, _, _ = fetch(base, careers_path)
    expect(f"GET {careers_path}", status, 200)

    form = {"csrfmiddlewaretoken": token.group(1), "login": email, "password": password}
    status, _, _ = fetch(base, "/accounts/login/", form)
    expect("POST /accounts/login/", status, 302)

    status, _, html = fetch(base, "/")
    expect("GET / (signed in)", status, 200)
    if 'action="/accounts/logout/"' not in html:
        sys.exit("the dashboard has no sign-out button: the session did not hold")


if __name__ == "__main__":
    main(*sys.argv[1:5])
