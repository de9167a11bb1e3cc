"""A speaker described, not named ("The Republican nominee said"), resolved by a build with
the roles its other articles, or the archive, give the people the article quotes (real
model, real SQLite)."""
from __future__ import annotations

from archive.build import build
from archive.models import Filters
from archive.storage import DB_NAME, IndexDir
from archive.storage.sqlite import Store

ROLE_GIVEN = ("Plant stays open\n\n"
              "Republican presidential nominee Dana Morrow said on Monday that the steel "
              "plant in Harlow would stay open.\n")
DESCRIBED = ("Morrow tours the harbour\n\n"
             "Dana Morrow toured the harbour of Port Ellis on Tuesday. “The port will grow "
             "again,” Morrow said.\n\n"
             "The Republican nominee said the new ferry terminal would open in the spring.\n")


def described_speakers(config) -> list:
    store = Store(IndexDir(config.index_dir).require_current() / DB_NAME)
    try:
        return [r["speaker"] for r in store.db.query(
            "SELECT speaker FROM attributions WHERE speaker_text = 'The Republican nominee'")]
    finally:
        store.close()


def test_a_description_is_resolved_with_another_articles_role(archive_of):
    config, _ = archive_of("described", {"a.txt": ROLE_GIVEN, "b.txt": DESCRIBED})
    assert described_speakers(config) == ["Dana Morrow"]


def test_a_later_build_resolves_with_the_archives_roles(archive_of, embedder):
    config, _ = archive_of("described_later", {"a.txt": ROLE_GIVEN})
    src = config.index_dir.parent / "src"
    (src / "b.txt").write_text(DESCRIBED, encoding="utf-8")
    build([src], config, embedder=embedder)
    assert described_speakers(config) == ["Dana Morrow"]


def test_without_the_role_the_description_stays_unresolved(archive_of):
    config, _ = archive_of("undescribed", {"b.txt": DESCRIBED})
    assert described_speakers(config) == [None]


def test_a_role_a_later_article_gives_resolves_an_older_description(archive_of, embedder):
    config, _ = archive_of("described_earlier", {"b.txt": DESCRIBED})
    assert described_speakers(config) == [None]
    src = config.index_dir.parent / "src"
    (src / "a.txt").write_text(ROLE_GIVEN, encoding="utf-8")
    report = build([src], config, embedder=embedder)
    assert described_speakers(config) == ["Dana Morrow"]
    assert report.added_articles == 1  # the older article was not attributed again


OTHER = ("Ferry timetable cut\n\n"
         "The ferry operator said on Friday that winter sailings to Port Ellis would be cut "
         "to two a day.\n")


def test_a_build_looks_only_where_its_roles_can_resolve_a_description(archive_of):
    """An added article's roles can only resolve descriptions in itself and in the articles
    quoting the people it gives a role: those are the ones a build visits, not the archive."""
    config, _ = archive_of("described_scope", {"a.txt": ROLE_GIVEN, "b.txt": DESCRIBED,
                                               "c.txt": OTHER})
    store = Store(IndexDir(config.index_dir).require_current() / DB_NAME)
    try:
        ids = {path.rsplit("/", 1)[-1]: a for a, path in store.db.execute(
            "SELECT article_id, path FROM articles")}
        assert store.articles_taught([ids["a.txt"]]) == {ids["a.txt"], ids["b.txt"]}
        assert store.articles_taught([ids["c.txt"]]) == {ids["c.txt"]}
        described = {a for _, a, _ in store.described_attributions()}
        assert ids["c.txt"] in described  # "The ferry operator": a description, nobody's
        assert {a for _, a, _ in store.described_attributions([ids["a.txt"], ids["b.txt"]])
                } <= {ids["a.txt"], ids["b.txt"]}
    finally:
        store.close()


def test_the_distributed_build_resolves_descriptions_too(ray_local, tmp_path, embedder):
    """Ray → Milvus: the same description resolved to the same person, who is then labelled
    as the speaker of those words like any other of hers."""
    from archive.build import build_distributed
    from archive.config import load_config
    from archive.search import Searcher

    src = tmp_path / "src"
    src.mkdir()
    (src / "a.txt").write_text(ROLE_GIVEN, encoding="utf-8")
    (src / "b.txt").write_text(DESCRIBED, encoding="utf-8")
    config = load_config(index=str(tmp_path / "index"), backend="milvus",
                         milvus_uri=str(tmp_path / "milvus.db"))
    build_distributed([src], config, workers=2, embedder=embedder)
    searcher = Searcher(config, embedder=embedder)
    try:
        backend = searcher.backend
        every = backend.attributions_for(backend.filtered_ids(Filters()))
        described = [a for atts in every.values() for a in atts
                     if a["speaker_text"] == "The Republican nominee"]
        assert [a["speaker"] for a in described] == ["Dana Morrow"]
        hit = next(h for h in searcher.search("what did Dana Morrow say about the ferry", k=5)
                   if "ferry terminal" in h.text)
        assert hit.speaker == "Dana Morrow"
    finally:
        searcher.close()
