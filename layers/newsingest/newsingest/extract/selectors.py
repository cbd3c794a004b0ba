"""Every tag set and class/id pattern the body stage uses, in one place.

General rules only: nothing here may name a site. Patterns are matched against the *parts* of class and id
tokens (split on ``-``, ``_``, spaces and camelCase) so that ``ad`` matches ``ad-slot`` but not ``header``.
"""

from __future__ import annotations

import re

# --- tags --------------------------------------------------------------------------------------------------

# Elements whose whole content is dropped from the markup before parsing (never article text).
DROP_CONTENT_TAGS: tuple[str, ...] = (
    "script", "style", "svg", "noscript", "template", "iframe", "object", "embed", "canvas",
    "audio", "video", "map", "math", "select", "textarea", "button", "dialog",
)
# Regions removed before parsing unless they hold most of the page's paragraphs (ASP.NET wraps pages in <form>).
DROP_REGION_TAGS: frozenset[str] = frozenset({"nav", "footer", "aside", "form", "menu", "fieldset"})
# Never dropped as regions before parsing, whatever their class says (page wrappers, metadata carriers).
PRECLEAN_KEEP_TAGS: frozenset[str] = frozenset(
    {"html", "head", "body", "main", "title", "meta", "link", "base", "script"}
)
# Attributes of elements the metadata stage reads (breadcrumb trails for the section, paywall containers for
# ``paywalled``): the pre-clean keeps them even inside <nav> or when hidden; the body stage still skips them.
METADATA_KEEP_ATTRS = re.compile(
    r"bread[-_]?crumb|(?:^|[\s\"'_-])crumbs?(?:$|[\s\"'_-])|pay-?wall|piano|tp-(?:modal|container)|premium|subscriber"
    r"|regwall|metered|locked",
    re.I,
)
# Inline and void tags whose attributes the pre-clean does not read: they never hold a region worth dropping
# before the parse (the body stage still judges them), and they are half of a page's tags.
PRECLEAN_INLINE_TAGS: frozenset[str] = frozenset({
    "a", "img", "em", "strong", "b", "i", "u", "s", "time", "abbr", "br", "hr", "meta", "picture", "small", "sup",
    "sub", "cite", "code", "mark", "q", "wbr", "svg", "path", "use", "g", "font",
})
# Void tags that carry nothing the body or the metadata stage reads (less work for the parser).
DROP_VOID_TAGS: frozenset[str] = frozenset({"source", "wbr", "input", "track", "param", "col", "area", "keygen"})
# Head elements kept for the metadata stage; everything else in <head> is dropped before parsing.
HEAD_KEEP_TAGS: frozenset[str] = frozenset({"title", "meta", "link", "base", "script"})

# Elements never part of the body text inside a chosen container.
BODY_SKIP_TAGS: frozenset[str] = frozenset({
    "figure", "figcaption", "aside", "nav", "footer", "form", "button", "select", "input", "textarea", "label",
    "iframe", "noscript", "script", "style", "header", "menu", "dialog", "svg", "object", "embed", "head",
    "title", "meta", "link", "template", "video", "audio", "picture", "img", "fieldset", "legend",
})

# Block-level elements: text on either side of them belongs to different paragraphs.
BLOCK_TAGS: frozenset[str] = frozenset({
    "address", "article", "blockquote", "center", "dd", "details", "div", "dl", "dt", "figure", "figcaption",
    "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "ol", "p", "pre", "section",
    "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul", "body", "html", "caption", "aside",
    "nav", "form", "fieldset", "hgroup", "tt", "dir", "listing", "plaintext", "xmp",
})
# Tags next to which a whitespace-only text run is never rendered (block boundaries, line breaks, head elements):
# the pre-clean drops such runs, a third of a page's text nodes, each one a bs4 object for nothing.
BLANK_RUN_BOUNDARY_TAGS: frozenset[str] = (BLOCK_TAGS - {"tt", "pre", "xmp", "listing", "plaintext"}) | {
    "br", "head", "title", "meta", "link", "base", "script", "noscript", "li", "option", "select", "colgroup", "col",
}
# Blocks that disqualify a div from being treated as a paragraph of its own (readability's "misused div").
DIV_BLOCK_CHILDREN: frozenset[str] = frozenset({
    "article", "blockquote", "dl", "div", "ol", "p", "pre", "table", "ul", "section", "main", "figure",
    "h1", "h2", "h3", "h4", "h5", "h6", "header", "footer", "aside", "nav", "form", "address", "center",
})
# Inline elements that live inside sentences: their class says how they look, not that they are furniture.
INLINE_TEXT_TAGS: frozenset[str] = frozenset({
    "a", "abbr", "b", "bdi", "bdo", "cite", "code", "dfn", "em", "i", "kbd", "mark", "q", "s", "samp", "small",
    "strong", "sub", "sup", "u", "var", "font", "span",
})
# Containers that, holding an image and little text, are a figure written without <figure>.
IMAGE_BLOCK_TAGS: frozenset[str] = frozenset({"div", "span", "table", "center", "section", "a", "dl"})
# Lists and list-like containers: never a chunk of the story's prose when joining chunks.
LIST_TAGS: frozenset[str] = frozenset({"ul", "ol"})
LIST_LIKE_TAGS: frozenset[str] = frozenset({"ul", "ol", "dl", "li", "table", "tr"})
# Boxes dropped inside the article when their text is mostly links (related stories, tag clouds). List items are
# judged with their list, not one by one (roundups open items with a linked lead-in).
LINK_BLOCK_TAGS: frozenset[str] = frozenset(
    {"ul", "ol", "dl", "table", "div", "section", "article", "center", "tr", "td"}
)
# Items that stay when they carry real prose besides their link.
PROSE_ITEM_TAGS: frozenset[str] = frozenset({"li", "p", "dd"})
# What may follow a "More stories" line and be its list.
RELATED_LIST_TAGS: frozenset[str] = frozenset({"ul", "ol", "div", "section"})
# Between the headline and the story: elements whose subtree is never a lead paragraph.
LEAD_SKIP_TAGS: frozenset[str] = frozenset({
    "figure", "figcaption", "aside", "nav", "footer", "form", "button", "select", "label", "noscript", "script",
    "style", "menu", "dialog", "template", "table", "ul", "ol", "dl", "time", "address", "picture", "blockquote",
    "a",  # a block inside a link is a teaser card
})
# Class/id parts of what sits between the headline and the story but is never its lead.
LEAD_FURNITURE_PARTS: frozenset[str] = frozenset({
    "caption", "captions", "credit", "credits", "copyright", "byline", "bylines", "author", "authors", "date",
    "dateline", "time", "timestamp", "published", "updated", "meta", "breadcrumb", "breadcrumbs", "share",
    "sharing", "social", "ad", "ads", "advert", "advertisement", "newsletter", "subscribe", "cookie", "consent",
    "related", "photo", "image", "img", "gallery", "slideshow", "bio", "comment", "comments", "rating", "tags",
    "tag", "hidden", "modal", "popup", "paywall", "login",
})
# Class/id parts of blocks that are never story prose, however long (captions, bylines, comments, bios).
NEVER_PROSE_PARTS: frozenset[str] = frozenset({
    "caption", "captions", "credit", "credits", "byline", "bylines", "author", "authors", "bio", "comment",
    "comments", "commentlist", "disqus", "reply", "replies", "review", "reviews", "cookie", "cookies", "consent",
    "gdpr", "modal", "popup", "newsletter", "signup", "subscribe", "paywall", "disclaimer", "copyright",
})
# Class/id parts of a caption box (its image and caption go to Article.images).
CAPTION_PARTS: frozenset[str] = frozenset({"caption", "captions", "figure", "photo"})
# Class/id words of the credit inside a caption.
CREDIT_WORDS: tuple[str, ...] = ("credit", "copyright", "source", "author")
# Elements that count as one paragraph for scoring.
PARAGRAPH_TAGS: frozenset[str] = frozenset({"p", "pre", "td", "blockquote"})
HEADING_TAGS: frozenset[str] = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
# Containers that can hold a whole article (candidates for the best node).
CONTAINER_TAGS: frozenset[str] = frozenset({
    "div", "article", "section", "main", "td", "body", "blockquote", "center", "span", "font", "dd", "li",
})

# Starting score of a candidate by its tag (readability's weights).
TAG_BASE_SCORE: dict[str, float] = {
    "div": 5, "article": 5, "main": 5, "section": 3, "pre": 3, "td": 3, "blockquote": 3,
    "address": -3, "ol": -3, "ul": -3, "dl": -3, "dd": -3, "dt": -3, "li": -3, "form": -3,
    "h1": -5, "h2": -5, "h3": -5, "h4": -5, "h5": -5, "h6": -5, "th": -5,
}

# --- class / id patterns -----------------------------------------------------------------------------------

# Splits class/id values into parts: "article-body__text relatedBox" -> article, body, text, related, box.
TOKEN_SPLIT = re.compile(r"[\s\-_:./]+|(?<=[a-z])(?=[A-Z])")
# A class that only *modifies* its element ("has-sidebar", "with-comments", "no-ads") says nothing about it.
MODIFIER_CLASS = re.compile(
    r"^(?:has|with|no|without|show|hide|is|js|enable|disable|page|layout|template|single)[-_]", re.I
)

# Parts that mark boilerplate strongly enough to drop a region before parsing.
STRONG_BOILERPLATE_PARTS: frozenset[str] = frozenset({
    "comment", "comments", "commentlist", "disqus", "share", "sharing", "sharer", "social", "sns", "newsletter",
    "subscribe", "subscription", "signup", "cookie", "cookies", "consent", "gdpr", "related", "relatedposts",
    "recommend", "recommended", "recommendations", "trending", "popular", "mostread", "mostpopular",
    "mostviewed", "outbrain", "taboola", "sidebar", "promo", "promotion",
    "advert", "advertisement", "advertising", "ad", "ads", "adslot", "adunit", "adbox", "adwrap", "dfp", "gpt",
    "sponsor", "sponsored", "banner", "modal", "popup", "navbar", "navigation", "nav", "menu", "footer",
    "masthead", "toolbar", "pagination", "pager", "skip", "rss", "widget", "widgets", "offscreen", "rel", "more",
    "moreon", "readmore", "readnext", "upnext", "carousel", "ticker", "topbar",
})
# Parts that mark boilerplate inside the article container (also bylines, dates, captions, tools).
BODY_BOILERPLATE_PARTS: frozenset[str] = STRONG_BOILERPLATE_PARTS | frozenset({
    "breadcrumb", "breadcrumbs", "crumbs",
    "byline", "bylines", "author", "authors", "dateline", "date", "dates", "time", "timestamp", "published",
    "updated", "meta", "metadata", "caption", "captions", "credit", "credits", "copyright", "tools", "tool",
    "print", "font", "fontsize", "textsize", "tags", "tag", "keywords", "topics", "email", "mail", "follow", "bio",
    "about", "subscribe", "paywall",
    "login", "signin", "register", "gallery", "slideshow", "slider", "swiper", "lightbox", "thumbnail", "thumb",
    "prev", "next", "previous", "teaser", "teasers", "latest", "headlines", "header",
    "hgroup", "kicker", "eyebrow", "label", "sponsored", "partner", "partners", "outstream", "affiliate",
    "disclaimer", "feedback", "rating", "vote", "poll", "quiz", "survey", "jump", "toc",
    "breaking", "alert", "alerts", "notification", "donate", "donation", "membership", "support",
})
# Parts that mark the article itself (readability's positive weight).
POSITIVE_PARTS: frozenset[str] = frozenset({
    "article", "articlebody", "body", "content", "entry", "hentry", "main", "post", "text", "blog", "story",
    "storybody", "prose", "richtext", "rte", "paragraph", "paragraphs", "detail", "details", "news", "copy",
    "column", "single", "view", "contents", "page",
})
# Parts that lower a candidate's score (readability's negative weight).
NEGATIVE_PARTS: frozenset[str] = STRONG_BOILERPLATE_PARTS | frozenset({
    "combx", "com", "contact", "foot", "footnote", "media", "meta", "scroll", "shoutbox", "shopping", "tags",
    "tool", "tools", "byline", "author", "caption", "teaser", "teasers", "card", "cards", "list", "latest",
    "headlines", "login", "header", "aside",
})

# Whole class tokens that hide an element from every reader (not responsive "hidden-xs" variants).
HIDDEN_CLASSES: frozenset[str] = frozenset({
    "hidden", "is-hidden", "d-none", "sr-only", "visually-hidden", "visuallyhidden", "screen-reader-text",
    "screen-reader-only", "offscreen", "hide", "invisible", "u-hidden",
})
# Attribute values that hide an element from readers.
HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
# Roles of elements that are never the article body.
BOILERPLATE_ROLES: frozenset[str] = frozenset({
    "navigation", "banner", "contentinfo", "complementary", "menu", "menubar", "search", "dialog", "alert",
    "toolbar", "tablist", "form",
})

# Whole short blocks that are page furniture, whatever element holds them (anchored: the line is nothing else).
BOILERPLATE_LINE = re.compile(
    r"^(?:advertisements?|adverts?|ads?|sponsored(?: content| links?)?|story continues(?: below)?(?: advertisement)?"
    # "Advertisement" as sites label it in other languages
    r"|anzeige|werbung|publicidad|publicité|pubblicità|reklama|реклама|iklan|advertentie|annonce|mainos|广告|広告|광고"
    r"|continue reading(?: below| the main story)?|read more|read next|more from (?:[\w'’&-]+ ?){1,4}|more:"
    r"|more (?:[\w'’&-]+ ){0,3}stories"
    r"|related(?: articles| stories| content| coverage| links| news| posts?)?(?::.{0,60})?|see also:?"
    r"|you (?:may|might) also (?:like|enjoy)|recommended(?: for you)?|popular on (?:[\w'’&-]+ ?){1,2}"
    r"|(?:most )?popular|don'?t miss"
    r"|trending(?: now)?|share(?: this)?(?: article| story)?:?|share (?:it|this) with .{0,30}"
    r"|like this (?:story|article)\?.{0,60}|tell us what you think.{0,20}|print(?: this)?(?: article)?"
    r"|email(?: this)?(?: article)?|follow us.{0,60}|sign up.{0,80}|subscribe.{0,80}|click here.{0,80}"
    r"|photo:.{0,80}|image:.{0,80}|video:.{0,80}|listen to (?:this )?article.{0,40}|skip (?:to )?(?:content|ad)"
    r"|font size.{0,20}|text size|\(?adsbygoogle.*|all rights reserved.{0,80}|copyright.{0,100}|©.{0,100}"
    r"|tags?:?|topics?:?|keywords?:?|filed under:?.{0,80}|comments?(?: \(\d+\))?:?|\d+ comments?"
    r"|leave a (?:comment|reply)|(?:post a |add a |view |show )?comments?"
    # a bare e-mail address, social profile or URL (author contact lines, "source" lines)
    r"|(?:https?://|www\.)\S+|(?:write to .{0,60} at )?[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
    r"|(?:https?://)?(?:www\.)?(?:twitter|x|facebook|instagram)\.com/\S+"
    r")[\s:.…!|]*$",
    re.I,
)
# The same furniture lines in the other languages of the web (German, French, Spanish, Portuguese, Italian,
# Polish, Dutch): "read also", "related", "more on the topic", "you may also like", "share", "comments", a
# "see also:" pointer followed by another story's headline.
FURNITURE_LINE_I18N = re.compile(
    r"^(?:(?:lesen sie (?:auch|mehr)|lies auch|auch interessant|schon gelesen\??|weiterlesen|zum weiterlesen"
    r"|mehr (?:zum thema|themen|dazu|aus [\w -]{1,30}|lesen|erfahren)|weitere (?:informationen|infos|artikel|beiträge"
    r"(?: aus [\w -]{1,30})?|themen|tourentipps|nachrichten)|das könnte (?:dich|sie) (?:auch )?interessieren"
    r"|(?:dieser artikel|das thema) könnte (?:dich|sie) (?:auch )?interessieren|ähnliche (?:artikel|beiträge)"
    r"|verwandte (?:artikel|themen)|artikel teilen"
    r"|(?:möchten sie|willst du) (?:den|diesen) (?:artikel|beitrag) teilen\??"
    r"|kommentare? (?:schreiben|geschlossen|anzeigen)|(?:à |a )?lire aussi|voir aussi|sur le même sujet"
    r"|articles? (?:similaires|liés)|notas? relacionadas?|noticias relacionadas|te puede interesar|(?:lee|lea) también"
    r"|ver también|más información|leia também|veja também|leggi anche|potrebbe interessarti|czytaj (?:też|także)"
    r"|zobacz (?:też|także)|lees ook|meer (?:over dit onderwerp|nieuws))[\s:.…!?|]*"
    r"|(?:lesen sie auch|lies auch|mehr dazu|lire aussi|à lire aussi|voir aussi|puedes ver|mire|lee también"
    r"|lea también|ver también|leia também|veja também|leggi anche|czytaj (?:też|także)|zobacz (?:też|także)"
    r"|lees ook)\s*:.{1,150})$",
    re.I,
)
# Byline and date lines ("By Jane Doe", "Posted : 2019-11-22 11:09"): metadata, not body.
BYLINE_LINE = re.compile(
    r"^(?:by|von|par|por|di|door|av|af)\s+\S.{0,70}$|^(?:posted|updated|published|last updated|modified|created)"
    r"\s*(?:on|at)?\s*:?\s*.{0,60}$"
    r"|^(?:\w+ )?\d{1,4}[./-]\d{1,2}[./-]\d{1,4}(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?\s*\w{0,5}$",
    re.I,
)

# A line that only holds a date and a clock time, in any language ("sexta-feira, 22 de outubro de 2010 às 20:13").
DATE_TIME_LINE = re.compile(r"^\W{0,3}(?:\w+\W+){0,6}(?:19|20)\d\d\b.{0,24}?\b\d{1,2}[:h]\d{2}\b.{0,12}$|"
                            r"^\W{0,3}\d{1,2}[:h]\d{2}\b.{0,30}\b(?:19|20)\d\d\W{0,3}$")
# A reporter's sign-off closing a Korean (or Japanese/Chinese) story: a name, a title such as 기자/특파원, an e-mail
# ("김민수 기자", "김민수 기자 minsoo@example.com", "워싱턴=김민수 특파원", "/김민수 기자").
_SIGNOFF = (
    r"[/=]?\s*(?:[\w가-힣]+\s*=\s*)?[가-힣]{2,4}(?:\s*·\s*[가-힣]{2,4})*\s*"
    r"(?:기자|특파원|선임기자|객원기자|전문기자|인턴기자|통신원|논설위원|记者|記者)"
    r"(?:\s*[\(\[<]?\s*[\w.+-]+@[\w-]+(?:\.[\w-]+)+\s*[\)\]>]?)?\s*$"
)
SIGNOFF_LINE = re.compile(r"^" + _SIGNOFF)
# The same sign-off written after the story's last sentence, in its last paragraph.
TRAILING_SIGNOFF = re.compile(r"(?<=[.!?。”\"’)])\s*" + _SIGNOFF)
# Leftover CMS shortcodes ("[button link=...]Send us your review[/button]").
SHORTCODE_LINE = re.compile(r"^\[\w+[^\]]*\].*\[/\w+\]$|^\[/?\w+(?:\s[^\]]*)?\]$")
# Promotions that follow the story: subscriptions, memberships, "follow us", comment policies, letters pages.
TRAILING_PROMO = re.compile(
    r"\b(?:subscrib\w*|subscription|sign up|newsletter|membership|become a member|join (?:\w+ ){0,3}(?:members?|plus|"
    r"premium|today|now)|click here|follow (?:us|\w+(?: \w+){0,6}) on (?:facebook|twitter|instagram|linkedin|youtube)"
    r"|(?:like|follow) us on|we are (?:temporarily )?moderating|comments? (?:are|is) (?:moderated|closed)|spam"
    r"|letters? to the editor|we(?:'|’)d like to hear what you think|support (?:our|independent) journalism"
    r"|if you (?:enjoyed|liked|value) (?:this|our)|download (?:our|the) app"
    # contributor and contact lines that close a story (bylines belong to the metadata)
    r"|contributed (?:reporting|to this (?:report|story|article))|^\(?(?:additional )?(?:reporting|writing|editing) by"
    r"|^write to .{0,60}@|follow @\w+|follow (?:\w+(?:'s|’s)? ){0,4}(?:full |complete |latest )?coverage)",
    re.I,
)
# Intro lines of a list of other stories: the list that follows such a line goes too.
RELATED_INTRO = re.compile(
    r"^(?:more|related|read (?:more|next|also)|see also|also read|you (?:may|might) also|recommended|popular|most "
    r"(?:read|popular|viewed)|don'?t miss|trending|top stories|latest|further reading|what to read next"
    r"|mehr|weitere|auch interessant|lesen sie auch|das könnte|ähnliche|meistgelesen|lire aussi|à lire aussi"
    r"|voir aussi|notas relacionadas|noticias relacionadas|te puede interesar|leia também|leggi anche"
    r"|czytaj (?:też|także))\b.{0,60}$",
    re.I,
)
# A line that is only a date written with an English month name ("14 May 2024", "Tuesday, Nov. 22, 2019 5:30 PM").
_MONTH = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?" \
    r"|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
DATE_ONLY_LINE = re.compile(
    r"^(?:(?:mon|tue|tues|wed|wednes|thu|thur|thurs|fri|sat|satur|sun)(?:day)?\.?,?\s+)?"
    r"(?:\d{1,2}(?:st|nd|rd|th)?\s+" + _MONTH + r",?\s+\d{4}|" + _MONTH + r"\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4})"
    r"(?:,?\s+(?:at\s+)?\d{1,2}[:.]\d{2}(?:\s*[ap]\.?m\.?)?(?:\s+[A-Z]{2,5})?)?\s*$",
    re.I,
)
