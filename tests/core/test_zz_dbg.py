import pytest
from tests.core.test_asgi_streaming import *  # noqa
from tests.core import test_asgi_streaming as t
pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]

@pytest.fixture(autouse=True)
def _unstreamed(monkeypatch):
    import pipeline.candidates.views as v
    monkeypatch.setattr(v, "streamed", lambda request, response: response)
