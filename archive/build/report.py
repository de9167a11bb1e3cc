"""What a build reports: `BuildReport` (printed as is by `archive build --json`) and progress."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field

from archive.storage.sqlite import Store

Progress = Callable[[str, int, int], None]  # (stage, done, total)


@dataclass
class BuildReport:
    """What a build did; `archive build --json` prints it as is."""

    index: str
    generation: str = ""
    articles: int = 0
    passages: int = 0
    added_articles: int = 0
    removed_articles: int = 0
    embedded_passages: int = 0
    reused_passages: int = 0
    attributions: int = 0
    people: int = 0
    story_clusters: int = 0
    skipped: list[dict] = field(default_factory=list)
    seconds: float = 0.0
    unchanged: bool = False

    def to_dict(self) -> dict:
        return asdict(self)


def fill_report(report: BuildReport, store: Store) -> None:
    """The archive's counts after the build, from its catalogue."""
    report.articles, report.passages = store.count("articles"), store.count("passages")
    report.attributions, report.people = store.count("attributions"), store.count("people")
    report.story_clusters = len(store.stories())


def progress_bar(total: int, stage: str, progress: Progress | None) -> Callable[[int], None]:
    """A callback advancing the caller's progress hook, or a tqdm bar on a terminal."""
    done = [0]
    if progress is not None:
        progress(stage, 0, total)

        def advance(n: int) -> None:
            done[0] += n
            progress(stage, done[0], total)
        return advance
    from tqdm import tqdm

    bar = tqdm(total=total, desc=stage, unit="passage", disable=None, leave=False)

    def tick(n: int) -> None:
        bar.update(n)
        done[0] += n
        if done[0] >= total:
            bar.close()
    return tick
