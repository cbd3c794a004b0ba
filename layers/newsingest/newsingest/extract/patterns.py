"""Every regex and constant of metadata extraction, compiled once at import.

Kept in one module so the rules can be read (and reviewed for site-specific hacks: there must be none) in one place.
Import stays cheap: a few dozen ``re.compile`` calls, no I/O.
"""

from __future__ import annotations

import re

# --------------------------------------------------------------------------------------------------- JSON-LD
# schema.org types that describe one article (subtypes of Article/CreativeWork used by news sites).
ARTICLE_TYPES: frozenset[str] = frozenset(
    t.lower()
    for t in (
        "NewsArticle", "Article", "ReportageNewsArticle", "AnalysisNewsArticle", "OpinionNewsArticle",
        "BackgroundNewsArticle", "ReviewNewsArticle", "AskPublicNewsArticle", "BlogPosting", "LiveBlogPosting",
        "SocialMediaPosting", "DiscussionForumPosting", "TechArticle", "ScholarlyArticle", "SatiricalArticle",
        "AdvertiserContentArticle", "Report", "Review", "CriticReview", "Blog", "MedicalScholarlyArticle",
    )
)
# Page-level types: a fallback for dates/title when no article node exists (Yoast-style graphs put dates there).
PAGE_TYPES: frozenset[str] = frozenset(t.lower() for t in ("WebPage", "ItemPage", "CollectionPage", "AboutPage"))
PERSON_TYPES: frozenset[str] = frozenset(("person",))
PERSON_ITEMTYPE = re.compile(r"schema\.org/Person\b", re.IGNORECASE)  # microdata itemtype of a person
ORGANIZATION_TYPES: frozenset[str] = frozenset(
    t.lower() for t in ("Organization", "NewsMediaOrganization", "Corporation", "NGO", "GovernmentOrganization")
)
# Repairs for the malformed JSON-LD that real pages ship.
JSONLD_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
JSONLD_TRAILING_COMMA = re.compile(r",(\s*[}\]])")
JSONLD_WRAPPERS = re.compile(r"<!--|-->|<!\[CDATA\[|\]\]>|^\s*//.*$", re.MULTILINE)
JSONLD_MAX_CHARS = 500_000  # a bigger block is not article metadata (and would cost too much to repair)

# --------------------------------------------------------------------------------------------------- <meta>
# Keys are lower-cased ``property``/``name``/``itemprop`` values; order is precedence within one field.
META_TITLE = ("og:title", "twitter:title", "parsely-title", "sailthru.title", "dc.title", "dcterms.title", "title",
              "headline")
META_DESCRIPTION = ("og:description", "description", "twitter:description", "dc.description",
                    "dcterms.description", "sailthru.description")
META_AUTHOR = ("author", "article:author_name", "article:author", "parsely-author", "sailthru.author", "dc.creator",
               "dcterms.creator", "byl", "byline", "twitter:creator_name", "citation_author", "creator")
META_PUBLISHED = (
    "article:published_time", "og:published_time", "article:published", "published_time", "datepublished",
    "parsely-pub-date", "sailthru.date", "pubdate", "publishdate", "publish-date", "publish_date", "pub_date",
    "dc.date.issued", "dcterms.issued", "dcterms.created", "dc.date.created", "dc.date", "dcterms.date",
    "citation_publication_date", "citation_date", "date", "displaydate", "original-publish-date", "rnews:datepublished",
    "article.published", "published-date", "release_date", "timestamp",
)
# Keys that say "a date" without saying which: below the page's visible, labelled dates (published.py).
META_GENERIC_DATES = frozenset(("date", "dc.date", "dcterms.date", "timestamp"))
META_MODIFIED = (
    "article:modified_time", "og:updated_time", "article:modified", "modified_time", "datemodified",
    "dcterms.modified", "dc.date.modified", "last-modified", "lastmod", "revised", "article.updated", "updated_time",
    "sailthru.lastmodified",
)
META_SECTION = ("article:section", "parsely-section", "section", "category", "article.section", "dc.subject",
                "sailthru.section")
META_TAGS = ("article:tag", "parsely-tags", "sailthru.tags", "news_keywords", "keywords")
META_ARTICLE_TAGS = frozenset(("article:tag", "parsely-tags", "sailthru.tags"))  # article-specific, always merged
META_IMAGE = ("og:image:secure_url", "og:image:url", "og:image", "twitter:image", "twitter:image:src",
              "parsely-image-url", "sailthru.image.full", "thumbnailurl", "image")
META_SITE_NAME = ("og:site_name", "application-name", "apple-mobile-web-app-title", "publisher", "dc.publisher",
                  "citation_publisher")
META_LANGUAGE = ("content-language", "language", "dc.language", "dcterms.language", "inlanguage")
META_URL = ("og:url", "twitter:url", "parsely-link")
META_PAYWALL_TIER = ("article:content_tier", "og:article:content_tier", "content_tier", "article:access")
# content_tier values: "free" says free, the others say a paywall applies (metered pages are paywalled once the
# meter runs out, which is the page's own statement that the article is not free).
PAYWALL_LOCKED_VALUES = frozenset(("locked", "metered", "premium", "subscriber", "subscribers", "paid", "true"))
PAYWALL_FREE_VALUES = frozenset(("free", "false", "open"))
# Attribute markers of a paywall container: class/id tokens and data attributes (Piano/TinyPass "tp-" names).
PAYWALL_CLASS = re.compile(
    r"(?:^|[\s_-])(?:paywall|pay-wall|piano-(?:paywall|offer)|tp-(?:modal|container|paywall)|premium-(?:lock|wall)"
    r"|subscriber-only|regwall|meteredContent|article-locked|locked-content)(?:$|[\s_-])",
    re.IGNORECASE,
)
PAYWALL_DATA_ATTRS = frozenset(("data-paywall", "data-piano", "data-tp-paywall", "data-premium-content"))

# --------------------------------------------------------------------------------------------------- titles
# Separators between a headline and a site name in <title>/og:title ("Headline - Site", "Site | Headline").
TITLE_SEPARATORS = re.compile(r"\s+(?:[|\-–—·•»«:/]|::|\|\|)\s+")
TITLE_MAX_SITE_WORDS = 6  # a site-name segment longer than this is more likely part of the headline
# The site's logo or name printed as a heading ("<h1 class="logo">", "<h1 id="site-title">"): never the headline.
LOGO_CLASS = re.compile(r"logo|brand|masthead|site[-_]?(?:title|name|header)|(?:^|[\s_-])blog[-_]?(?:title|name)",
                        re.IGNORECASE)
# A class/id token marking the element that holds the visible headline ("headline", "view_headline",
# "article-title", "entry-title"); never a deck ("sub-headline"), a list of headlines or a teaser card's title.
HEADLINE_CLASS = re.compile(
    r"(?:^|\s)(?!\S*(?:sub|deck|teaser|card|list|item|related|promo|small|mini|section))(?:\S*[-_])?"
    r"(?:head-?line|(?:entry|post|article|story|news|view|content)[-_]?title)(?=$|\s)",
    re.IGNORECASE,
)

# --------------------------------------------------------------------------------------------------- layout
# Containers whose dates/bylines/images are never the article's own: related lists, rails, comments, footers.
EXCLUDED_CONTAINER = re.compile(
    r"related|recommend|trending|popular|most[-_ ]?(?:read|viewed|shared|popular)|sidebar|(?:^|[\s_-])side[-_]"
    r"|widget|comment"
    r"|footer|(?:^|[\s_-])nav|menu|teaser|promo|more[-_]?(?:stories|news|from)|also[-_]?read|read[-_]?more|outbrain"
    r"|taboola|(?:^|[\s_-])rail|newsletter|share|social|ad[-_]?(?:box|slot|unit)|advert|sponsor"
    r"|(?:^|[\s_-])rel(?:$|[\s_-])|next[-_]?(?:article|story)|(?:^|[\s_-])prev(?:ious)?(?:$|[\s_-])|pagination|breaking[-_]?news"
    r"|header[-_]date|top[-_]?bar|ticker|modal|cookie",
    re.IGNORECASE,
)
EXCLUDED_TAGS = frozenset(("aside", "nav", "footer", "form", "noscript", "template"))
# Containers that hold the article itself (its header, byline and figures).
ARTICLE_CONTAINER = re.compile(
    r"article|entry|post|story|content[-_]?(?:header|body|main)|headline|news[-_]?(?:view|header|body|detail)"
    r"|view[-_]?page|byline|(?:^|[\s_-])main(?:$|[\s_-])",
    re.IGNORECASE,
)
BYLINE_CONTAINER = re.compile(
    r"(?:^|[\s_-])(?:by-?line|byline[\w-]*|author[\w-]*|writer|reporter|contributor|journalist|credit[\w-]*name)"
    r"(?:$|[\s_-])",
    re.IGNORECASE,
)
DATE_CONTAINER = re.compile(
    r"(?:^|[\s_-])(?:date[\w-]*|time[\w-]*|timestamp|published|updated|modified|posted|dateline|pubdate)(?:$|[\s_-])",
    re.IGNORECASE,
)
MODIFIED_HINT = re.compile(r"updat|modif|revis|edited", re.IGNORECASE)
# A section label printed above the headline ("kicker"), read only among the strings just before the <h1>.
SECTION_LABEL = re.compile(
    r"(?:^|[\s_-])(?:section|category|categories|cat|kicker|rubric|eyebrow|overline|topic|channel|department)"
    r"(?:[-_]?(?:name|label|title|link|tag|flag))?(?:$|\s)",
    re.IGNORECASE,
)
SECTION_LABEL_MAX_CHARS = 40
BREADCRUMB_CONTAINER = re.compile(r"bread[-_]?crumb|(?:^|[\s_-])crumbs?(?:$|[\s_-])", re.IGNORECASE)
# <nav aria-label="Breadcrumb"> (also "breadcrumbs", "Breadcrumb navigation") and microdata trails.
BREADCRUMB_LABEL = re.compile(r"bread[-_ ]?crumb", re.IGNORECASE)
BREADCRUMB_TYPE = re.compile(r"schema\.org/BreadcrumbList\b", re.IGNORECASE)
# Things an image URL/alt/class says about itself that make it not an article image.
NON_CONTENT_IMAGE = re.compile(
    r"logo|favicon|sprite|(?:^|[/_.-])icons?(?:$|[/_.-])|avatar|profile[-_]?(?:pic|photo|img)|placeholder"
    # pixels and spacers only as whole names ("/pixel.gif", "spacer.png"), never inside words or hosts
    # ("google-pixel-4.jpg", "shortpixel.ai", "thespacereview.com", "tracking-the-storm.jpg")
    r"|(?:^|[/_.-])(?:spacer|blank|transparent|clear|trans|pixel|tracking[-_]?pixel|track)(?:\.(?:gif|png)|[/?]|$)|1x1"
    r"|gravatar|badge|emoji|(?:^|[/_.-])(?:loading|loader|spinner)\.(?:gif|png|svg|webp)|lazy[-_]?load"
    r"|default[-_]?(?:image|img|og)|/ads?/|doubleclick|beacon|author[-_]?(?:img|image|photo)|headshot|mugshot"
    r"|missing[-_]?image|\.svg(?:$|[?#])",  # SVGs on news pages are icons and logos, not photographs
    re.IGNORECASE,
)
# The same judgement from an <img>'s class and alt text: lazy-loading states ("loading", "lazyload") say nothing.
NON_CONTENT_IMAGE_LABEL = re.compile(
    r"logo|favicon|sprite|(?:^|[\s_-])icons?(?:$|[\s_-])|avatar|gravatar|emoji|badge|headshot|mugshot"
    r"|author[-_]?(?:img|image|photo|pic|thumb)|profile[-_]?(?:pic|photo|img)|tracking[-_]?pixel|(?:^|\s)pixel(?:$|\s)",
    re.IGNORECASE,
)
MIN_IMAGE_SIDE = 200  # px: smaller declared images are icons, thumbnails or pixels, not the lead image
IMAGE_SOURCE_ATTRS = ("src", "data-src", "data-original", "data-lazy-src", "data-url", "data-full-src",
                      "data-hi-res-src")

# --------------------------------------------------------------------------------------------------- bylines
# A visible line that IS a byline: "By …" (optionally "Analysis by …"), never "Word: …" (that is a headline kicker).
BYLINE_LINE = re.compile(r"^\s*(?:[^\W\d_]+\s+){0,2}?by\s*[:\-–—]?\s+\S", re.IGNORECASE)
# The other languages' "by" (par, von, di, …) are also surname particles ("Mark Di Stefano", "Maria von Trapp"):
# they open a byline at its start ("Von Anna Schmidt", "Par AFP"), after a label word ("Veröffentlicht von X",
# "Publié par X", "Ein Kommentar von X"), or, in lower case after other words, only when a full name follows
# ("Texte et photos par Jean Dupont"); never in front of a lone surname.
_FOREIGN_BY = r"(?:par|von|por|di|door|av|af)"
_BYLINE_LABELS = (r"(?:ver(?:ö|oe)ffentlicht|geschrieben|erstellt|verfasst|gepostet|kommentar|beitrag|gastbeitrag"
                  r"|artikel|text|texte|interview|fotos?|bilder|publi(?:é|e)e?|(?:é|e)crit|r(?:é|e)dig(?:é|e)|article"
                  r"|propos\s+recueillis|scritto|pubblicato|articolo|publicado|escrito|art(?:í|i)culo|texto"
                  r"|geschreven|gepubliceerd|posted|written)")
_FULL_NAME_AHEAD = r"(?=(?-i:(?![a-zß-öø-ÿ])[^\W\d_])\S*\s+\S)"
BYLINE_PREFIX = re.compile(
    r"^\s*(?:[^\W\d_]+\s+){0,3}?by\s*[:\-–—]?\s+"  # "By", "Analysis by", "Story and photos by"
    r"|^\s*" + _FOREIGN_BY + r"\s*[:\-–—]?\s+"  # "Von Anna Schmidt", "Par AFP"
    + r"|^\s*(?:[^\W\d_]+\s+){0,2}?" + _BYLINE_LABELS + r"\s+" + _FOREIGN_BY + r"\s*[:\-–—]?\s+"
    + r"|^\s*(?:[^\W\d_]+\s+){1,3}?(?-i:" + _FOREIGN_BY + r")\s*[:\-–—]?\s+" + _FULL_NAME_AHEAD
    + r"|^\s*[^\W\d_]{2,12}\s*[:：]\s*",  # "Author:", "Text:", "Текст:", "Texto:" (names never hold a colon)
    re.IGNORECASE,
)
# Credits of the people who edited, checked or translated a story: not its authors ("Edited by B", "Redaktion: B").
EDITOR_CREDIT = re.compile(
    r"(?:^|(?<=[\s,;|/(]))(?:(?:copy[- ]?|line[- ]?)?edit(?:ed|ing)|(?:medically |fact[- ]?)?(?:reviewed|checked)"
    r"|fact[- ]?checking|translated|translation|produced|production|redigiert|bearbeitet|überarbeitet"
    r"|lektoriert|(?:é|e)dit(?:é|e)(?:e|s)?|relu(?:e|s)?|revu(?:e|s)?|traduit(?:e|s)?)\s+(?:by|von|par)\s*:?\s+"
    r"[^,;|/()\n]*?(?=$|[,;|/()\n]|\s(?:written|words|reporting|text|story)\b)"
    r"|(?:^|(?<=[\s,;|/(]))(?:editors?|editing|redaktion|bearbeitung|rédaction|édition|edition|편집|編集|编辑)\s*[:：]\s*"
    r"[^,;|/()\n]*?(?=$|[,;|/()\n])",
    re.IGNORECASE,
)
EMAIL = re.compile(r"\(?\s*[\w.+-]+@[\w-]+(?:\.[\w-]+)+\s*\)?")
URL_LIKE = re.compile(r"https?://\S+|www\.\S+|@\w{2,}")
# Case-sensitive on purpose: " E " in "Jane E Doe" is an initial, " e " is Italian/Portuguese "and".
AUTHOR_SPLIT = re.compile(r"\s*(?:,|;|\||\s(?:and|AND|And|&|und|et|y|e|with|With)\s|\s/\s|\n|、|·|・)\s*")
# Job titles and desk names around a byline; removed, and a piece made only of them is dropped.
AUTHOR_NOISE = re.compile(
    r"\b(?:(?:senior|chief|staff|special|foreign|national|political|business|sports|diplomatic|defense|economic"
    r"|science|health|tech(?:nology)?|white house|washington|asia|europe|china|seoul|tokyo|beijing|local|city"
    r"|news)\s+)*"
    r"(?:staff\s+(?:reporter|writer|correspondent)|reporters?|correspondents?|writers?|editors?|columnists?"
    r"|contributors?|contributing\s+writer|photographers?|journalists?|analysts?|bureau\s+chief|desk|newsroom"
    r"|staff|team|intern|freelancer?)\b",
    re.IGNORECASE,
)
AUTHOR_CJK_SUFFIX = re.compile(r"\s*(?:선임기자|기자|특파원|논설위원|객원기자|인턴기자|記者|特派員|编辑|記者)\s*$")
AUTHOR_TRAILING_DATE = re.compile(
    r"\b(?:updated|published|posted|modified|on|at|(?:mon|tues|wednes|thurs|fri|satur|sun)day)\b.*$|\d{1,2}:\d{2}.*$|\b\d{4}-\d{2}-\d{2}.*$|\b(?:jan|feb|mar|apr"
    r"|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2}.*$",
    re.IGNORECASE,
)
# Values that are never a person's name.
NON_PERSON_AUTHORS = frozenset(
    (
        "admin", "administrator", "staff", "editor", "editors", "editorial", "editorial board", "the editorial board",
        "newsroom", "news desk", "web desk", "online desk", "desk", "guest", "anonymous", "unknown", "none", "null",
        "wire", "wires", "wire services", "agencies", "agency", "news agencies", "contributor", "team",
        "the associated press", "associated press", "press release", "sponsored", "partner content", "e-mail",
        "email", "mail", "print", "share", "facebook", "twitter", "whatsapp", "linkedin",
    )
)
ORGANIZATION_WORDS = re.compile(
    r"\b(?:news|press|times|post|media|agency|magazine|journal|herald|tribune|gazette|daily|network|television"
    r"|radio|broadcasting|corporation|inc|ltd|llc|group|service|services|wire|desk|online|\.com|\.co|ilbo|shimbun"
    r"|chronicle|bulletin|review|reuters|bloomberg|staff|business|insider|today|editorial|coordenadoria|department"
    r"|ministry|office|university|institute|council|committee|international|blog|edition)\b",
    re.IGNORECASE,
)
MAX_AUTHOR_WORDS = 5
# Lower-case words a person's name may hold (surname particles); any other lower-case word makes it a phrase
# ("Zum Profil von jesusfreak", "Veröffentlicht am").
NAME_PARTICLES = frozenset(("van", "von", "der", "den", "de", "del", "della", "di", "da", "das", "do", "dos", "du",
                            "la", "le", "les", "bin", "binti", "ibn", "al", "el", "zu", "ten", "ter", "af", "av",
                            "y", "e", "st", "st.", "d'", "l'", "'t", "bint", "ben", "mac", "of"))
# A site name that names an outlet, not a person (checked before a Person-typed author named like the site is
# kept): "Deutsche Wirtschaftsnachrichten", "La Información", "KentNews".
OUTLET_NAME = re.compile(r"nachrichten|zeitung|informaci[oó]n|noticias|nieuws|notizie|actualit|journal|news|times"
                         r"|post|media|online|magazin|radio|press|blog|\btv\b|\bthe\b|^(?:la|le|el|les|die|der|das|il|l')\b",
                         re.IGNORECASE)
BYLINE_SENTENCE_WORDS = 12  # a "byline" longer than this that ends like a sentence is story text
# "Name. Outlet": a period after a word of two or more lower-case letters (not an initial "E.") ends a name.
AUTHOR_PERIOD_SPLIT = re.compile(r"(?<=[a-z]{2})\.\s+(?=[A-Z])")
# "<Outlet> staff", "<Desk> team": a byline naming a desk.
AUTHOR_DESK_SUFFIX = re.compile(r"\S\s+(?:staff|team|desk|newsroom)\s*$", re.IGNORECASE)
# US states and their AP-style abbreviations: a one-word "author" such as "Calif." comes from a dateline.
US_STATE_NAMES = frozenset((
    "ala", "ariz", "ark", "calif", "colo", "conn", "del", "fla", "ga", "ill", "ind", "kan", "kans", "ky", "la", "md",
    "mass", "mich", "minn", "miss", "mo", "mont", "neb", "nebr", "nev", "okla", "ore", "pa", "penn", "tenn", "tex",
    "vt", "va", "wash", "wis", "wisc", "wyo", "alabama", "alaska", "arizona", "arkansas", "california", "colorado",
    "connecticut", "delaware", "florida", "hawaii", "idaho", "illinois", "indiana", "iowa", "kansas", "kentucky",
    "louisiana", "maine", "maryland", "massachusetts", "michigan", "minnesota", "mississippi", "missouri",
    "montana", "nebraska", "nevada", "ohio", "oklahoma", "oregon", "pennsylvania", "tennessee", "texas", "utah",
    "vermont", "wisconsin", "wyoming",
))
# CMS-internal tags ("ctp_video", "_no-apple-news"): an underscore inside one token, or a leading underscore.
INTERNAL_TAG = re.compile(r"^_|^[^\s_]+_[^\s]+$")
# Lower-case words that occur in sentences, not in names ("Jeff Foust is the editor…"); name particles are allowed.
AUTHOR_SENTENCE_WORDS = frozenset(("is", "the", "was", "has", "are", "for", "with", "about", "writes", "covers",
                                   "a", "an", "in", "to", "who", "and", "or", "by", "from"))
# Section values that are page types or junk, not sections.
NON_SECTIONS = frozenset(("post", "posts", "article", "articles", "all", "uncategorized", "uncategorised",
                          "general", "default", "blog", "main", "home", "story", "stories", "page", "email me",
                          "none", "null", "undefined", "index", "content", "news article",
                          # "uncategorized" in other languages; interface words (a link back, an edit button)
                          "allgemein", "non classé", "sin categoría", "senza categoria", "edit", "bearbeiten",
                          "back", "zurück", "retour", "next", "previous", "weiter", "read more", "share", "print",
                          "login", "menu", "registrierung", "register", "anmelden", "sign in", "subscribe",
                          "abonnieren", "s'abonner", "se connecter"))
# Generic labels that are no section when printed above a headline (as metadata they may be a site's real section).
GENERIC_KICKERS = frozenset(("news", "latest", "latest news", "top news", "breaking", "breaking news", "aktuell",
                             "aktuelles", "nachrichten", "meldungen", "artikel", "beitrag", "beiträge", "more",
                             "mehr", "actualités", "noticias", "뉴스", "ニュース", "top", "featured", "exclusive",
                             "archiv", "archive", "news-archiv", "news archive", "pressemitteilung", "press release"))
MAX_AUTHORS = 10

# --------------------------------------------------------------------------------------------------- agencies
# Wire agencies: canonical name -> spellings as they appear in credits. Used for `source` and to keep agencies
# out of `authors`.
AGENCIES: dict[str, tuple[str, ...]] = {
    "Yonhap": ("Yonhap", "Yonhap News Agency", "Yonhap News", "연합뉴스", "연합"),
    "AP": ("AP", "Associated Press", "The Associated Press"),
    "Reuters": ("Reuters", "Thomson Reuters"),
    "AFP": ("AFP", "Agence France-Presse", "Agence France Presse", "AFP-JIJI", "AFP-Jiji"),
    "Bloomberg": ("Bloomberg", "Bloomberg News"),
    "Kyodo": ("Kyodo", "Kyodo News", "共同", "共同通信"),
    "Xinhua": ("Xinhua", "Xinhua News Agency", "新华社", "新華社"),
    "dpa": ("dpa", "DPA", "Deutsche Presse-Agentur"),
    "ANSA": ("ANSA",),
    "EFE": ("EFE", "Agencia EFE"),
    "PA": ("PA", "PA Media", "Press Association", "PA Wire"),
    "UPI": ("UPI", "United Press International"),
    "Jiji": ("Jiji", "Jiji Press", "時事", "時事通信"),
    "Bernama": ("Bernama",),
    "PTI": ("PTI", "Press Trust of India"),
    "IANS": ("IANS", "Indo-Asian News Service"),
    "ANI": ("ANI", "Asian News International"),
    "CNA": ("CNA", "Central News Agency"),
    "Newsis": ("Newsis", "뉴시스"),
    "News1": ("News1", "News 1", "뉴스1"),
    "AAP": ("AAP", "Australian Associated Press"),
    "CP": ("CP", "The Canadian Press", "Canadian Press"),
    "TASS": ("TASS", "ITAR-TASS"),
    "Interfax": ("Interfax",),
    "RIA Novosti": ("RIA Novosti", "RIA"),
    "Anadolu": ("Anadolu", "Anadolu Agency", "AA"),
    "Antara": ("Antara",),
    "KCNA": ("KCNA", "Korean Central News Agency"),
    "APA": ("APA",),
    "Belga": ("Belga",),
    "ANP": ("ANP",),
    "Lusa": ("Lusa",),
    "NTB": ("NTB",),
    "TT": ("TT",),
    "Ritzau": ("Ritzau",),
    "SDA": ("SDA", "Keystone-SDA"),
    "KNA": ("KNA",),
    "epd": ("epd",),
    "Europa Press": ("Europa Press",),
    "PAP": ("PAP",),
    "CTK": ("CTK", "ČTK"),
    "MTI": ("MTI",),
    "WAM": ("WAM", "Emirates News Agency"),
    "SPA": ("SPA", "Saudi Press Agency"),
    "IRNA": ("IRNA",),
    "PNA": ("PNA", "Philippine News Agency"),
    "VNA": ("VNA", "Vietnam News Agency"),
    "Tanjug": ("Tanjug",),
    "HINA": ("HINA",),
    "Prensa Latina": ("Prensa Latina",),
    "Agencia Brasil": ("Agência Brasil", "Agencia Brasil"),
    "NZPA": ("NZPA",),
    "Dow Jones": ("Dow Jones", "Dow Jones Newswires"),
    "CNS": ("CNS", "China News Service", "中新社"),
}
AGENCY_BY_SPELLING: dict[str, str] = {
    spelling.lower(): canonical for canonical, spellings in AGENCIES.items() for spelling in spellings
}
# Short spellings are matched in their own case only ("AP", "PA", "dpa"): "(pa)" or "ap" in text is no credit.
AGENCY_BY_EXACT: dict[str, str] = {
    spelling: canonical for canonical, spellings in AGENCIES.items() for spelling in spellings
}
AGENCY_CASE_FREE_MIN_CHARS = 5  # longer spellings ("Reuters", "Associated Press") match in any case
# Spellings in scripts without spaces, found at the end of a bracketed CJK dateline ("【ソウル共同】").
AGENCY_CJK_SPELLINGS: tuple[str, ...] = tuple(
    sorted((s for s in AGENCY_BY_EXACT if any(ord(ch) > 0x2E80 for ch in s)), key=len, reverse=True)
)
# Story credits: only anchored forms count, so "…, Reuters reported" in a paragraph never does. The regexes capture
# a short candidate; the agency table decides (a table lookup is cheaper to compile than a 100-way alternation).
#  1. dateline at the start: "SEOUL, Nov. 22 (Yonhap) --", "WASHINGTON (AP) —", "(서울=연합뉴스)", "【ソウル共同】"
CREDIT_DATELINE = re.compile(
    r"^\W{0,3}[A-Z][A-Za-z.'’ -]{1,40}(?:,\s*[A-Z][A-Za-z.'’ -]{0,30})?"
    r"(?:,?\s*[A-Za-z]{3,9}\.?\s+\d{1,2}(?:,\s*\d{4})?)?"
    r"\s*\(([^()]{2,40})\)\s*(?:--|—|–|-|:)"
)
CREDIT_CJK_DATELINE = re.compile(r"^\W{0,3}[(\[【（]\s*([^()\[\]【】（）]{1,30}?)\s*[)\]】）]")
CREDIT_CHINESE_DATELINE = re.compile(r"^\W{0,3}(新华社|新華社|中新社)[^\s，,。]{0,20}电")  # "新华社北京11月22日电"
#  2. at the very end of the story: "… in their court." (Yonhap) / — Reuters / - AFP / a last line "AP"
CREDIT_TRAILER_PAREN = re.compile(r"\(([^()\n]{2,40})\)\s*\.?\s*$")
CREDIT_TRAILER_DASH = re.compile(r"(?:^|\s)(?:--|—|–|-|/)\s*([^\n—–/]{2,40}?)\s*\.?\s*$")
CREDIT_TRAILER_LINE = re.compile(r"(?:^|\n)\s*([^\n]{2,40}?)\s*\.?\s*$")
#  3. a closing credit line: "(Reporting by …; Editing by …)" is Reuters' signature, "© 2024 The Associated Press".
CREDIT_REPORTING_BY = re.compile(r"\(Reporting by [^)]{3,300}\)\s*$", re.IGNORECASE)
CREDIT_COPYRIGHT = re.compile(r"(?:©|\(c\)|copyright)\s*(?:\d{4}\s*)?([^\n.,;©]{2,60})", re.IGNORECASE)
# A closing line that credits a picture or a video, not the story ("Photo: AP-Yonhap", "Video: Reuters").
MEDIA_CREDIT_LINE = re.compile(r"\b(?:photos?|images?|pictures?|videos?|graphics?|illustrations?|footage)\b", re.I)
CREDIT_SCAN_CHARS = 400  # credits sit at the start or end of the story: only those slices are scanned
AGENCY_COMBINATION = re.compile(r"\s*(?:[-/]|\bvia\b)\s*")  # "AP-Yonhap", "AFP/Getty", "AFP via Getty Images"

# Photo credits at the end of a caption: "(AP Photo/Ahn Young-joon)", "Photo by X", "© X", "… 2019. AP-Yonhap".
CAPTION_PAREN_CREDIT = re.compile(r"\s*\(([^()]{0,60}\b(?:Photos?|Images?|Foto|Pictures?)\b[^()]{0,60})\)\s*\.?\s*$")
CAPTION_LABEL_CREDIT = re.compile(
    r"[\s|/]*\b(?:(?:Photos?|Images?|Pictures?|Photograph)(?:\s+credit)?|Credit)\s*(?:by|:|©|copyright|\.\.\.|…)\s*"
    r"([^.()|]{2,80}?)\s*\.?\s*$",
    re.IGNORECASE,
)
CAPTION_TRAILING_PAREN = re.compile(r"\s*\(([^()]{2,80})\)\s*\.?\s*$")
# The label a parenthesized credit starts with: "(Image: Getty)" -> "Getty" ("AP Photo/…" keeps its words).
CAPTION_CREDIT_LABEL = re.compile(r"^(?:Photos?|Images?|Pictures?|Foto|Credit)\s*(?::|by)\s*", re.IGNORECASE)
# A closing segment after a sentence end: the sentence must end in a lower-case word or a digit ("U.S. Defense
# Secretary Mark Esper" is no boundary), and not in a title or month abbreviation ("Mrs. Jane Doe").
CAPTION_SENTENCE_END = re.compile(r"(?:[a-z]{2}|\d|[)\"'’”])[.!?]\s+([^.!?]{2,60}?)\s*\.?\s*$")
CAPTION_NON_SENTENCE_END = re.compile(
    r"(?:\b(?:Mrs|Mr|Ms|Dr|St|Sr|Jr|Gen|Sen|Rep|Gov|Lt|Col|Sgt|Capt|Prof|Rev|Mt|Ft|No|vs|Jan|Feb|Mar|Apr|Jun|Jul|Aug"
    r"|Sep|Sept|Oct|Nov|Dec|Inc|Corp|Co|Ltd)\.\s+[^.!?]*$)"
)
# A person's name as a photographer credit: two to four capitalized words ("Mary Major", "Jean-Luc de la Rue").
CREDIT_PERSON_NAME = re.compile(
    r"^[A-Z][\w'’-]+(?:\s+(?:(?:de|da|del|van|von|der|la|le|di|bin|al)\s+)?[A-Z][\w'’-]+\.?){1,3}$"
)
# Query parameters that only size or encode an image (the same picture at another size is one image).
IMAGE_SIZE_PARAMS = frozenset((
    "w", "h", "width", "height", "resize", "fit", "crop", "quality", "q", "auto", "format", "fm", "dpr", "size",
    "strip", "ssl", "retina", "impolicy", "imwidth", "output-quality", "output-format", "mode", "scale",
))
IMAGE_FILE_PATH = re.compile(r"\.(?:jpe?g|png|gif|webp|avif|bmp|tiff?|heic)$", re.IGNORECASE)
# Sizes an image URL declares: "?w=39&h=39", "width=120", "-150x150.jpg" (WordPress thumbnails).
IMAGE_QUERY_SIDE = re.compile(r"(?:^|[?&;])(?:w|width|h|height|imwidth)=(\d{1,5})(?=$|[&;#])", re.IGNORECASE)
IMAGE_PATH_SIZE = re.compile(r"[-_](\d{1,4})x(\d{1,4})\.(?:jpe?g|png|gif|webp)$", re.IGNORECASE)
CAPTION_COPYRIGHT = re.compile(r"\s*©\s*([^.()]{2,80}?)\s*\.?\s*$")
CAPTION_LAST_SEGMENT = re.compile(r"(?<=[.!?])\s+([^.!?]{2,60}?)\s*\.?\s*$")
# Photo sources that are not wire agencies but appear in credit segments.
PHOTO_SOURCES = frozenset(("EPA", "Getty", "Getty Images", "Shutterstock", "AFP/Getty", "Images", "Yonhap", "Newsis",
                           "News1", "Xinhua", "EPA-EFE", "Bloomberg", "Alamy"))
CREDIT_CLASS = re.compile(r"credit|copyright|byline|photographer|source", re.IGNORECASE)
# One cheap test per element with a class/id before the specific regexes run (most elements fail it).
CLASS_PREFILTER = re.compile(r"auth|byl|writer|report|contrib|journal|crumb|pay|piano|tp-|premium|regwall|lock|subscri"
                             r"|meter", re.IGNORECASE)

# --------------------------------------------------------------------------------------------------- dates
# Labels of visible date lines; the label decides published vs modified ("Updated" is never taken as published).
_PUBLISHED_LABELS = (
    r"posted|published(?:\s+on)?|publication\s+date|first\s+published|written(?:\s+on)?|created|date(?=\s*[:：])|datum(?=\s*[:：])|fecha(?=\s*[:：])|filed|issued"
    r"|publiziert|veröffentlicht|erschienen|publié|publicado|publicada|pubblicato|gepubliceerd|opublikowano"
    r"|publicerad|julkaistu|опубликовано|diterbitkan|입력|등록|작성|게재|公開|配信|掲載|发布(?:时间)?|發布(?:時間)?|发表"
    r"|(?:artikel|beitrag|eintrag)\s+wurde(?=\s+am\b)"  # WordPress themes: "Dieser Beitrag wurde am … veröffentlicht"
)
_MODIFIED_LABELS = (
    r"last\s+updated|updated(?:\s+on)?|modified|last\s+modified|revised|edited|aktualisiert|geändert|mis\s+à\s+jour"
    r"|letzte\s+änderung|zuletzt\s+bearbeitet|zuletzt(?=\s+am\b)|stand(?=\s*[:：])|dernière\s+mise\s+à\s+jour"
    r"|actualizado|atualizado|aggiornato|bijgewerkt|zaktualizowano|uppdaterad|päivitetty|обновлено|diperbarui"
    r"|수정|업데이트|最終更新|更新(?:时间|時間)?|修改"
)
DATE_LINE = re.compile(
    r"(?P<label>" + _MODIFIED_LABELS + "|" + _PUBLISHED_LABELS + r")"
    r"\s*(?:at|on|am|le|el|em|il|op|den)?\s*[:：]?\s*"
    r"(?P<value>[^|\n]{6,80}?)(?=\s*(?:\||\n|$|(?:posted|published|updated|modified|last\s+updated|입력|수정|更新)\b))",
    re.IGNORECASE,
)
MODIFIED_LABEL = re.compile(_MODIFIED_LABELS, re.IGNORECASE)
# A text node that is only a label, the date following in the next element ("<b>Posted :</b> <span>2019-…").
DATE_LINE_LABEL_ONLY = re.compile(
    r"(?:^|\W)(?:" + _MODIFIED_LABELS + "|" + _PUBLISHED_LABELS + r")\s*(?:at|on|am|le|el|em|il|op|den)?\s*[:：]?\s*$",
    re.IGNORECASE,
)
# Classes/ids/itemprops that label a visible date (published.py): the strong ones say "published"; the weak ones
# only say "a date" (or a byline/meta line, which holds one); the modified ones say "updated".
PUBLISHED_MARKER = re.compile(
    r"publish|publicat|pubdate|date[-_]?pub|posted|created|erstellt|veroeffentlicht|entry[-_]?date|post[-_]?date"
    r"|submitted|parution"
    r"|date[-_]?header|article[-_]?date|artikel[-_]?datum|story[-_]?date|news[-_]?date|date[-_]?line",
    re.IGNORECASE,
)
DATE_MARKER = re.compile(r"date|datum|time|fecha|data|meta|byline|author|info|stamp|dateline", re.IGNORECASE)
# Containers whose dates are certainly not the article's (comments, related/teaser lists, tickers, mastheads).
DATE_FURNITURE = re.compile(
    r"comment|related|recommend|trending|popular|most[-_ ]?(?:read|viewed|shared)|ticker"
    r"|header[-_]date|more[-_]?(?:stories|news)|also[-_]?read|read[-_]?more|outbrain|taboola|leserbrief|kommentar"
    r"|reply|respon",
    re.IGNORECASE,
)
# <meta> keys outside META_PUBLISHED/META_MODIFIED that still name a publication or change date, and those that
# name other dates (events, expiry, validity, copyright) or are no date at all.
META_DATE_KEY = re.compile(r"publi|pubdate|created|creation|upload|release|date|modif|updat", re.IGNORECASE)
META_NOT_PUBLICATION = re.compile(r"expir|valid|start|end|event|birth|death|copyright|format|search|crawl|cache"
                                  r"|retriev|review|image|video:duration|og:see|refresh"
                                  r"|^uploaddate$", re.IGNORECASE)  # itemprop uploadDate: an embedded video's
# A <span title="…"> whose class says it is a date (hAtom "published"/"updated" carry the ISO value in title).
TITLED_DATE_CLASS = re.compile(r"publish|updat|date|time", re.IGNORECASE)
MODIFIED_MARKER = re.compile(r"updat|modif|revis|aktualis|edited", re.IGNORECASE)
ISO_DATE = re.compile(
    r"(?P<y>(?:19|20)\d{2})[-/.](?P<m>[01]?\d)[-/.](?P<d>[0-3]?\d)"
    r"(?:(?:[T ]|\s+|T?\s*)(?P<H>[0-2]?\d):(?P<M>[0-5]\d)(?::(?P<S>[0-5]\d)(?:[.,]\d{1,9})?)?)?"
    r"\s*(?P<tz>Z|[+-](?:[01]\d|2[0-3]):?[0-5]\d\b|[+-](?:[01]\d|2[0-3])\b|UTC|GMT)?",
    re.IGNORECASE,
)
COMPACT_DATE = re.compile(
    r"^(?P<y>(?:19|20)\d{2})(?P<m>[01]\d)(?P<d>[0-3]\d)(?:T?(?P<H>[0-2]\d)(?P<M>[0-5]\d)(?P<S>[0-5]\d)?)?$")
EPOCH = re.compile(r"^\d{10}(?:\d{3})?$")
CJK_DATE = re.compile(
    r"(?P<y>(?:19|20)\d{2})\s*(?:년|年)\s*(?P<m>[01]?\d)\s*(?:월|月)\s*(?P<d>[0-3]?\d)\s*(?:일|日)?"
    r"(?:\s*\([^)]{1,3}\))?(?:\s*(?P<ampm>오전|오후|午前|午後|上午|下午))?"
    r"(?:\s*(?P<H>[0-2]?\d)\s*(?::|시|時|点|點)\s*(?P<M>[0-5]?\d)?)?"
)
CJK_PM = frozenset(("오후", "午後", "下午"))
CJK_AM = frozenset(("오전", "午前", "上午"))
MONTHS: dict[str, int] = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january", "janv", "janvier", "januar", "enero", "ene", "gennaio", "gen", "jänner", "jän",
             "janeiro", "januari", "styczeń", "stycznia", "ledna", "января", "январь", "ocak", "január"),
            ("feb", "february", "févr", "fevr", "février", "februar", "febrero", "febbraio", "fevereiro", "fev",
             "februari", "lutego", "luty", "února", "февраля", "февраль", "şubat", "február"),
            ("mar", "march", "mars", "märz", "mär", "mrz", "marzo", "março", "maart", "maret", "marca", "marzec",
             "března", "марта", "март", "mart", "március"),
            ("apr", "april", "avr", "avril", "abril", "abr", "aprile", "kwietnia", "kwiecień", "dubna", "апреля",
             "апрель", "nisan", "április"),
            ("may", "mai", "mayo", "maggio", "mag", "maio", "mei", "maj", "maja", "května", "мая", "май", "mayıs",
             "május"),
            ("jun", "june", "juin", "juni", "junio", "giugno", "giu", "junho", "czerwca", "czerwiec", "června",
             "июня", "июнь", "haziran", "június"),
            ("jul", "july", "juil", "juillet", "juli", "julio", "luglio", "lug", "julho", "lipca", "lipiec",
             "července", "июля", "июль", "temmuz", "július"),
            ("aug", "august", "août", "aout", "agosto", "ago", "augustus", "agustus", "augusti", "sierpnia",
             "sierpień", "srpna", "августа", "август", "ağustos", "augusztus"),
            ("sep", "sept", "september", "septembre", "septiembre", "settembre", "set", "setembro", "września",
             "wrzesień", "září", "сентября", "сентябрь", "eylül", "szeptember"),
            ("oct", "october", "octobre", "oktober", "okt", "octubre", "ottobre", "ott", "outubro", "out",
             "października", "październik", "října", "октября", "октябрь", "ekim", "október"),
            ("nov", "november", "novembre", "noviembre", "novembro", "listopada", "listopad", "listopadu",
             "ноября", "ноябрь", "kasım"),
            ("dec", "december", "déc", "decembre", "décembre", "dezember", "dez", "diciembre", "dic", "dicembre",
             "dezembro", "desember", "grudnia", "grudzień", "prosince", "декабря", "декабрь", "aralık"),
        ),
        start=1,
    )
    for name in names
}
_MONTH_ALT = "|".join(sorted((re.escape(m) for m in MONTHS), key=len, reverse=True))
# "March 4, 2024", "Mon March 4 2024", "Nov. 22, 2019"
TEXT_DATE_MDY = re.compile(
    r"\b(?P<mon>" + _MONTH_ALT + r")\.?\s+(?P<d>[0-3]?\d)(?:st|nd|rd|th)?,?\s+(?P<y>(?:19|20)\d{2})\b", re.IGNORECASE)
# "2020. június 4." (Hungarian and other year-first writing with a month name)
TEXT_DATE_YMD = re.compile(
    r"\b(?P<y>(?:19|20)\d{2})\.?\s+(?P<mon>" + _MONTH_ALT + r")\.?\s+(?P<d>[0-3]?\d)\b", re.IGNORECASE)
# "22 November 2019", "4. März 2024", "22 de noviembre de 2019"
TEXT_DATE_DMY = re.compile(
    r"\b(?P<d>[0-3]?\d)(?:st|nd|rd|th|er|\.)?\s+(?:de\s+)?(?P<mon>" + _MONTH_ALT
    + r")\.?,?\s+(?:de\s+)?(?P<y>(?:19|20)\d{2})\b",
    re.IGNORECASE,
)
# DD.MM.YYYY (dots: day first everywhere they are used) and ambiguous NN/NN/YYYY (also "26 | 01 | 2022").
# "31.10.23": dotted day-first with a two-digit year (German-speaking pages), read only when nothing longer matched.
SHORT_DOTTED_DATE = re.compile(r"(?<![\d.])(?P<d>[0-3]?\d)\.(?P<m>[01]?\d)\.(?P<y>\d{2})(?![\d.])")
NUMERIC_DATE = re.compile(r"\b(?P<a>[0-3]?\d)(?P<sep>[/.-]| \| )(?P<b>[0-3]?\d)(?P=sep)(?P<y>(?:19|20)\d{2})\b")
CLOCK = re.compile(
    r"(?<![\d:])(?P<H>[0-2]?\d)(?::|h|\.(?=\d{2}\s*[ap]\.?m))(?P<M>[0-5]\d)(?::(?P<S>[0-5]\d))?\s*(?P<ampm>[ap]\.?\s?m\.?)?(?![\d])",
    re.IGNORECASE,
)
CLOCK_AMPM_ONLY = re.compile(r"(?<![\d:])(?P<H>1[0-2]|0?[1-9])\s*(?P<ampm>[ap]\.?\s?m\.?)(?!\w)", re.IGNORECASE)
TZ_OFFSET = re.compile(r"(?:UTC|GMT)?\s*(?P<sign>[+-])(?P<h>[01]?\d|2[0-3]):?(?P<m>[0-5]\d)?\b")
TZ_NAME = re.compile(r"\b(?P<tz>UTC|GMT|Z|[ECMP][SD]?T|AK[SD]T|H[SD]T|KST|JST|HKT|SGT|CST|IST|CET|CEST|EET|EEST|WET"
                     r"|WEST|BST|MSK|AEST|AEDT|ACST|ACDT|AWST|NZST|NZDT|PHT|WIB|ICT|SAST)\b")
# Fixed offsets in minutes. US "ET/CT/MT/PT" without S/D resolve by the US DST rule of that date (see dates.py).
TZ_OFFSETS: dict[str, int] = {
    "UTC": 0, "GMT": 0, "Z": 0, "EST": -300, "EDT": -240, "CST": -360, "CDT": -300, "MST": -420, "MDT": -360,
    "PST": -480, "PDT": -420, "AKST": -540, "AKDT": -480, "HST": -600, "KST": 540, "JST": 540, "HKT": 480,
    "SGT": 480, "IST": 330, "CET": 60, "CEST": 120, "EET": 120, "EEST": 180, "WET": 0, "WEST": 60, "BST": 60,
    "MSK": 180, "AEST": 600, "AEDT": 660, "ACST": 570, "ACDT": 630, "AWST": 480, "NZST": 720, "NZDT": 780,
    "PHT": 480, "WIB": 420, "ICT": 420, "SAST": 120,
}
US_ZONES_STANDARD: dict[str, int] = {"ET": -300, "CT": -360, "MT": -420, "PT": -480}
# A date in the article URL: /2019/11/22/ or /2019-11-22/ (last resort, date only).
URL_DATE = re.compile(r"/((?:19|20)\d{2})[/-]([01]?\d)[/-]([0-3]?\d)(?:/|-|_|\.|$)")
# A whole path segment YYYYMMDD (/20200428/) or DD-MM-YYYY (/29-10-2021): also the URL's day.
URL_DATE_COMPACT = re.compile(r"/((?:19|20)\d{2})([01]\d)([0-3]\d)(?:/|$)")
URL_DATE_DMY = re.compile(r"/([0-3]\d)-([01]\d)-((?:19|20)\d{2})(?:/|$)")
# A file named by its upload time, YYYYMMDDhhmmss and milliseconds (/large/20201007120909561.jpg): the last
# segment only (a web archive's /web/20160218093512/ segment is the day of its copy).
URL_DATE_STAMP = re.compile(r"/((?:19|20)\d{2})([01]\d)([0-3]\d)[0-2]\d[0-5]\d[0-5]\d\d{0,4}(?:[._-][^/]*)?$")
# Dates in the state a script-rendered page ships (Shopify's "published_at", a headless CMS's "createdAt"): a quoted
# key, then a quoted ISO value. Publication keys are read before creation keys.
_SCRIPT_ISO = r"""\s*:\s*["'](\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?)["']"""
SCRIPT_PUBLISHED_KEY = re.compile(
    r"""["'](?:published_?at|publishedAt|publish_?date|publishDate|date_?published|datePublished|"""
    r"""publication_?date|publicationDate|first_?published(?:_?at)?|firstPublished(?:At)?)["']""" + _SCRIPT_ISO)
SCRIPT_CREATED_KEY = re.compile(r"""["'](?:created_?at|createdAt|date_?created|dateCreated)["']""" + _SCRIPT_ISO)
MIN_YEAR = 1990  # older dates on news pages are copyright lines or history, not publication dates
MAX_YEAR = 2100

# --------------------------------------------------------------------------------------------------- language
LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*$")
LANGUAGE_NAMES: dict[str, str] = {
    "english": "en", "korean": "ko", "japanese": "ja", "chinese": "zh", "french": "fr", "german": "de",
    "spanish": "es", "italian": "it", "portuguese": "pt", "russian": "ru", "arabic": "ar", "dutch": "nl",
    "한국어": "ko", "日本語": "ja", "中文": "zh", "english (us)": "en-US", "english (uk)": "en-GB",
}
# ISO 639-2/T codes some sites use in <html lang> -> the BCP 47 (shortest) form.
LANGUAGE_ALIASES: dict[str, str] = {
    "eng": "en", "kor": "ko", "jpn": "ja", "zho": "zh", "chi": "zh", "fra": "fr", "fre": "fr", "deu": "de",
    "ger": "de", "spa": "es", "ita": "it", "por": "pt", "rus": "ru", "ara": "ar", "nld": "nl", "dut": "nl",
    "iw": "he", "in": "id", "ji": "yi", "jp": "ja", "kr": "ko", "cn": "zh", "gr": "el", "cz": "cs", "dk": "da",
    "se": "sv", "ua": "uk", "vn": "vi",
}
NON_LANGUAGES = frozenset(("und", "mul", "zxx", "xx", "x-default", "default", "auto", "none", "null"))
# Han characters that exist only in one of the two Chinese standards: enough to tell zh-Hans from zh-Hant.
HAN_SIMPLIFIED = frozenset("这国说们时来会对为过发后个学见现长门问间题东车书马鸟语话开关经济电业务总统记认让议论")
HAN_TRADITIONAL = frozenset("這國說們時來會對為過發後個學見現長門問間題東車書馬鳥語話開關經濟電業務總統記認讓議論")
LANGUAGE_SAMPLE_CHARS = 4000  # script detection reads this much text at most
