import pytest

from demo.lancashire import load_zones
from zones.postcode import postcode_district
from zones.selectors import zone_for_postcode


@pytest.mark.parametrize(("text", "district"), [("PR1 8XJ", "PR1"), ("pr18xj", "PR1"), ("LA1", "LA1"), (" bb18 6ab ", "BB18")])
def test_it_finds_the_district_of_a_postcode(text, district):
    assert postcode_district(text) == district


@pytest.mark.parametrize("text", ["", "hello", "12345", "PR1 8X"])
def test_it_rejects_text_that_is_not_a_postcode(text):
    with pytest.raises(ValueError, match="not a UK postcode"):
        postcode_district(text)


@pytest.mark.django_db
def test_a_zone_is_found_from_a_postcode():
    load_zones()
    assert zone_for_postcode("BB7 2AA").name == "Pendle and Ribble Valley"
    assert zone_for_postcode("M1 1AA") is None
