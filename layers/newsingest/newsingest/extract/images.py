"""The lead image and the article's images with their captions and credits.

:func:`extract_images` — the lead image (``image_url``) is the first content image of:

1. ``og:image:secure_url`` > ``og:image:url`` > ``og:image``;
2. JSON-LD ``image`` (``ImageObject``s, URLs; ``thumbnailUrl``) of the article node;
3. ``twitter:image`` and the other image metas > ``link rel=image_src`` > microdata ``image``;
4. the first ``<figure>`` image inside the article;
5. the first large ``<img>`` inside the article.

Logos, favicons, sprites, icons, SVGs, avatars, pixels and images declared smaller than 200 px are never chosen.
``images``: the lead image first, then the JSON-LD ``ImageObject``s and the ``<figure>``s inside the article, with
captions (``caption``/``<figcaption>``) and credits (``creditText``/credit elements/a trailing "AP-Yonhap",
"(AP Photo/…)"); de-duplicated by URL (:func:`image_key`).
"""

from __future__ import annotations

from bs4.element import NavigableString, Tag

from newsingest.extract import jsonld as j
from newsingest.extract import patterns as p
from newsingest.extract.article import Image
from newsingest.extract.authors import agency_of
from newsingest.extract.page_scan import PageSources, attr_list, class_and_id, clean_text, fold


def extract_images(sources: PageSources) -> tuple[str | None, tuple[Image, ...]]:
    """``(image_url, images)`` of the page (see the module docstring)."""
    found: list[Image] = []
    lead: str | None = None
    for value in sources.meta_values(p.META_IMAGE[:3]):
        lead = lead or _image_url(sources, value)
    ld_images = _ld_images(sources)
    if lead is None and ld_images:
        lead = ld_images[0].url
    for value in [*sources.meta_values(p.META_IMAGE[3:]), *sources.page.links.get("image_src", ()),
                  *sources.itemprop_values("image")]:
        lead = lead or _image_url(sources, value)
    figures = _figure_images(sources)
    if lead is None:
        lead = next((image.url for image in figures), None) or _first_large_image(sources)
    if lead:
        found.append(Image(lead))
    found.extend(ld_images)
    found.extend(figures)
    return lead, _one_per_picture(found)


def _image_url(sources: PageSources, value: str | None) -> str | None:
    url = sources.resolve_url(value)
    if not url or not is_content_image(url):
        return None
    return url


def _ld_images(sources: PageSources) -> list[Image]:
    value = sources.article.get("image") or sources.article.get("thumbnailUrl")
    out = []
    url: str | None
    for item in (value if isinstance(value, list) else [value])[:10]:
        item = sources.ld.resolve(item)
        if isinstance(item, str):
            url, caption, credit = item, None, None
        elif isinstance(item, dict):
            url = j.first_text(item.get("url"), "@id") or j.first_text(item.get("contentUrl"), "@id")
            caption = clean_text(j.first_text(item.get("caption")) or "") or None
            credit = (j.first_text(item.get("creditText")) or j.first_text(item.get("copyrightHolder"))
                      or j.first_text(item.get("author")))
        else:
            continue
        resolved = _image_url(sources, url)
        if resolved:
            out.append(Image(resolved, caption, clean_text(credit) if credit else None))
    return out


def _figure_images(sources: PageSources) -> list[Image]:
    out = []
    for figure in sources.page.figures:
        if sources.context(figure) != "article":
            continue
        img = figure.find("img")
        if not isinstance(img, Tag) or not _large_enough(img) or _labelled_non_content(img):
            continue
        url = _image_url(sources, _img_src(img))
        if not url:
            continue
        caption, credit = _caption_and_credit(figure)
        out.append(Image(url, caption, credit))
    return out


def _first_large_image(sources: PageSources) -> str | None:
    for img in sources.page.images:
        if not _large_enough(img) or _labelled_non_content(img):
            continue
        url = _image_url(sources, _img_src(img))
        if url and sources.context(img) == "article":
            return url
    return None


def _img_src(img: Tag) -> str | None:
    for attr in p.IMAGE_SOURCE_ATTRS:
        value = img.get(attr)
        if value and not str(value).startswith("data:"):
            return str(value)
    srcset = img.get("srcset") or img.get("data-srcset")
    if srcset:
        return str(srcset).split(",")[0].split()[0]
    return None


def _labelled_non_content(img: Tag) -> bool:
    """The class, or a short alt label ("Site logo", not "The WeWork logo is displayed…"), says logo/avatar/icon."""
    alt = str(img.get("alt") or "")
    marker = " ".join(attr_list(img.get("class"))) + " " + (alt if len(alt.split()) <= 3 else "")
    return bool(marker.strip()) and bool(p.NON_CONTENT_IMAGE_LABEL.search(marker))


def _large_enough(img: Tag) -> bool:
    """False for images declared smaller than an icon-sized box (tracking pixels, avatars, thumbnails)."""
    for attr in ("width", "height"):
        value = str(img.get(attr) or "").strip().removesuffix("px")
        if value.isdigit() and int(value) < p.MIN_IMAGE_SIDE:
            return False
    return True


def _caption_and_credit(figure: Tag) -> tuple[str | None, str | None]:
    caption_el = figure.find("figcaption")
    if not isinstance(caption_el, Tag):
        return None, None
    credit = None
    parts = []
    for node in caption_el.descendants:
        if isinstance(node, NavigableString) and type(node) is NavigableString:
            parent = node.parent
            marker = class_and_id(parent.attrs) if isinstance(parent, Tag) and parent.attrs else ""
            if marker and p.CREDIT_CLASS.search(marker):
                credit = clean_text((credit or "") + " " + str(node))
            else:
                parts.append(str(node))
    caption = clean_text(" ".join(parts))
    if caption and not credit:
        caption, credit = split_caption_credit(caption)
    return caption, clean_text(credit) if credit else None


def split_caption_credit(caption: str) -> tuple[str | None, str | None]:
    """A trailing photo credit split off a caption: "(AP Photo/…)", "(Image: Getty)", "Photo by X", "Credit… X",
    "© X", "… 2019. AP-Yonhap", "… on Monday. Mary Major", "… 2019. REUTERS/Jane Doe". Returns (caption, credit);
    the caption is None when the whole text was the credit."""
    for pattern in (p.CAPTION_PAREN_CREDIT, p.CAPTION_LABEL_CREDIT, p.CAPTION_COPYRIGHT):
        match = pattern.search(caption)
        if match:
            credit = p.CAPTION_CREDIT_LABEL.sub("", match[1].strip()).strip() or match[1].strip()
            return caption[: match.start()].strip() or None, credit
    match = p.CAPTION_TRAILING_PAREN.search(caption)
    if match and (_is_photo_credit(match[1].strip()) or _is_agency_and_name(match[1].strip())):
        return caption[: match.start()].strip() or None, match[1].strip()
    match = p.CAPTION_LAST_SEGMENT.search(caption)
    if match and _is_photo_credit(match[1]):
        return caption[: match.start()].strip() or None, match[1].strip()
    match = p.CAPTION_SENTENCE_END.search(caption)
    if match and not p.CAPTION_NON_SENTENCE_END.search(caption[: match.start(1)]):
        segment = match[1].strip()
        if p.CREDIT_PERSON_NAME.match(segment) or _is_agency_and_name(segment):
            return caption[: match.start(1)].strip() or None, segment
    return caption, None


def _is_photo_credit(segment: str) -> bool:
    """A short closing segment made of agencies/photo sources ("AP-Yonhap", "EPA", "Courtesy of X")."""
    if segment.startswith("Courtesy") or len(segment.split()) > 6:
        return segment.startswith("Courtesy")
    parts = [part for part in p.AGENCY_COMBINATION.split(segment) if part]
    return bool(parts) and all(agency_of(part) or part in p.PHOTO_SOURCES for part in parts)


def _is_agency_and_name(segment: str) -> bool:
    """"REUTERS/Brendan McDermid", "Joshua Roberts/Reuters": an agency or photo source and a name, either order."""
    head, sep, tail = (part.strip() for part in segment.rpartition("/"))
    if not sep or not head or not tail:
        return False

    def is_source(value: str) -> bool:
        return bool(agency_of(value) or value in p.PHOTO_SOURCES or _is_photo_credit(value))

    return (is_source(head) and bool(p.CREDIT_PERSON_NAME.match(tail))) or (
        is_source(tail) and bool(p.CREDIT_PERSON_NAME.match(head.rpartition("/")[2].strip())))


def tidy_caption(image: Image) -> Image:
    """The caption without its photo credit, which goes to ``credit`` (split off, or removed when already known)."""
    caption, credit = image.caption, _tidy_credit(image.credit)
    if credit != image.credit:
        image = Image(image.url, caption, credit)
    if not caption:
        return image
    if credit:
        folded_caption, folded_credit = fold(caption), fold(credit)
        if folded_caption == folded_credit or folded_caption == fold(p.CAPTION_CREDIT_LABEL.sub("", caption)) == \
                folded_credit:
            return Image(image.url, None, credit)
        found, split_credit = split_caption_credit(caption)
        if split_credit and fold(split_credit) in (folded_credit, fold(p.CAPTION_CREDIT_LABEL.sub("", credit))):
            return Image(image.url, found, credit)
        if caption.endswith(credit) and len(caption) > len(credit):
            return Image(image.url, caption[: -len(credit)].rstrip(" |/-–—(") or None, credit)
        return image
    found, split_credit = split_caption_credit(caption)
    return image if split_credit is None else Image(image.url, found, split_credit)


def _tidy_credit(credit: str | None) -> str | None:
    """"(Image: Getty Images)" -> "Getty Images"."""
    if not credit:
        return credit
    text = credit.strip()
    if text.startswith("(") and text.endswith(")"):
        text = text[1:-1].strip()
    return p.CAPTION_CREDIT_LABEL.sub("", text).strip() or credit


def image_key(url: str) -> str:
    """One key per picture: scheme ignored; an image file's query (sizes, cache busters) ignored; on other URLs
    (image services whose query names the picture) only size/format parameters are ignored."""
    rest = url.split("://", 1)[-1].split("#", 1)[0]
    path, _, query = rest.partition("?")
    if not query or p.IMAGE_FILE_PATH.search(path):
        return path
    kept = sorted(part for part in query.split("&") if part.split("=", 1)[0].lower() not in p.IMAGE_SIZE_PARAMS)
    return f"{path}?{'&'.join(kept)}" if kept else path


def declared_small(url: str) -> bool:
    """The URL itself declares an icon-sized picture ("?w=39&h=39", "-150x150.jpg")."""
    query = url.partition("?")[2]
    if query:
        for match in p.IMAGE_QUERY_SIDE.finditer(query):
            if int(match[1]) < p.MIN_IMAGE_SIDE:
                return True
    size = p.IMAGE_PATH_SIZE.search(url.partition("?")[0])
    return size is not None and int(size[1]) < p.MIN_IMAGE_SIDE and int(size[2]) < p.MIN_IMAGE_SIDE


def is_content_image(url: str) -> bool:
    """Not a logo, icon, avatar, pixel or placeholder by its URL, nor declared icon-sized."""
    return not p.NON_CONTENT_IMAGE.search(url) and not declared_small(url)


def _one_per_picture(images: list[Image]) -> tuple[Image, ...]:
    """One entry per picture (URLs compared without query strings), keeping the first caption/credit found."""
    merged: dict[str, Image] = {}
    for image in images:
        key = image_key(image.url)
        known = merged.get(key)
        if known is None:
            merged[key] = image
        else:
            merged[key] = Image(known.url, known.caption or image.caption, known.credit or image.credit)
        if len(merged) >= 20:
            break
    return tuple(merged.values())
