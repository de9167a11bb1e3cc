"""Attribution and folding as a user meets them: through the built seed index."""
from __future__ import annotations

from contextlib import closing
from pathlib import Path

import pytest

from archive.build.pipeline import build
from archive.search import Searcher, make_filters
from archive.search.understand import Linker, understand
from archive.storage import DB_NAME, IndexDir, open_backend
from archive.storage.sqlite import Store

SPEAKER_QUERIES = {
    "what did Lavrov say": "Lavrov",
    "What has Sergei Lavrov said about NATO?": "Lavrov",
    "quotes from Stoltenberg": "Stoltenberg",
    "what did Ryabkov say": "Ryabkov",
    "Sherman's remarks on the talks": "Sherman",
    "did Blinken say anything about progress": "Blinken",
    "Sullivan": "Sullivan",
}


@pytest.mark.parametrize("query,surname", SPEAKER_QUERIES.items())
def test_speaker_queries_put_own_direct_words_first(searcher, query, surname):
    hits = searcher.search(query, k=5)
    assert hits, query
    first = hits[0]
    assert first.speaker and surname in first.speaker
    assert first.quote and first.quote in first.text
    assert first.text[first.quote_start:first.quote_end] == first.quote


def test_misspelt_and_variant_names_resolve(searcher):
    for query in ("what did Sergey Lavrov say", "what did lavrov say", "what did Lavrof say"):
        hits = searcher.search(query, k=3)
        assert hits[0].speaker and "Lavrov" in hits[0].speaker, query
    riabco = searcher.search("what did Riabco say", k=10)
    assert riabco[0].speaker and "Ryabkov" in riabco[0].speaker


def test_named_inside_someone_elses_words_ranks_below_own_words(searcher):
    hits = searcher.search("what did Lavrov say", k=10, fold=False)
    own = [h.rank for h in hits if h.speaker and "Lavrov" in h.speaker]
    other = [h.rank for h in hits if "Lavrov" in h.text and not (h.speaker and "Lavrov" in h.speaker)]
    assert own and other
    assert max(own) < min(other)


def test_speaker_filter_restricts_to_that_persons_quotes(searcher):
    hits = searcher.search("NATO expansion", k=10, speaker="Stoltenberg")
    assert hits
    assert all(h.speaker and "Stoltenberg" in h.speaker for h in hits)
    people = {p["name"] for p in searcher.backend.people()}
    sherman = next(n for n in people if "Sherman" in n)
    filtered = searcher.search("talks", k=10, filters=make_filters(speakers=[sherman]))
    assert filtered and all("Sherman" in (h.speaker or "") or sherman in str(h.speaker)
                            for h in filtered[:1])


def test_unknown_speaker_gives_no_results(searcher):
    assert searcher.search("anything", k=5, speaker="Nobody Atall Xyz") == []


def test_people_group_spelling_variants(searcher):
    people = searcher.backend.people()
    lavrov = [p for p in people if "Lavrov" in p["name"]]
    assert len(lavrov) == 1
    assert {"Sergey Lavrov", "Sergei Lavrov"} <= set(lavrov[0]["aliases"]) | {lavrov[0]["name"]}
    blinken = [p for p in people if "Blinken" in p["name"]]
    assert len(blinken) == 1 and blinken[0]["quotes"] >= 3


def story_clusters(config) -> list[dict]:
    """What `archive duplicates` lists."""
    with closing(open_backend(config)) as backend:
        return backend.stories()


def test_seed_translations_are_the_only_story_cluster(seed_index, seed_config):
    clusters = story_clusters(seed_config)
    assert len(clusters) == 1
    paths = sorted(Path(m["article_id"]).name for m in clusters[0]["members"])
    assert len(paths) == 2
    searcher = Searcher(seed_config)
    try:
        titles = {searcher.article(m["article_id"])["path"].split("/")[-1][:3]
                  for m in clusters[0]["members"]}
    finally:
        searcher.close()
    assert titles == {"000", "001"}


def test_folding_lists_other_copies_and_no_fold_shows_them(searcher):
    folded = searcher.search("what did Lavrov say", k=10)
    top = folded[0]
    assert top.also_in, "the Lavrov quote appears in both CNN translations"
    other = top.also_in[0]
    assert other["article_id"] != top.article_id and "unacceptable" in other["text"]
    assert set(other) == {"article_id", "title", "outlet", "date", "text"}
    unfolded = searcher.search("what did Lavrov say", k=10, fold=False)
    texts = [h.text for h in unfolded]
    assert other["text"] in texts and top.text in texts
    assert all(h.also_in == [] for h in unfolded)


def test_clusters_follow_incremental_removal(seed_index, seed_config, embedder, tmp_path,
                                            seeds_copy):
    from archive.config import load_config

    config = load_config(index=str(tmp_path / "ix"))
    build([seeds_copy], config, embedder=embedder)
    [story] = story_clusters(config)
    # remove the article that names the story: the other must not keep its name
    namer = next(m for m in story["members"] if m["article_id"] == story["story"])
    other = next(m["article_id"] for m in story["members"] if m is not namer)
    with closing(open_backend(config)) as backend:
        Path(backend.article(namer["article_id"])["path"]).unlink()
    report = build([seeds_copy], config, embedder=embedder)
    assert report.removed_articles == 1 and report.embedded_passages == 0
    assert story_clusters(config) == []
    with closing(open_backend(config)) as backend:
        assert backend.article(other)["story"] == other
    s = Searcher(config, embedder=embedder)
    assert all(h.also_in == [] for h in s.search("what did Lavrov say", k=5))
    s.close()


def links_by_position(config) -> set[tuple]:
    """The near-duplicate links as ((file, position), (file, position), kind)."""
    store = Store(IndexDir(config.index_dir).require_current() / DB_NAME)
    try:
        where = {r[0]: (Path(r[1]).name, r[2]) for r in store.db.execute(
            "SELECT id, article_id, position FROM passages")}
        return {(*sorted((where[a], where[b])), kind) for a, b, kind, _ in store.links()}
    finally:
        store.close()


def test_an_added_article_finds_the_links_a_full_build_finds(seed_index, seed_config,
                                                             embedder, tmp_path, seeds_copy):
    """Adding the second translation links it to the first through its FAISS neighbours
    (only its own passages and theirs are read), exactly as one build of both does."""
    from archive.config import load_config

    full = links_by_position(seed_config)
    assert len(full) >= 10
    held = tmp_path / "held"
    held.mkdir()
    moved = next(seeds_copy.glob("001_*"))
    moved.rename(held / moved.name)
    config = load_config(index=str(tmp_path / "ix"))
    build([seeds_copy], config, embedder=embedder)
    assert story_clusters(config) == []
    build([held], config, mirror=False, embedder=embedder)
    assert links_by_position(config) == full
    assert len(story_clusters(config)) == 1


def people_for(query: str, aliases: dict[str, str]) -> list[str]:
    """The people whose words a question asks for, on an archive of just these aliases."""
    return understand(query, Linker(aliases)).people


def test_full_names_do_not_resolve_to_other_people_or_bare_names():
    aliases = {
        "Kelly Holmes": "Kelly Holmes", "Holmes": "Kelly Holmes", "Brad Holm": "Brad Holm",
        "Iran": "Iran", "Joan": "Joan", "Chuck Jordan": "Chuck Jordan",
        "John G. Roberts Jr.": "John G. Roberts Jr.", "John Robertson": "John Robertson",
        "Sergei Lavrov": "Sergei Lavrov", "Lavrov": "Sergei Lavrov",
        "Sergei Ryabkov": "Sergei Ryabkov", "Riabco": "Sergei Ryabkov"}
    assert people_for("what did Brad Holm say", aliases) == ["Brad Holm"]
    assert people_for("what did Chuck Jordan say", aliases) == ["Chuck Jordan"]
    assert people_for("what did John G. Roberts Jr. say", aliases) == [
        "John G. Roberts Jr."]
    # the generous matching is kept where it is needed: misspelt or bare names
    assert people_for("what did Sergei Lavrof say", aliases) == ["Sergei Lavrov"]
    assert "Sergei Ryabkov" in people_for("what did Riabkov say", aliases)
    assert "Kelly Holmes" in people_for("what did Holmes say", aliases)
