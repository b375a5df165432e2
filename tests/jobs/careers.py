"""The careers site's addresses, as the tests of its pages and of its cache ask for them."""


def index_url(org):
    return f"/careers/{org.slug}/"


def job_url(job):
    return f"/careers/{job.organization.slug}/{job.slug}/"


def feed_url(org):
    return f"/careers/{org.slug}/feed.xml"
