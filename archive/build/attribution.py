"""Attribution of a build's new articles: spaCy and the rules on the calling thread, the
quote tagger on a second one (the model embeds on a third: build.embedding). A build of
PARSE_MIN_ARTICLES or more parses in spaCy's worker processes (`nlp.pipe(n_process=...)`)
while the calling thread runs the rules on what is parsed.

Why a thread of its own for the tagger: spaCy and the rules cost about 17 ms a paragraph
and the tagger about 12 (one thread each, BBC). Run one after the other on one thread, the
attribution outlasts the embedding and leaves a core idle; the tagger and the model
runtimes spend their time in native code, outside the interpreter lock, so on its own
thread the tagger reads an article while spaCy parses the next (benchmarks/README.md,
"Build throughput with attribution").
"""
from __future__ import annotations

import os
import queue
import threading
from collections import defaultdict
from collections.abc import Iterable, Sequence

from archive.build.report import BuildReport, Progress, progress_bar
from archive.build.stages import attribute_passages, fill_passages, isolated
from archive.models import Article, Mention, Passage
from archive.quotes import (RulePass, described_holders, description_words, docs_analysis,
                            parse_articles, rule_analysis, stored_attributions)
from archive.storage.sqlite import Store

QUEUED = 16  # articles parsed ahead of the tagger at most (their parses are held)
# spaCy's worker processes in a build of PARSE_MIN_ARTICLES or more (none on one core): on
# two cores a build of 417 BBC articles took 37.8 s instead of 42.2 (benchmarks/README.md)
PARSE_PROCESSES = min(4, os.cpu_count() or 1)
PARSE_MIN_ARTICLES = 16


def attribute(articles: list[Article], passages: dict[str, list[Passage]],
              progress: Progress | None, report: BuildReport, tagger=None) -> None:  # noqa: ANN001
    """Who said what in each new passage (spaCy, loaded only when there is new text); an
    article whose attribution fails is reported and dropped from `passages`."""
    if not articles:
        return
    bar = progress_bar(sum(len(passages[a.article_id]) for a in articles), "attributing",
                       progress)  # ticks per passage parsed, so a long article moves too
    tagging = TaggerThread(tagger, passages, report) if tagger is not None else None
    parses = _parses(articles, passages)
    try:
        for article in articles:
            ps, done = passages[article.article_id], [0]

            def tick(n: int) -> None:
                done[0] += n
                bar(n)
            docs = _next_parse(parses)
            if docs is not None:  # parsed by the worker processes
                tick(len(docs))
                step, args = ((_rules_only, (docs, ps)) if tagging is None else
                              (docs_analysis, (docs,)))
            else:  # with the tagger, only the rules here: it runs on its own thread
                step, args = ((attribute_passages, (ps, tick)) if tagging is None else
                              (rule_analysis, ([p.text for p in ps], tick)))
            got = isolated(report, article, "quotes could not be attributed", step, *args)
            if got is not None and tagging is not None:
                tagging.put(article, *got)
            if got is None:
                del passages[article.article_id]
            if done[0] < len(ps):  # a failed article: its passages count as done
                bar(len(ps) - done[0])
            if tagging is not None:
                tagging.check()
    except BaseException:
        if tagging is not None:
            tagging.close(discard=True)
        raise
    finally:
        if parses is not None:
            parses.close()  # stops spaCy's worker processes
    if tagging is not None:
        tagging.close()


def _parses(articles: list[Article], passages: dict[str, list[Passage]]):  # noqa: ANN202
    """The articles' paragraphs parsed in PARSE_PROCESSES worker processes, one article's
    docs at a time, or None for a build too small to repay starting them."""
    if len(articles) < PARSE_MIN_ARTICLES or PARSE_PROCESSES < 2:
        return None
    texts = [[p.text for p in passages[a.article_id]] for a in articles]
    return parse_articles(texts, n_process=PARSE_PROCESSES)


def _rules_only(docs: list, ps: list[Passage]) -> list[Passage]:
    """attribute_passages without the quote tagger, for an article parsed already."""
    ruled, mentions = docs_analysis(docs)
    fill_passages(ps, stored_attributions(ruled.tagged(None)), mentions)
    return ps


def _next_parse(parses):  # noqa: ANN001, ANN202
    """The next article's docs from `parses`, or None (no stream, or it failed: the
    article is then parsed on this thread, where a failure is its own)."""
    if parses is None:
        return None
    try:
        return next(parses)
    except Exception:  # noqa: BLE001 - the stream is spent; each article then parses alone
        return None


class TaggerThread:
    """The quote tagger's pass over parsed articles, on its own thread: articles are `put`
    as their rules finish and their passages filled with attributions and mentions. A
    failure there is raised by the next `check` or by `close`; an article whose pass fails
    is reported and dropped, as on the calling thread."""

    def __init__(self, tagger, passages: dict[str, list[Passage]],  # noqa: ANN001
                 report: BuildReport) -> None:
        self.tagger, self.passages, self.report = tagger, passages, report
        self.pending: queue.Queue = queue.Queue(maxsize=QUEUED)
        self.failure: list[BaseException] = []
        self.discard = threading.Event()
        self.closed = False
        self.thread = threading.Thread(target=self._run, name="archive-tagger", daemon=True)
        self.thread.start()

    def put(self, article: Article, ruled: RulePass, mentions: list[list[Mention]]) -> None:
        self.pending.put((article, ruled, mentions))  # waits while the tagger lags behind

    def check(self) -> None:
        if self.failure:
            self.close(discard=True)

    def close(self, discard: bool = False) -> None:
        """Finish what is queued (or drop it), stop the thread, raise what failed there."""
        if discard:
            self.discard.set()
        if not self.closed:
            self.closed = True
            self.pending.put(None)  # the thread drains the queue, so this never waits long
            self.thread.join()
        if self.failure:
            raise self.failure[0]

    def _run(self) -> None:
        while (item := self.pending.get()) is not None:
            if self.discard.is_set():
                continue
            article, ruled, mentions = item
            try:
                if isolated(self.report, article, "quotes could not be attributed",
                            self._fill, ruled, mentions, self.passages[article.article_id]
                            ) is None:
                    self.passages.pop(article.article_id, None)
            except BaseException as exc:  # noqa: BLE001 - raised on the caller's thread
                self.failure.append(exc)
                self.discard.set()

    def _fill(self, ruled: RulePass, mentions: list[list[Mention]],
              passages: Sequence[Passage]) -> bool:
        fill_passages(passages, stored_attributions(ruled.tagged(self.tagger)), mentions)
        return True


def resolve_described(store: Store, added: Iterable[str] | None = None) -> int:
    """Speakers described, not named ("The Republican nominee said"), resolved with every
    role the archive knows for the people each article quotes (archive.quotes:
    `described_holders`); run by every build after its articles are stored. With `added`
    (the ids of the articles a build added) only where they can change something: their own
    descriptions, and those of older articles quoting someone they give a role (a role a
    later article teaches resolves an older article's description); None: the whole archive.
    Returns how many were resolved."""
    scope = None if added is None else store.articles_taught(added)
    rows = [r for r in store.described_attributions(scope) if description_words(r[2])]
    if not rows:
        return 0
    quoted: dict[str, set[str]] = defaultdict(set)
    for article_id, speaker in store.quoted_people(a for _, a, _ in rows):
        quoted[article_id].add(speaker)
    roles: dict[str, set[str]] = defaultdict(set)
    for speaker, role, _ in store.speaker_roles(set().union(*quoted.values())):
        if role:
            roles[speaker].add(role)
    found = described_holders(rows, quoted, roles)
    store.set_described(found)
    return len(found)
