"""The parse thread's memos keep names, not documents: long distinct strings are computed, not pinned."""

import importlib

from papers.ingest import latex, names, topics
from papers.ingest.names import from_authors_parsed, split_author_string
from tests.factories import record_paper as paper, record_person as person

prepare = importlib.import_module("papers.ingest.load.prepare")


def memo_sizes():
    return {
        "byline": prepare._byline_fields.cache_info().currsize,
        "name_keys": prepare._name_keys.cache_info().currsize,
        "institution": prepare._institution_keys.cache_info().currsize,
        "segment": names._segment_name.cache_info().currsize,
        "parsed": names._parsed_name.cache_info().currsize,
        "latex": latex._convert_chunk.cache_info().currsize,
        "phrase_slug": topics.phrase_slug.cache_info().currsize,
        "word_class": len(topics._class_cache),
    }


def test_a_file_of_long_distinct_strings_leaves_the_memos_as_they_were():
    long_affiliation = "Institute of " + "x" * 5000
    long_name = "Y" * 2000
    # The short pieces below are fair entries of their own: the word "networks", the macro \alpha.
    topics.word_class("networks")
    latex.to_unicode("$" + r"\alpha+" * 100 + "$")
    before = memo_sizes()
    for i in range(3):
        line = prepare.byline_lines(paper(f"2305.{i:05d}", person("Ada", f"{long_name}{i}", affiliation=f"{long_affiliation}{i}")))
        assert f"{long_name}{i}" in line[0] and f"{long_affiliation}{i}"[:500] in line[0]
        assert split_author_string(f"{long_name}{i} (Somewhere)")[0].keyname == f"{long_name}{i}"
        assert from_authors_parsed([[f"{long_name}{i}", "Ada", ""]], f"Ada {long_name}{i}")[0].keyname == f"{long_name}{i}"
        assert latex.to_unicode("$" + r"\alpha+" * 100 + f"{i}$").startswith("α+")
        assert topics.phrase_slug(f"{'z' * 400}{i} networks") == "z" * 200  # cut as stored
        topics.word_class("q" * 200 + str(i))
    assert memo_sizes() == before


def test_short_names_are_memoised_and_give_what_the_unmemoised_path_gives():
    record = paper("2305.10000", person("Grace", "Hopper", affiliation="Yale University"))
    memoised = prepare.byline_lines(record)
    direct = prepare._byline_fields.__wrapped__("Grace Hopper", "Hopper", "Grace", "", "Yale University", False, "")
    assert memoised == [f"0\t{direct}"]
    assert prepare._byline_fields.cache_info().currsize >= 1
