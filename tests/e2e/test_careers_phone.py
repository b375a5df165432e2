"""The careers site on a phone (375 px): the job page keeps an Apply button at the bottom of the screen while
it is read, and neither it nor the apply form (also after a refused submit) is wider than the screen."""

import pytest
from playwright.sync_api import expect

from jobs.models import FormField
from tests.factories import make_job

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 375, "height": 812}
LONG_WORD = "Donaudampfschifffahrtsgesellschaftskapitänsmütze" * 3


@pytest.fixture
def long_job(organization):
    description = "\n\n".join(f"Paragraph {n}: we build calm software for busy people." for n in range(30))
    job = make_job(
        organization,
        title=f"Engineer {LONG_WORD}",
        description=f"{description}\n\nSee https://example.com/{'a' * 120} and {LONG_WORD}.",
        salary_min=60000,
        salary_max=80000,
        show_salary=True,
    )
    FormField.objects.create(
        form=job.application_form, key="years", label=f"Years {LONG_WORD}", field_type="number", order=99
    )
    return job


def overflow(page):
    """How many pixels the page is wider than the screen (0 when nothing sticks out)."""
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def in_viewport(page, locator):
    box = locator.bounding_box()
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= page.viewport_size["height"]


def test_the_apply_button_stays_at_the_bottom_of_a_phones_screen(page, long_job):
    page.set_viewport_size(PHONE)
    page.goto(f"/careers/{long_job.organization.slug}/{long_job.slug}/")

    bar = page.get_by_test_id("sticky-apply")
    button = bar.get_by_role("link", name="Apply for this job")
    expect(button).to_be_visible()
    assert in_viewport(page, bar)
    # The sidebar's own button is the bar on phones: one Apply button to find, not two.
    expect(page.get_by_role("link", name="Apply for this job")).to_have_count(1)

    page.evaluate("window.scrollTo(0, 1500)")
    assert page.evaluate("window.scrollY") >= 1000  # the page is long enough to move under the bar
    assert in_viewport(page, bar)
    assert overflow(page) == 0

    button.click()
    expect(page).to_have_url(
        f"{page.url.split('/careers/')[0]}/careers/{long_job.organization.slug}/{long_job.slug}/apply/"
    )


def test_on_a_wide_screen_the_apply_button_is_in_the_sidebar_only(page, long_job):
    page.goto(f"/careers/{long_job.organization.slug}/{long_job.slug}/")

    expect(page.get_by_test_id("sticky-apply")).to_be_hidden()
    expect(page.get_by_role("link", name="Apply for this job")).to_have_count(1)
    expect(page.locator("aside").get_by_role("link", name="Apply for this job")).to_be_visible()


def test_the_apply_form_fits_a_phone_also_after_a_refused_submit(page, long_job):
    page.set_viewport_size(PHONE)
    page.goto(f"/careers/{long_job.organization.slug}/{long_job.slug}/apply/")
    assert overflow(page) == 0

    page.get_by_label(f"Years {LONG_WORD}").fill("-4")
    page.get_by_role("button", name="Submit application").click()

    expect(page.locator("#form-errors")).to_be_visible()
    expect(page.get_by_text("Enter 0 or more.").first).to_be_visible()
    assert overflow(page) == 0
