"""Synthetic ~1 MB news pages for the memory figure (deterministic, no corpus needed).

Real 1 MB article pages are mostly inline CSS and scripts around a few hundred elements (the corpus's four largest
pages: 0.8–1 MB of ``<style>``/``<script>``, ~1,000 tags). These pages are harsher on a DOM-building extractor: a
quarter inline style/script and three quarters markup (navigation, a long comment thread, related-story lists),
about 20,000 elements around a ~1,200-word article, so bs4 has a large tree to build.
"""

from __future__ import annotations

import random

_WORDS = ("the council said on thursday that the new harbour plan would cost more than expected and that "
          "residents had raised concerns about traffic noise and the loss of green space near the old pier "
          "officials promised a review before the vote next month while opponents gathered signatures").split()


def _sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(_WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def big_page(index: int, size: int = 1_000_000) -> bytes:
    """One article page of about ``size`` bytes (UTF-8), different for every ``index``."""
    rng = random.Random(index)
    title = f"Harbour plan {index} faces review after cost overrun"
    paragraphs = "\n".join(f"<p>{_sentence(rng, 18)} {_sentence(rng, 22)} {_sentence(rng, 16)}</p>"
                           for _ in range(20))
    nav = "".join(f'<li class="nav-item"><a href="/section/{i}">Section {i}</a></li>' for i in range(120))
    head = (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title} - The Daily Bench</title>'
            f'<meta property="og:title" content="{title}"><meta name="author" content="Jane Writer">'
            f'<meta property="article:published_time" content="2026-11-2{index % 10}T08:00:00+09:00">'
            f'<style>{f".c{0}{{margin:{0}px;padding:{0}px;color:#{0:06x}}}" * 1}</style>')
    style = "<style>" + "".join(f".c{i}{{margin:{i % 9}px;padding:{i % 7}px;color:#{i:06x}}}"
                                for i in range(size // 4 // 45)) + "</style>"
    script_data = ",".join(f'{{"id":{i},"h":"{_sentence(rng, 6)}","u":"/story/{index}/{i}"}}'
                           for i in range(size // 8 // 70))
    script = f'<script>window.__STATE__={{"related":[{script_data}]}};</script>'
    article = (f'<article class="story"><h1>{title}</h1><div class="byline">By Jane Writer</div>'
               f'<div class="story-body">{paragraphs}</div></article>')
    parts = [head, style, "</head><body>", f'<header><nav><ul class="menu">{nav}</ul></nav></header>', "<main>",
             article, script]
    comments = []
    budget = size - sum(len(p) for p in parts) - 200
    i = 0
    while budget > 0:
        block = (f'<div class="comment" id="c{i}"><div class="meta"><span class="user">reader{i}</span>'
                 f'<time datetime="2026-11-2{i % 10}">{i % 28 + 1} Nov</time></div>'
                 f'<p>{_sentence(rng, 14)}</p><ul class="actions"><li><a href="#r{i}">Reply</a></li>'
                 f'<li><a href="#l{i}">Like</a></li><li><a href="#f{i}">Flag</a></li></ul></div>')
        if i % 10 == 0:
            block += ('<aside class="related"><h3>Related</h3><ul>'
                      + "".join(f'<li><a href="/story/{index}/{i}/{k}">{_sentence(rng, 7)}</a></li>'
                                for k in range(5)) + "</ul></aside>")
        comments.append(block)
        budget -= len(block)
        i += 1
    parts += ['<section class="comments">', "".join(comments), "</section></main>",
              "<footer><p>&copy; The Daily Bench</p></footer></body></html>"]
    return "".join(parts).encode("utf-8")
