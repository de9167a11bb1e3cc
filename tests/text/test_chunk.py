"""Passages: one per paragraph, long paragraphs cut at sentence ends within the model window."""
from __future__ import annotations

from archive.text.chunk import approx_tokens, passages_of, split_long, split_sentences
from archive.models import Article, Paragraph


def test_sentences_not_cut_after_titles_or_initials():
    text = ("Mr. Sullivan met Dr. Moll at 9 a.m. in St. Petersburg. "
            "U.S. officials said J. R. Tolkien was not invited. “It was fine,” she said. "
            "Then they left!")
    assert split_sentences(text) == [
        "Mr. Sullivan met Dr. Moll at 9 a.m. in St. Petersburg.",
        "U.S. officials said J. R. Tolkien was not invited.",
        "“It was fine,” she said.",
        "Then they left!",
    ]


def test_sentence_split_keeps_every_character():
    text = "One. Two? “Three!” Four… Five (six). Seven"
    assert " ".join(split_sentences(text)) == text


def test_short_paragraph_is_one_passage():
    assert split_long("A short paragraph.", 256, approx_tokens) == ["A short paragraph."]


def long_paragraph(n: int) -> str:
    return " ".join(f"Sentence number {i} tells the reader about harbour ferry timetable "
                    f"change {i} in some detail." for i in range(n))


def test_long_paragraph_split_within_window_with_real_tokenizer(embedder):
    text = long_paragraph(60)
    count = embedder.count_tokens
    assert count(text) > 256
    pieces = split_long(text, 128, count)
    assert len(pieces) > 2
    assert all(count(p) <= 128 for p in pieces)
    assert " ".join(pieces) == text  # nothing lost, nothing repeated
    assert all(p.endswith(".") for p in pieces)  # cut at sentence ends


def test_single_giant_sentence_is_hard_wrapped(embedder):
    words = [f"word{i}" for i in range(800)]
    text = " ".join(words)
    pieces = split_long(text, 64, embedder.count_tokens)
    assert all(embedder.count_tokens(p) <= 64 for p in pieces)
    assert " ".join(pieces).split() == words


def test_passages_of_numbers_positions_and_keeps_sections():
    article = Article(article_id="a1", title="T", path="p", paragraphs=[
        Paragraph("First paragraph of the story."),
        Paragraph(long_paragraph(40), section="Background"),
        Paragraph("Last paragraph.", section="Background"),
    ])
    passages = passages_of(article, max_tokens=64)
    assert [p.position for p in passages] == list(range(len(passages)))
    assert len(passages) > 3
    assert passages[0].section is None and passages[0].text == "First paragraph of the story."
    assert all(p.section == "Background" for p in passages[1:])
    assert all(p.article_id == "a1" for p in passages)
    assert passages[-1].text == "Last paragraph."
    assert all(approx_tokens(p.text) <= 64 for p in passages)


def test_seed_passages_fit_the_model_window(seed_index, searcher, embedder):
    store = searcher.backend.store
    texts = [r[0] for r in store.db.execute("SELECT text FROM passages")]
    limit = min(searcher.config.max_tokens, embedder.max_tokens)
    assert texts and all(embedder.count_tokens(t) <= limit for t in texts)


def test_short_texts_surely_fit_whatever_the_tokenizer():
    """A text of fewer UTF-8 bytes than the window (less the special tokens) is kept whole
    without counting: the packaged model's tokenizer never makes more word pieces than
    bytes, even of accents, CJK and symbols."""
    from archive.config import load_config
    from archive.embed import OnnxEmbedder
    from archive.text.chunk import SPECIAL_TOKENS, surely_fits

    embedder = OnnxEmbedder(load_config().model_path)
    for text in ["Zoë Ŝtraße’s «quote» — 東京 ☃ 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 !!??", "a" * 40, "x-y-z " * 12,
                 "Ĳsselmeer ǅemal ﬁnance ½ №5"]:
        assert embedder.count_tokens(text) <= len(text.encode("utf-8")) + SPECIAL_TOKENS
    assert surely_fits("word " * 50, 256) and not surely_fits("word " * 60, 256)
    calls = []
    assert split_long("short enough", 256, lambda t: calls.append(t) or 999) == ["short enough"]
    assert calls == []  # the tokenizer was not asked


def counting_every_join(text: str, max_tokens: int, count) -> list[str]:  # noqa: ANN001
    """How long paragraphs were cut before stop 18 (for sentences that fit the window):
    sentences added one by one, the whole join counted at each step."""
    if count(text) <= max_tokens:
        return [text]
    pieces, current = [], ""
    for sentence in split_sentences(text):
        joined = f"{current} {sentence}".strip()
        if current and count(joined) > max_tokens:
            pieces.append(current)
            current = sentence
        else:
            current = joined
    return pieces + ([current] if current else [])


def test_summed_sentence_counts_cut_as_counting_every_join(embedder):
    """Long paragraphs are cut by adding their sentences' token counts; with the model's
    word-piece tokenizer that gives the very pieces of counting each longer join, and with
    a counter whose counts do not add up every piece still fits."""
    from tests.conftest import seed_articles

    count = embedder.count_tokens
    paragraphs = [p.text for article in seed_articles() for p in article.paragraphs]
    for limit in (40, 64):
        long = [t for t in paragraphs if count(t) > limit
                and all(count(s) <= limit for s in split_sentences(t))]
        assert len(long) >= 3
        for text in long:
            assert split_long(text, limit, count) == counting_every_join(text, limit, count)

    def uneven(t: str) -> int:  # a join costs more than its parts (as byte-level BPE may)
        return approx_tokens(t) + t.count(" ") // 3
    for text in paragraphs:
        assert all(uneven(p) <= 40 for p in split_long(text, 40, uneven))
