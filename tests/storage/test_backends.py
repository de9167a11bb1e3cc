"""Backend contract: the same checks against FAISS + SQLite ("local") and Milvus ("milvus",
through Milvus Lite in a temporary .db file): build, every search mode, filters, speakers,
folding, browsing, incremental add and delete, hostile queries.

The Milvus half needs `pymilvus[milvus-lite]` (the `test` extra installs it); it is skipped,
with the reason, only when pymilvus cannot be imported.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.build import build, build_distributed
from archive.cli import cli
from archive.config import load_config
from archive.errors import BadRequest, IndexNotFound, NotSupported
from archive.models import Filters
from archive.search import MODES, Searcher, make_filters
from archive.storage import Backend, archive_exists, open_backend
from archive.storage.milvus import PASSAGES, filter_expr, keyword_text, lit, read_state

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"
BACKENDS = ["local", "milvus"]
# the contract also runs on an archive made by the distributed build (Ray → Milvus Lite)
KINDS = BACKENDS + ["milvus-ray"]
JSON_FIELDS = {"rank", "score", "text", "title", "outlet", "date", "path", "article_id",
               "position", "passage_id", "section", "url", "speaker", "quote", "cue",
               "quote_start", "quote_end", "also_in", "page", "direct", "reason", "confidence"}
HOSTILE = ["", "   \n\t ", "NEAR(Lavrov Sherman, 2)", "AND OR NOT", '"Lavrov', "Lav*", "^Lavrov",
           "title: NATO", "((Lavrov)", "-Lavrov", "'; DROP TABLE passages; --", '" or 1 == 1 or "',
           "outlet in [\"CNN\"]", "🙂", "🇺🇦 Ukraine 🇷🇺", "Лавров сказал", "拉夫罗夫",
           "Lavrov\x00said", "\x1b[31mred\x1b[0m", "\\", "a" * 5000,
           ("Lavrov said the demands were unacceptable. " * 300)[:10_000] + " NEAR( \" * ^"]


def config_for(kind: str, root: Path):
    if kind in ("milvus", "milvus-ray"):
        pytest.importorskip("pymilvus", reason="the Milvus backend needs pymilvus[milvus-lite]")
        return load_config(index=str(root / "index"), backend="milvus",
                           milvus_uri=str(root / "milvus.db"))
    return load_config(index=str(root / "index"))


def builder(kind: str, request):
    """The build function for `kind`: the local pipeline (mirrored into Milvus for "milvus")
    or the distributed build on the session's local Ray."""
    if kind == "milvus-ray":
        request.getfixturevalue("ray_local")
        return lambda paths, config, embedder: build_distributed(
            paths, config, workers=2, embedder=embedder)
    return lambda paths, config, embedder: build(paths, config, embedder=embedder)


@pytest.fixture(scope="module", params=KINDS)
def built(request, tmp_path_factory, embedder):
    """(kind, Searcher, BuildReport) over the seeds, one build per backend."""
    config = config_for(request.param, tmp_path_factory.mktemp(f"contract-{request.param}"))
    report = builder(request.param, request)([SEEDS], config, embedder)
    searcher = Searcher(config, embedder=embedder)
    yield request.param, searcher, report
    searcher.close()


def test_build_report(built):
    kind, searcher, report = built
    assert (report.articles, report.added_articles) == (5, 5)
    assert report.passages > 50 and report.attributions > 20 and report.people > 5
    counts = searcher.counts()
    assert counts["articles"] == 5 and counts["passages"] == report.passages
    assert counts["attributions"] == report.attributions and counts["people"] == report.people
    assert searcher.backend.manifest()["model"] == searcher.embedder.name
    engine = {"local": "LocalBackend", "milvus": "MilvusBackend"}[kind.removesuffix("-ray")]
    assert type(searcher.backend).__name__ == engine


def test_backend_implements_the_whole_protocol(built):
    _, searcher, _ = built
    backend = searcher.backend
    members = {n for n in dir(Backend) if not n.startswith("_")} | set(
        Backend.__annotations__)
    assert {"stats", "stories", "neighbours", "hybrid", "groups"} <= members
    assert [n for n in sorted(members) if not hasattr(backend, n)] == []
    for flag in ("groups", "fuses_hybrid", "distributed_build"):
        assert isinstance(getattr(type(backend), flag), bool)


@pytest.mark.parametrize("fold", [False, True])
def test_capability_flags_say_what_the_engine_does(built, fold):
    """`fuses_hybrid`: hybrid() answers (else NotSupported and the Searcher fuses);
    `groups`: group=True gives one passage per near-duplicate cluster (else it is ignored)."""
    _, searcher, _ = built
    backend = searcher.backend
    text = "need to explain how unacceptable such demands are"
    vector = searcher.encode(text, backend)
    if backend.fuses_hybrid:
        assert backend.hybrid(vector, text, 10, Filters(), 60, group=fold)
    else:
        with pytest.raises(NotSupported):
            backend.hybrid(vector, text, 10, Filters(), 60, group=fold)
    ranked = backend.dense(vector, 30, Filters(), group=fold)
    rows = backend.fetch([d for d, _ in ranked])
    clusters = [rows[d]["cluster"] for d, _ in ranked if rows[d]["cluster"] is not None]
    assert (len(set(clusters)) == len(clusters)) == (fold and backend.groups)


def test_stats(built):
    kind, searcher, report = built
    stats = searcher.backend.stats()
    assert list(stats) == ["index", "generation", "articles", "passages", "attributions",
                           "people", "story_clusters", "model", "dimension", "built_at",
                           "bytes_on_disk", "versions"]
    counts = searcher.counts()
    assert {k: stats[k] for k in counts} == counts
    assert stats["model"] == searcher.embedder.name and stats["dimension"] == 384
    assert stats["generation"] and stats["built_at"] and stats["versions"]
    assert stats["bytes_on_disk"] > 0
    # the distributed build does not group articles into stories
    assert stats["story_clusters"] == (0 if kind == "milvus-ray" else 1)


def test_cli_reports_on_every_engine(built):
    """`archive stats`, `speakers` and `duplicates` open the configured engine."""
    kind, searcher, _ = built
    config = searcher.config
    env = {"ARCHIVE_BACKEND": config.backend, "ARCHIVE_MILVUS_URI": config.milvus_uri}

    def run(*args: str):  # noqa: ANN202
        return CliRunner().invoke(cli, [*args, "--index", config.index, "--json"], env=env)

    stats = {k: v for k, v in json.loads(run("stats").output).items() if k != "bytes_on_disk"}
    assert stats == {k: v for k, v in searcher.backend.stats().items() if k != "bytes_on_disk"}
    assert json.loads(run("speakers").output) == searcher.backend.people()
    duplicates = run("duplicates")
    if kind == "local":
        assert json.loads(duplicates.output) == searcher.backend.stories()
    else:
        assert duplicates.exit_code == 1 and "duplicates" in duplicates.output
        assert "Traceback" not in duplicates.output


def test_archive_exists(built, tmp_path):
    _, searcher, _ = built
    assert archive_exists(searcher.config)
    assert not archive_exists(config_for("local", tmp_path))
    with pytest.raises(BadRequest, match="unknown storage engine"):
        open_backend(load_config(index=str(tmp_path), backend="elastic"))


def test_milvus_archive_exists(tmp_path):
    pytest.importorskip("pymilvus", reason="the Milvus backend needs pymilvus[milvus-lite]")
    assert not archive_exists(config_for("milvus", tmp_path))


def test_stories(built):
    """The local engine lists the seeds' one story (a CNN article and its translation);
    Milvus keeps no near-duplicate passage links and says so."""
    kind, searcher, _ = built
    if kind != "local":
        with pytest.raises(NotSupported, match="duplicates"):
            searcher.backend.stories()
        return
    [story] = searcher.backend.stories()
    assert set(story) == {"story", "members", "shared_passages", "mean_similarity"}
    assert len(story["members"]) == 2 and story["shared_passages"] > 5
    assert 0.8 < story["mean_similarity"] <= 1
    assert set(story["members"][0]) == {"article_id", "title", "outlet", "date", "passages"}


def test_story_view(built):
    """Every engine answers the story view: the given articles (and their story's others)
    with their passages in reading order, near-identical ones sharing a cluster; `page`
    (a PDF's) is null for the seeds' text files, in the story view and in `fetch`."""
    _, searcher, _ = built
    hit = next(h for h in searcher.search("what did Lavrov say", k=10) if h.also_in)
    wanted = [hit.article_id, *(a["article_id"] for a in hit.also_in)]
    versions = searcher.backend.story(wanted)
    assert set(wanted) <= {v["article_id"] for v in versions}
    assert searcher.backend.story(["0123456789abcdef"]) == []
    for v in versions:
        assert set(v) == {"article_id", "title", "outlet", "date", "url", "story", "passages"}
        assert [p["position"] for p in v["passages"]] == sorted(p["position"]
                                                               for p in v["passages"])
        assert all(set(p) == {"id", "position", "section", "text", "cluster", "page"}
                   and p["page"] is None for p in v["passages"])
    mine = next(p for v in versions for p in v["passages"] if p["id"] == hit.passage_id)
    assert mine["cluster"] is not None
    assert sum(p["cluster"] == mine["cluster"] for v in versions for p in v["passages"]) >= 2
    assert searcher.backend.fetch([hit.passage_id])[hit.passage_id]["page"] is None


@pytest.mark.parametrize("mode", MODES)
def test_every_mode_returns_json_hits(built, mode):
    _, searcher, _ = built
    hits = searcher.search("risk of war in the OSCE region", k=5, mode=mode)
    assert [h.rank for h in hits] == [1, 2, 3, 4, 5]
    assert all(set(h.to_json()) == JSON_FIELDS for h in hits)
    assert any("risk of war in the OSCE region" in h.text for h in hits)
    scores = [h.score for h in hits]
    assert scores == sorted(scores, reverse=True)
    top = hits[0]
    row = searcher.backend.fetch([top.passage_id])[top.passage_id]
    assert (top.text, top.article_id, top.position, top.title) == (
        row["text"], row["article_id"], row["position"], row["title"])
    assert top.path and top.path.endswith(".txt")


def test_what_did_lavrov_say(built):
    _, searcher, _ = built
    hits = searcher.search("what did Lavrov say", k=3)
    assert hits and hits[0].speaker == "Sergei Lavrov" and hits[0].quote


@pytest.mark.parametrize("mode", MODES)
def test_filters(built, mode):
    _, searcher, _ = built
    cnn = searcher.search("NATO Russia talks", k=10, mode=mode, filters=make_filters(
        outlets=["CNN"]))
    assert cnn and all(h.outlet == "CNN" for h in cnn)
    dated = searcher.search("NATO Russia talks", k=10, mode=mode, filters=make_filters(
        date_from="2022-01-12", date_to="2022-01-31"))
    assert dated and all(h.date and "2022-01-12" <= h.date <= "2022-01-31" for h in dated)
    assert searcher.search("NATO", k=5, mode=mode,
                           filters=make_filters(outlets=["Nobody at all"])) == []
    one = cnn[0].article_id
    only = searcher.search("NATO Russia talks", k=10, mode=mode,
                           filters=make_filters(article_ids=[one]))
    assert only and all(h.article_id == one for h in only)


@pytest.mark.parametrize("mode", MODES)
def test_speaker_filter(built, mode):
    _, searcher, _ = built
    hits = searcher.search("demands", k=5, mode=mode, speaker="Lavrov")
    # his own words first (other passages may follow them: speakers.rank_by_speaker's last tier)
    assert hits and hits[0].speaker == "Sergei Lavrov"
    spoken = [h.speaker == "Sergei Lavrov" for h in hits]
    assert spoken == sorted(spoken, reverse=True)
    assert searcher.search("demands", k=5, mode=mode, speaker="Nobody Known") == []
    via_filter = searcher.search("demands", k=5, mode=mode, understand=False,
                                 filters=Filters(speakers=("Sergei Lavrov",)))
    assert via_filter and all(h.speaker == "Sergei Lavrov" for h in via_filter)
    assert searcher.search("demands", k=5, mode=mode, understand=False,
                           filters=Filters(speakers=("Nobody Known",))) == []


def test_speakers_list(built):
    _, searcher, _ = built
    people = searcher.backend.people()
    names = [p["name"] for p in people]
    assert "Sergei Lavrov" in names and "Wendy Sherman" in names
    assert [p["quotes"] for p in people] == sorted((p["quotes"] for p in people), reverse=True)
    lavrov = people[names.index("Sergei Lavrov")]
    assert set(lavrov) == {"name", "aliases", "roles", "quotes", "articles", "type"}
    # named sources are typed: a person is a person, a country is not
    kinds = {p["name"]: p["type"] for p in people}
    assert kinds["Sergei Lavrov"] == kinds["Wendy Sherman"] == "person"
    assert kinds.get("Russia") in ("place", "organization")
    quotes = searcher.backend.quotes_by("Sergei Lavrov")
    assert len(quotes) == lavrov["quotes"] and all(q["passage"] for q in quotes)


def test_folding_cnn_translation_pair(built):
    _, searcher, _ = built
    unfolded = searcher.search("need to explain how unacceptable such demands are", k=10,
                               mode="keyword", fold=False)
    copies = [h for h in unfolded if "unacceptable such demands" in h.text]
    assert len(copies) >= 2  # the CNN story and its translation
    folded = searcher.search("need to explain how unacceptable such demands are", k=10,
                             mode="keyword")
    top = [h for h in folded if "unacceptable such demands" in h.text]
    assert len(top) == 1 and top[0].also_in
    assert {a["article_id"] for a in top[0].also_in} & {h.article_id for h in copies}
    assert set(top[0].also_in[0]) == {"article_id", "title", "outlet", "date", "text"}


@pytest.mark.parametrize("mode", MODES)
def test_milvus_group_by_returns_one_passage_per_cluster(built, mode):
    """Milvus folds in the engine (group_by_field): no two candidates share a cluster, the
    ungrouped candidates do, and the folded hits equal the Python folding of the ungrouped
    list (the local backend's way)."""
    kind, searcher, _ = built
    if kind == "local":
        pytest.skip("group-by is the Milvus backend's")
    backend = searcher.backend
    query = "need to explain how unacceptable such demands are"
    plain = searcher.candidates(backend, query, mode, 30, Filters())
    grouped = searcher.candidates(backend, query, mode, 30, Filters(), group=True)
    rows = backend.fetch([d for d, _ in plain + grouped])
    key = {d: r["cluster"] if r["cluster"] is not None else -d for d, r in rows.items()}
    assert len({key[d] for d, _ in grouped}) == len(grouped)  # one per cluster
    assert len({key[d] for d, _ in plain}) < len(plain)  # the translations share clusters
    seen, python_folded = set(), []
    for d, _ in plain:
        if key[d] not in seen:
            seen.add(key[d])
            python_folded.append(d)
    # the engine keeps the same best passage of each cluster as folding in Python would
    top = [d for d, _ in grouped][:5]
    assert top == python_folded[:5]
    hits = searcher.search(query, k=5, mode=mode)
    assert len({key.get(h.passage_id, h.passage_id) for h in hits}) == len(hits)


def test_browsing(built):
    _, searcher, _ = built
    outlets = dict(searcher.backend.outlets())
    assert outlets.get("CNN", 0) >= 1
    lo, hi = searcher.backend.date_range()
    assert lo and hi and lo <= hi
    hit = searcher.search("risk of war in the OSCE region", k=1, mode="keyword")[0]
    article = searcher.article(hit.article_id)
    assert article["title"] == hit.title and article["passages"]
    middle = article["passages"][len(article["passages"]) // 2]
    ctx = searcher.backend.neighbours(middle["id"])
    assert [c["position"] for c in ctx] == [middle["position"] - 1, middle["position"],
                                            middle["position"] + 1]


@pytest.mark.parametrize("mode", MODES)
def test_hostile_queries_never_raise(built, mode):
    _, searcher, _ = built
    filters = [Filters(), make_filters(outlets=['CNN" or outlet != "x']),
               make_filters(date_from="2022-01-01", outlets=["CNN"])]
    queries = HOSTILE if mode == "keyword" else HOSTILE[::3]
    for i, query in enumerate(queries):
        f = filters[i % len(filters)]
        hits = searcher.search(query, k=5, mode=mode, filters=f)
        assert [h.rank for h in hits] == list(range(1, len(hits) + 1))
        if f.outlets:
            assert all(h.outlet in f.outlets for h in hits)
    assert searcher.search("   ", k=5, mode=mode) == []


def test_backends_answer_alike(tmp_path_factory, embedder, request):
    """Both backends hold the same archive: browsing answers are equal, dense retrieval (exact
    in both) returns the same passages in the same order."""
    pytest.importorskip("pymilvus", reason="the Milvus backend needs pymilvus[milvus-lite]")
    searchers = {}
    for kind in BACKENDS:
        config = config_for(kind, tmp_path_factory.mktemp(f"alike-{kind}"))
        build([SEEDS], config, embedder=embedder)
        searchers[kind] = Searcher(config, embedder=embedder)
    local, milvus = searchers["local"], searchers["milvus"]
    try:
        assert local.backend.people() == milvus.backend.people()
        assert local.backend.outlets() == milvus.backend.outlets()
        assert local.backend.date_range() == milvus.backend.date_range()
        assert local.counts() == milvus.counts()
        assert local.backend.aliases() == milvus.backend.aliases()
        for query in ("NATO expansion to the east", "what did Sherman say", "sanctions"):
            a = [h.passage_id for h in local.search(query, k=8, mode="dense", fold=False,
                                                    understand=False)]
            b = [h.passage_id for h in milvus.search(query, k=8, mode="dense", fold=False,
                                                     understand=False)]
            assert a == b
            a = local.search(query, k=5)
            b = milvus.search(query, k=5)
            assert {h.passage_id for h in a} & {h.passage_id for h in b}
        pid = local.search("sanctions", k=1)[0].passage_id
        assert local.backend.neighbours(pid) == milvus.backend.neighbours(pid)
        assert local.backend.attributions_for([pid]) == milvus.backend.attributions_for([pid])
        quotes_local = local.backend.quotes_by("Sergei Lavrov")
        quotes_milvus = milvus.backend.quotes_by("Sergei Lavrov")
        assert [(q["passage_id"], q["content"]) for q in quotes_local] == [
            (q["passage_id"], q["content"]) for q in quotes_milvus]
    finally:
        for s in searchers.values():
            s.close()


@pytest.mark.parametrize("kind", KINDS)
def test_incremental_add_and_delete(kind, tmp_path, embedder, request):
    run = builder(kind, request)

    def build(paths, config, embedder):  # noqa: ANN001, ANN202 - the kind's build
        return run(paths, config, embedder)

    config = config_for(kind, tmp_path)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    files = sorted(SEEDS.glob("*.txt"))
    for f in files[:2]:
        shutil.copy(f, corpus / f.name)
    first = build([corpus], config, embedder=embedder)
    searcher = Searcher(config, embedder=embedder)
    try:
        assert searcher.counts()["articles"] == 2
        # add a third article: only its passages are embedded
        shutil.copy(files[2], corpus / files[2].name)
        added = build([corpus], config, embedder=embedder)
        assert added.added_articles == 1 and added.embedded_passages < added.passages
        assert searcher.counts()["articles"] == 3  # the same searcher follows the new build
        assert searcher.counts()["passages"] == added.passages
        assert len(searcher_article_ids(searcher)) == 3
        # delete the first article: its passages leave every retriever
        (corpus / files[0].name).unlink()
        removed = build([corpus], config, embedder=embedder)
        assert removed.removed_articles == 1 and removed.added_articles == 0
        counts = searcher.counts()
        assert counts["articles"] == 2 and counts["passages"] == removed.passages
        gone = {h.article_id for h in searcher.search("Lavrov", k=50, mode="keyword", fold=False)}
        kept = searcher_article_ids(searcher)
        assert gone <= kept and len(kept) == 2
        for mode in MODES:
            for h in searcher.search("NATO talks", k=20, mode=mode, fold=False):
                assert h.article_id in kept
        # an unchanged rebuild changes nothing
        again = build([corpus], config, embedder=embedder)
        assert again.unchanged and searcher.counts() == counts
        assert first.articles == 2
    finally:
        searcher.close()


def searcher_article_ids(searcher) -> set[str]:
    hits = searcher.search("the", k=200, mode="keyword", fold=False)
    ids = {h.article_id for h in hits}
    for h in searcher.search("Russia NATO United States talks", k=200, mode="dense",
                             fold=False):
        ids.add(h.article_id)
    return ids


def test_milvus_expression_literals_are_inert():
    pytest.importorskip("pymilvus", reason="the Milvus backend needs pymilvus[milvus-lite]")
    assert lit('a" or id > 0 or "') == '"a\\" or id > 0 or \\""'
    assert lit("back\\slash\n") == '"back\\\\slash\\n"'
    assert lit("nul\x00byte") == '"nulbyte"'
    expr = filter_expr(make_filters(outlets=['CNN" or 1==1 or "'], speakers=["X"]), 3)
    assert expr.startswith("build_id <= 3 and ") and "array_contains_any" in expr
    assert keyword_text("what did he say about NATO?") == "nato"
    assert keyword_text("🙂 ^ * (") == ""


def test_milvus_missing_archive_is_a_clear_error(tmp_path):
    pytest.importorskip("pymilvus", reason="the Milvus backend needs pymilvus[milvus-lite]")
    config = load_config(index=str(tmp_path / "index"), backend="milvus",
                         milvus_uri=str(tmp_path / "none.db"))
    with pytest.raises(IndexNotFound):
        Searcher(config).search("anything", k=3, mode="keyword")


def test_milvus_uncommitted_rows_are_invisible_and_cleaned(tmp_path, embedder):
    """Rows of a build that died before committing (build_id > committed) are never read,
    and the next build deletes them; a Milvus that lags the local catalogue catches up."""
    pytest.importorskip("pymilvus", reason="the Milvus backend needs pymilvus[milvus-lite]")
    from dataclasses import replace

    config = config_for("milvus", tmp_path)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    files = sorted(SEEDS.glob("*.txt"))
    shutil.copy(files[0], corpus / files[0].name)
    build([corpus], config, embedder=embedder)
    searcher = Searcher(config, embedder=embedder)
    try:
        committed = read_state(searcher.backend.client)["committed"]
        ghost = {"id": 999_999, "text": "zanzibar ghost passage", "article_id": "ghost",
                 "position": 0, "section": None, "title": "ghost", "outlet": "CNN",
                 "date": "2022-01-01", "cluster": None, "fold": -999_999, "persons": [],
                 "sig": "x",
                 "build_id": committed + 1,
                 "dense": searcher.embedder.encode_query("zanzibar ghost passage").tolist()}
        searcher.backend.client.insert(PASSAGES, [ghost])
        searcher.backend.client.flush(PASSAGES)
        for mode in MODES:
            assert all(h.passage_id != 999_999 for h in
                       searcher.search("zanzibar ghost passage", k=5, mode=mode))
        assert searcher.counts()["passages"] == len(searcher.backend.filtered_ids(Filters()))
        # the local catalogue moves on without Milvus (as if the sync had failed)...
        shutil.copy(files[1], corpus / files[1].name)
        build([corpus], replace(config, backend="local"), embedder=embedder)
        assert searcher.counts()["articles"] == 1
        # ...and the next milvus build, with nothing new locally, catches Milvus up
        report = build([corpus], config, embedder=embedder)
        assert report.unchanged and searcher.counts()["articles"] == 2
        client = searcher.backend.client
        assert client.query(PASSAGES, filter="id == 999999", output_fields=["id"]) == []
        assert read_state(client)["synced"] is True
    finally:
        searcher.close()


# -- dates: undated articles counted, and included on request (issue 17) ----------------------
@pytest.mark.parametrize("mode", MODES)
def test_a_date_range_counts_the_undated_it_leaves_out_and_can_include_them(built, mode):
    _, searcher, _ = built
    backend = searcher.backend
    rows = backend.fetch(backend.filtered_ids(Filters()))
    undated = {i for i, r in rows.items() if not r["date"]}
    in_range = {i for i, r in rows.items() if r["date"] and "2022-01-12" <= r["date"] <= "2022-01-31"}
    assert undated and in_range, "the seeds hold dated and undated articles"
    dated = make_filters("2022-01-12", "2022-01-31")
    assert set(backend.filtered_ids(dated)) == in_range
    assert backend.undated_count(dated) == len(undated)
    included = make_filters("2022-01-12", "2022-01-31", include_undated=True)
    assert set(backend.filtered_ids(included)) == in_range | undated
    assert backend.undated_count(included) == 0 and backend.undated_count(Filters()) == 0
    # other filters still apply to what is counted: CNN's articles are all undated
    cnn = make_filters(date_from="2022-01-12", outlets=["CNN"])
    assert backend.undated_count(cnn) == sum(1 for i in undated if rows[i]["outlet"] == "CNN")
    hits = searcher.search("NATO Russia talks", k=20, mode=mode, filters=included)
    assert any(h.date is None for h in hits) and any(h.date for h in hits)
    assert all(h.date is None or "2022-01-12" <= h.date <= "2022-01-31" for h in hits)
    assert all(h.date for h in searcher.search("NATO Russia talks", k=20, mode=mode,
                                                filters=dated))


def test_mentions_answer_where_the_engine_stores_them(built):
    kind, searcher, _ = built
    backend = searcher.backend
    assert isinstance(type(backend).stores_mentions, bool)
    nato = make_filters(mentions=["NATO"])
    if not backend.stores_mentions:  # Milvus: one clear line, never a wrong answer
        for call in (backend.mentioned, lambda: backend.mentions_in([1]),
                     lambda: searcher.search("talks", k=3, filters=nato)):
            with pytest.raises(NotSupported, match="local engine"):
                call()
        return
    names = {m["name"]: m for m in backend.mentioned()}
    assert names["NATO"]["type"] == "org" and names["NATO"]["passages"] > 5
    hits = searcher.search("talks", k=10, filters=nato)
    assert hits
    found = backend.mentions_in([h.passage_id for h in hits])
    assert all(any(m["person"] == "NATO" for m in found[h.passage_id]) for h in hits)


def test_places_named_in_a_speakers_articles(built):
    """The places the articles quoting a person name, and in how many of them (what a
    question's "Scotland's first minister" is checked against); {} where the engine keeps
    no mentions."""
    kind, searcher, _ = built
    backend = searcher.backend
    top = backend.people()[0]["name"]
    near = backend.places_near([top, "Nobody Atall"])
    if not backend.stores_mentions:
        assert near == {}
        return
    assert "Nobody Atall" not in near
    places = near[top]
    assert places and all(isinstance(n, int) and n >= 1 for n in places.values())
    articles = {q["article_id"] for q in backend.quotes_by(top)}
    assert max(places.values()) <= len(articles)


def test_unsure_quotes_are_the_unlabelled_attributions_of_a_speaker(built):
    """Backend.unsure_quotes: the attributions whose extracted speaker is one of the names
    but that label nobody (kept below the label confidence), at least as confident as asked;
    what attributions_for holds, on every engine."""
    _, searcher, _ = built
    backend = searcher.backend
    every = backend.attributions_for(backend.filtered_ids(Filters()))
    rows = [(pid, a) for pid, atts in every.items() for a in atts
            if a.get("speaker") and not a.get("person") and a.get("confidence") is not None]
    assert rows, "the seeds hold attributions the build was unsure of"
    speakers = sorted({a["speaker"] for _, a in rows})
    for floor in (0.0, 0.5):
        want = sorted((pid, bool(a["direct"]), a["cue"]) for pid, a in rows
                      if a["confidence"] >= floor)
        assert sorted(backend.unsure_quotes(speakers, floor)) == want
    assert backend.unsure_quotes(["Nobody Atall"], 0.0) == backend.unsure_quotes([], 0.0) == []
