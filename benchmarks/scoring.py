"""The three benchmark metrics, re-implemented for the project (stdlib only): article bodies by shingles (below),
body snippets (``score_snippets``) and publication days (``score_dates``), each as its public evaluation defines it.

Definition (scrapinghub/article-extraction-benchmark, ``evaluate.py``):

* tokens: maximal runs of Unicode word characters (``\\w+``), case kept;
* shingles: every window of 4 consecutive tokens; a text of 1–3 tokens has exactly one shingle (all its tokens),
  a text without tokens has none;
* per page, shingles are compared as multisets: ``tp = Σ min(n_true, n_pred)``, ``fp = Σ (n_pred − n_true)⁺``,
  ``fn = Σ (n_true − n_pred)⁺``;
* page precision ``tp / (tp + fp)`` exists only when the prediction has a shingle; page recall
  ``tp / (tp + fn)`` only when the ground truth has one (an empty prediction costs recall, not precision);
* corpus precision and recall are the means of the defined page values; F1 is the harmonic mean of those two
  means (not the mean of page F1s); accuracy is the share of pages whose token sequence equals the truth's.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

TOKEN = re.compile(r"\w+")
SHINGLE = 4


def tokenize(text: str | None) -> list[str]:
    return TOKEN.findall(text or "")


def shingles(tokens: list[str], size: int = SHINGLE) -> Counter[tuple[str, ...]]:
    if not tokens:
        return Counter()
    if len(tokens) < size:
        return Counter([tuple(tokens)])
    return Counter(tuple(tokens[i:i + size]) for i in range(len(tokens) - size + 1))


@dataclass(frozen=True)
class PageScore:
    page_id: str
    tp: int
    fp: int
    fn: int
    exact: bool

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    @property
    def f1(self) -> float:
        total = 2 * self.tp + self.fp + self.fn
        return 2 * self.tp / total if total else 1.0


@dataclass(frozen=True)
class CorpusScore:
    precision: float
    recall: float
    f1: float
    accuracy: float
    pages: int
    empty_predictions: int
    worst: tuple[PageScore, ...] = ()


def score_page(page_id: str, truth: str | None, prediction: str | None) -> PageScore:
    true_tokens, predicted_tokens = tokenize(truth), tokenize(prediction)
    t, p = shingles(true_tokens), shingles(predicted_tokens)
    return PageScore(page_id, tp=sum((t & p).values()), fp=sum((p - t).values()), fn=sum((t - p).values()),
                     exact=true_tokens == predicted_tokens)


def _mean(values: Iterable[float | None]) -> float:
    defined = [v for v in values if v is not None]
    return math.fsum(defined) / len(defined) if defined else 0.0


def aggregate(pages: list[PageScore], *, worst: int = 5) -> CorpusScore:
    precision = _mean(page.precision for page in pages)
    recall = _mean(page.recall for page in pages)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return CorpusScore(
        precision=precision, recall=recall, f1=f1, accuracy=_mean(1.0 if p.exact else 0.0 for p in pages),
        pages=len(pages), empty_predictions=sum(1 for p in pages if p.tp + p.fp == 0),
        worst=tuple(sorted(pages, key=lambda p: (p.f1, p.page_id))[:worst]),
    )


def body_of(item: object) -> str:
    """A ground-truth or prediction entry: ``{"articleBody": ...}``, a bare string, or None."""
    if item is None:
        return ""
    if isinstance(item, str):
        return item
    if isinstance(item, Mapping):
        return str(item.get("articleBody") or "")
    return ""


def score(ground_truth: Mapping[str, object], predictions: Mapping[str, object]) -> CorpusScore:
    """Score every ground-truth page; a page without a prediction counts as an empty prediction."""
    return aggregate([score_page(key, body_of(ground_truth[key]), body_of(predictions.get(key)))
                      for key in sorted(ground_truth)])


# ------------------------------------------------------------------------------------------------ snippets
# trafilatura's evaluation (``cases.json``: per page, snippets the main text must contain, ``with``, and must not,
# ``without``): whitespace runs collapsed to one space, case-sensitive substring tests, counts pooled over pages.


@dataclass(frozen=True)
class SnippetScore:
    tp: int
    fp: int
    fn: int
    tn: int
    pages: int
    empty_predictions: int
    worst: tuple[tuple[str, int, int], ...] = ()  # (page id, FN, FP), most errors first

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f_score(self) -> float:
        total = 2 * self.tp + self.fp + self.fn
        return 2 * self.tp / total if total else 0.0


def _squash(text: str) -> str:
    return " ".join(text.split())


def score_snippets(cases: Mapping[str, Mapping[str, object]], predictions: Mapping[str, object],
                   *, worst: int = 5) -> SnippetScore:
    """Pooled snippet counts; a page without a prediction finds none of its ``with`` and none of its ``without``."""
    tp = fp = fn = tn = empty = 0
    errors: list[tuple[str, int, int]] = []
    for page_id in sorted(cases):
        case = cases[page_id]
        positives = [str(s) for s in case.get("with") or ()]
        negatives = [str(s) for s in case.get("without") or ()]
        text = _squash(body_of(predictions.get(page_id)))
        empty += not text
        found = sum(_squash(s) in text for s in positives) if text else 0
        leaked = sum(_squash(s) in text for s in negatives) if text else 0
        tp, fn = tp + found, fn + len(positives) - found
        fp, tn = fp + leaked, tn + len(negatives) - leaked
        if len(positives) - found or leaked:
            errors.append((page_id, len(positives) - found, leaked))
    errors.sort(key=lambda e: (-(e[1] + e[2]), e[0]))
    return SnippetScore(tp, fp, fn, tn, pages=len(cases), empty_predictions=empty, worst=tuple(errors[:worst]))


# ------------------------------------------------------------------------------------------------ dates
# htmldate's evaluation (``gold.json``: per entry the page and its publication day): the prediction's first ten
# characters are its day (no time-zone shift); the right day is a true positive, another day a false positive, no
# date a false negative; accuracy is right / all.

_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class DateScore:
    right: int
    wrong: int
    missing: int
    misses: tuple[tuple[str, str | None, str | None], ...] = ()  # (entry, gold, predicted)

    @property
    def entries(self) -> int:
        return self.right + self.wrong + self.missing

    @property
    def accuracy(self) -> float:
        return self.right / self.entries if self.entries else 0.0

    @property
    def precision(self) -> float:
        return self.right / (self.right + self.wrong) if self.right + self.wrong else 0.0

    @property
    def recall(self) -> float:
        return self.right / (self.right + self.missing) if self.right + self.missing else 0.0


def predicted_day(value: object) -> str | None:
    if isinstance(value, Mapping):
        value = value.get("published_at", value.get("date"))
    if not isinstance(value, str):
        return None
    match = _DAY.match(value.strip())
    return match.group(0) if match else None


def score_dates(gold: Mapping[str, Mapping[str, object]], predictions: Mapping[str, object],
                *, misses: int = 5) -> DateScore:
    right = wrong = missing = 0
    missed: list[tuple[str, str | None, str | None]] = []
    for entry in sorted(gold):
        record = gold[entry]
        want = record.get("date")
        day = predicted_day(predictions.get(str(record.get("page", entry))))
        if day is None:
            missing += 1
        elif day == want:
            right += 1
            continue
        else:
            wrong += 1
        missed.append((entry, want if isinstance(want, str) else None, day))
    return DateScore(right, wrong, missing, misses=tuple(missed[:misses]))
