"""Invisible characters and look-alike letters in names (issue 15, item 17)."""

import pytest

from papers.ingest import keys
from papers.ingest.keys import display_name, initials_key, name_key, slug_base
from papers.ingest.names import from_authors_parsed, from_keyname_forenames, split_author_string
from tests.factories import AuthorFactory

ZWSP = "\u200b"


def _keys(name):
    return name_key(name.keyname, name.forenames), slug_base(display_name(name.keyname, name.forenames))


@pytest.mark.parametrize("invisible", [
    "\u200b",  # zero-width space
    "\u200e",  # left-to-right mark
    "\u2060",  # word joiner
    "\u00ad",  # soft hyphen
    "\ufeff",  # zero-width no-break space (BOM)
])
def test_a_byline_with_an_invisible_character_gets_the_real_names_keys_and_slug(invisible):
    real = split_author_string("Zechun Liu, Jane Doe")[0]
    forged = split_author_string(f"Ze{invisible}chun Liu, Jane Doe")[0]
    assert (forged.keyname, forged.forenames) == ("Liu", "Zechun")
    assert _keys(forged) == _keys(real) == ("liu|zechun", "zechun-liu")


def test_every_import_path_strips_format_characters_from_names():
    parsed = from_authors_parsed([["Liu", f"Ze{ZWSP}chun", ""]], f"Ze{ZWSP}chun Liu")[0]
    oai = from_keyname_forenames(f"L{ZWSP}iu", f"Ze{ZWSP}chun")
    for name in (parsed, oai):
        assert (name.keyname, name.forenames) == ("Liu", "Zechun")


def test_keys_and_display_names_drop_format_characters_whatever_the_caller():
    assert name_key("Liu", f"Ze{ZWSP}chun") == name_key("Liu", "Zechun")
    assert initials_key(f"{ZWSP}Liu", "Zechun") == initials_key("Liu", "Zechun")
    assert display_name(f"Li{ZWSP}u", "Zechun") == "Zechun Liu"


def test_joiners_that_shape_persian_letters_stay_in_the_display_name_but_not_the_key():
    persian = "\u0645\u06cc\u200c\u0631\u0632\u0627"  # ZWNJ between two Arabic-script letters
    assert keys.strip_format_chars(persian) == persian
    assert "\u200c" not in name_key(persian, "")
    assert keys.strip_format_chars("Ze\u200cchun") == "Zechun"  # between Latin letters it is only invisible


def test_a_greek_zeta_keeps_its_own_key_but_is_flagged_as_a_look_alike():
    latin = split_author_string("Zechun Liu")[0]
    greek = split_author_string("\u0396echun Liu")[0]
    assert name_key(greek.keyname, greek.forenames) != name_key(latin.keyname, latin.forenames)
    assert keys.confusable_letters("\u0396echun Liu") == [("\u0396", "GREEK", "Z")]
    assert keys.confusable_letters("Zechun Liu") == []
    assert keys.confusable_letters("Ζήνων Παπαδόπουλος") == []  # a Greek name in Greek is no look-alike
    assert keys.confusable_letters("Jürgen Müller") == []


@pytest.mark.django_db
def test_the_look_alike_record_says_so_on_its_profile(client):
    AuthorFactory(display_name="Zechun Liu", slug="zechun-liu")
    AuthorFactory(display_name="\u0396echun Liu", slug="echun-liu")
    real = client.get("/researchers/zechun-liu/").content.decode()
    fake = client.get("/researchers/echun-liu/").content.decode()
    assert "data-look-alike-name" not in real
    assert "data-look-alike-name" in fake and "is Greek, not “Z”" in fake
