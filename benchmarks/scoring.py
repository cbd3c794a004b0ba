"""The article-extraction-benchmark metric, re-implemented for the project (stdlib only).

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
