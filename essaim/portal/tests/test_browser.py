import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_home(page, live_server, assert_accessible):
    page.goto(live_server.url + "/")
    assert page.locator("h1").first.is_visible()
    assert_accessible(page)
