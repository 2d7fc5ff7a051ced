#!/usr/bin/env python3
"""Build the web-crawl fixture tests/data/web: article texts wrapped in site templates.

Usage (from the repository root):
  python3 scripts/build-web-fixture.py [--news-dev ../shared/eval/news-dev]
                                       [--passages-dev ../shared/eval/passages-dev]
                                       [--out tests/data/web] [--seed 20261201]

What it builds:
  OUT/docs/<site>-<NNN>.html   one page per usable article text, the article body
                               (title as <h1>, text as <p> paragraphs) wrapped in
                               the template of its site
  OUT/truth.jsonl              the news-dev truth pairs mapped to page names
                               ({"a","b","label":"derived","source","kind"}) and one
                               {"doc","group"} line per page (one group per story),
                               the format read by ../shared/eval/score.py

Why:
  Real crawls have long pages whose site furniture (navigation, "Archives" month
  lists, tag clouds, "Recent posts", comments and comment forms, cookie notices,
  share bars, licence footers) is shared by every page of a site while the
  article is unique. The rewrite tier pairs two documents that share >= 3 "rare"
  content-word bigrams (held by 2..50 documents). Two big sites of 40-48 pages
  make the furniture bigrams rare yet shared by every page of the site, so every
  page is a candidate of 39-47 others (more than the default cap of 32 partners
  per document) when all visible text is compared (--html full); the planted
  news-dev reuse (same-site and cross-site) must still be found. Half the sites
  use semantic HTML (header/nav/article/aside/footer), the other half "div soup"
  (no semantic tags), so that main-content extraction is not trivial.

Sources (read-only):
  news-dev      ../shared/eval/news-dev: 70 news texts and truth.jsonl; stories are
                the union-find components of its truth pairs (and its groups)
  passages-dev  ../shared/eval/passages-dev: only its source articles (never the
                derived side of a pair), minus those (nearly) identical to a
                news-dev text; each becomes a page of its own group

Python 3 standard library only; one seeded random.Random over sorted inputs, so
the output is byte-identical on every run. OUT/docs is removed and recreated.
"""
import argparse
import html
import json
import os
import random
import re
import shutil
import statistics
import sys
from html.parser import HTMLParser

MONTHS = ["January", "February", "March", "April", "May", "June", "July",
          "August", "September", "October", "November", "December"]

# ---------------------------------------------------------------------------
# Site templates: every site its own wording.
# ---------------------------------------------------------------------------
SITES = [
    {
        "id": "harbourlight",
        "name": "Harbour Light Gazette",
        "tagline": "Independent reporting from the quayside since 2004",
        "semantic": True,
        "nav": ["Home", "Front Page", "World Desk", "Local Harbour", "Business Wire",
                "Markets Today", "Football Corner", "Cricket Notes", "Rugby Zone",
                "Technology Lab", "Science Shelf", "Health Clinic", "Arts Quarter",
                "Film Reviews", "Music Hall", "Weather Station", "Letters Page",
                "Obituaries", "Podcasts", "Subscribe", "About Us", "Contact Newsroom"],
        "tags": ["lighthouse", "fishing fleet", "harbour board", "tidal energy",
                 "ferry timetable", "coastal erosion", "shipyard", "dockworkers",
                 "marina", "regatta", "seafood prices", "port authority",
                 "trawler crews", "lifeboat appeal", "quayside market",
                 "salt marsh", "estuary birds", "sailing club", "boat repairs",
                 "harbour dues", "pier restoration", "sea wall", "lobster pots",
                 "cargo tonnage", "cruise liners", "mooring fees", "anchor inn",
                 "tide tables", "driftwood art", "beach cleanup", "storm surge",
                 "net mending", "coastguard drills", "oyster beds"],
        "widgets": {"recent": "Fresh off the press", "archives": "Archives",
                    "tags": "Browse by topic", "comments": "Readers respond",
                    "form": "Join the conversation", "share": "Pass it along"},
        "comments": [
            ("Marjorie T.", "Lovely piece, the harbourmaster would be proud of this one. Keep them coming."),
            ("old_salt_42", "Read this on the morning ferry and had to share it with the whole deck."),
            ("Ken Ashby", "Not sure I agree with every point but a fair write-up all the same."),
            ("Priya from the Point", "This is why I still pay for my Gazette subscription every year."),
            ("Dennis W.", "Any chance of a follow-up after the next council meeting on the quay?"),
            ("Lighthouse Lou", "Printed it out for my dad, he refuses to read anything on a screen."),
        ],
        "form": ["Your name (required)", "Email address, never published",
                 "Your website", "Your comment", "Remember me on this computer",
                 "Notify me of follow-up replies by email", "Post comment"],
        "cookie": ("The Harbour Light Gazette uses cookies to keep you signed in, count "
                   "our readers and show fewer adverts to subscribers. By carrying on "
                   "browsing you accept our cookie policy. Accept all cookies or "
                   "manage your preferences."),
        "footer": ("Copyright the Harbour Light Gazette Cooperative. Text published under "
                   "a Creative Commons Attribution NonCommercial licence unless a story "
                   "says otherwise. Registered office: Old Customs House, Quay Street. "
                   "Read our privacy notice, complaints procedure and corrections "
                   "policy. Editorial standards audited by the Coastal Press Council."),
        "share": ["Share on Facebook", "Post to X", "Send by WhatsApp", "Email a friend",
                  "Print this story"],
        "authors": ["Eleanor Pike", "Tomasz Bright", "Ruth Okafor", "Callum Reeve"],
        "archive_end": (2013, 5), "archive_len": 30,
    },
    {
        "id": "quillpost",
        "name": "The Quill Post",
        "tagline": "Opinion, analysis and the occasional rant",
        "semantic": False,
        "nav": ["Start Here", "Latest Posts", "Politics Blog", "Money Matters",
                "Sport Chat", "Gadget Diary", "Screen Talk", "Bookshelf", "Recipes",
                "Travel Notes", "Gardening", "Parenting", "Guest Writers",
                "Reader Mailbag", "Newsletter", "Donate", "Shop", "Events Calendar",
                "Write For Us"],
        "tags": ["hot takes", "weekend reading", "long reads", "budget watch",
                 "inflation", "pension pots", "transfer gossip", "league tables",
                 "smartphones", "broadband speeds", "box sets", "indie games",
                 "award season", "book club", "sourdough", "slow cooker",
                 "allotment", "school runs", "rail fares", "city breaks",
                 "electric cars", "home office", "streaming wars", "quiz night",
                 "crossword", "guest essay", "reader poll", "myth busting",
                 "explainer", "week in review", "unpopular opinions", "fact check"],
        "widgets": {"recent": "Latest scribblings", "archives": "Archives",
                    "tags": "Popular tags", "comments": "Discussion",
                    "form": "Leave a reply", "share": "Spread the word"},
        "comments": [
            ("Gareth", "Brilliant post as always, bookmarked for the weekend."),
            ("sunflower_jen", "First time commenting, long time lurker. Totally agree with this."),
            ("Max P", "You missed the obvious counterargument but otherwise spot on."),
            ("Hilary", "Sharing this with my book club group chat right now."),
            ("T. Nwosu", "Would love a podcast episode digging deeper into this topic."),
            ("grumpy_uncle", "Same old story, nothing ever changes, but nicely written."),
            ("Bea", "The comments here are always better than on the big news sites."),
        ],
        "form": ["Name *", "Email *", "Website", "Comment", "Save my details for next time",
                 "Subscribe to new posts by email", "Submit reply"],
        "cookie": ("Heads up: this blog stores a few small files on your device so the "
                   "comment system remembers you and we can see which posts get read. "
                   "No tracking pixels, promise. Got it, or read the cookie details."),
        "footer": ("All words by the Quill Post writers and guests, reusable under CC BY-SA "
                   "4.0 if you credit the writer and link back. Hosted by a small independent "
                   "provider. Privacy statement, terms of use and our comment moderation "
                   "rules. Theme hand made with too much coffee. Powered by a very old "
                   "laptop and reader donations."),
        "share": ["Tweet this", "Share on LinkedIn", "Pin it", "Copy link", "Reddit"],
        "authors": ["quillmaster", "Sam Harrow", "Nadia Fenwick"],
        "archive_end": (2012, 11), "archive_len": 34,
    },
    {
        "id": "northfield",
        "name": "Northfield Chronicle",
        "tagline": "News for the valley and beyond",
        "semantic": True,
        "nav": ["Home", "Valley News", "County Council", "Schools", "Farming",
                "Jobs Board", "Property", "Motoring", "Sport Results", "What's On",
                "Church Notices", "Family Announcements", "Photo Galleries",
                "Puzzles", "Advertise", "Contact"],
        "tags": ["village fete", "planning application", "bypass", "bus routes",
                 "primary school", "harvest", "sheep trials", "flood warnings",
                 "market town", "parish council", "cricket club", "brass band",
                 "charity walk", "library hours", "post office", "high street",
                 "potholes", "community hall", "youth club", "allotments",
                 "county show", "bin collections", "speed cameras", "wind farm",
                 "tractor run", "dog show", "carol service", "scout group",
                 "village green", "heritage trail", "rail station"],
        "widgets": {"recent": "More from the Chronicle", "archives": "Archives",
                    "tags": "Topics", "comments": "Have your say",
                    "form": "Add your view", "share": "Share this article"},
        "comments": [
            ("Valley Resident", "Good to see the Chronicle covering this properly."),
            ("J. Holroyd", "My grandmother would have had a lot to say about this."),
            ("Farmer Giles", "Proper journalism, not like the national rags."),
            ("Anne-Marie", "Can we have more of these stories on the front page please."),
            ("B. Crowther", "Discussed this at the parish meeting last Tuesday evening."),
        ],
        "form": ["Display name", "Email (kept private)", "Your view",
                 "I have read the house rules", "Send"],
        "cookie": ("We use essential cookies to make this site work and optional analytics "
                   "cookies to help us improve it. Choose accept optional cookies or "
                   "reject optional cookies. You can change your choice at any time "
                   "from the link at the bottom of every page."),
        "footer": ("Northfield Chronicle is published by Valley Community Media Limited. "
                   "All rights reserved, no reproduction without written permission. "
                   "Regulated by the Independent Press Standards body. Accessibility "
                   "statement, privacy and cookie notice, terms and conditions, "
                   "sitemap."),
        "share": ["Facebook", "WhatsApp", "Email", "Copy the link"],
        "authors": ["Chronicle Reporter", "Gwen Talbot"],
        "archive_end": (2014, 2), "archive_len": 26,
    },
    {
        "id": "tinderbox",
        "name": "Tinderbox Weekly",
        "tagline": "Sparks of the week, collected",
        "semantic": False,
        "nav": ["Index", "This Week", "Issues", "Essays", "Interviews", "Dispatches",
                "Columns", "Comics", "Photo Essays", "Audio", "Video", "Contributors",
                "Masthead", "Submissions", "Membership", "Merch", "Archive Search",
                "Support", "Login"],
        "tags": ["dispatch", "field notes", "first person", "profile", "interview",
                 "deep dive", "data story", "visual essay", "nightlife", "street food",
                 "vinyl", "zines", "skateboarding", "urban gardens", "cycling lanes",
                 "co-working", "night buses", "pop-up shops", "gig guide",
                 "public art", "rent strikes", "corner shops", "late trains",
                 "record fairs", "rooftop bars", "open mic", "flea markets",
                 "comic fairs", "small press", "radio shows", "film clubs"],
        "widgets": {"recent": "Also in Tinderbox", "archives": "Archives",
                    "tags": "Filed under", "comments": "Responses",
                    "form": "Respond", "share": "Send this onward"},
        "comments": [
            ("ember", "This issue is the best one in months, honestly."),
            ("Rafa Q", "Forwarded to three friends before I even finished reading."),
            ("Lotte", "Keep the long format, it is why I became a member."),
            ("n.k.", "Printed and pinned to the fridge, the highest honour."),
            ("Dario", "Spot on, though the comments section needs an edit button."),
        ],
        "form": ["Handle", "Contact email", "Your response",
                 "Members can respond without moderation", "Publish response"],
        "cookie": ("Tinderbox sets one cookie for your membership session and counts "
                   "visits without identifying you. Fine by me, or tell me more about "
                   "how Tinderbox handles data."),
        "footer": ("Tinderbox Weekly is reader supported and advertising free. Words and "
                   "pictures belong to their makers; ask before reusing anything. "
                   "Colophon, privacy, contributor agreement, reader charter, contact "
                   "the masthead."),
        "share": ["Toot it", "Bluesky", "Mail it", "Grab the link"],
        "authors": ["Tinderbox Staff", "Ines Marr", "Oskar Lind"],
        "archive_end": (2015, 9), "archive_len": 24,
    },
]


# ---------------------------------------------------------------------------
# Inputs
# ---------------------------------------------------------------------------
def read_truth(path):
    rows = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                rows.append(json.loads(line))
    return rows


def read_text(path):
    with open(path, encoding="utf-8") as f:
        return f.read().replace("\r\n", "\n").replace("\r", "\n")


def split_article(text):
    lines = [l.strip() for l in text.split("\n")]
    lines = [l for l in lines if l]
    if not lines:
        return "Untitled", []
    return lines[0], lines[1:]


def norm(text):
    return re.sub(r"\s+", " ", re.sub(r"[^a-z0-9]+", " ", text.lower())).strip()


def wordset(text):
    return set(norm(text).split())


def jaccard(a, b):
    return len(a & b) / len(a | b) if a | b else 0.0


class Find:
    def __init__(self):
        self.parent = {}

    def find(self, x):
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a, b):
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


class TextOnly(HTMLParser):
    """Visible text of a page (skips head, script and style)."""

    def __init__(self):
        super().__init__()
        self.skip = 0
        self.words = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("head", "script", "style"):
            self.skip += 1

    def handle_endtag(self, tag):
        if tag in ("head", "script", "style"):
            self.skip -= 1

    def handle_data(self, data):
        if not self.skip:
            self.words += len(data.split())


def visible_words(page):
    p = TextOnly()
    p.feed(page)
    p.close()
    return p.words


# ---------------------------------------------------------------------------
# Page rendering
# ---------------------------------------------------------------------------
E = html.escape


def archive_months(site):
    y, m = site["archive_end"]
    out = []
    for _ in range(site["archive_len"]):
        out.append(f"{MONTHS[m - 1]} {y}")
        m -= 1
        if m == 0:
            y, m = y - 1, 12
    return out


def render(site, page, rng):
    """One page: the article of `page` in the template of `site`."""
    sem = site["semantic"]
    w = site["widgets"]
    counts = [rng.randint(3, 24) for _ in range(site["archive_len"])]
    months = archive_months(site)
    ncom = rng.randint(2, 4)
    comments = rng.sample(site["comments"], ncom)
    title = page["title"]
    paras = "\n".join(f"<p>{E(p)}</p>" for p in page["paras"])
    nav_items = "\n".join(f'<li><a href="/{re.sub("[^a-z0-9]+", "-", n.lower()).strip("-")}/">{E(n)}</a></li>'
                          for n in site["nav"])
    tags = "\n".join(f'<a class="tag tag-{rng.randint(1, 5)}" href="/tag/{re.sub("[^a-z0-9]+", "-", t)}/">{E(t)}</a>'
                     for t in site["tags"])
    recent = "\n".join(f'<li><a href="/{site["id"]}/{E(fn)}">{E(t)}</a></li>'
                       for fn, t in page["recent"])
    archives = "\n".join(f'<li><a href="/{m.split()[1]}/{MONTHS.index(m.split()[0]) + 1:02d}/">{m}</a> ({c})</li>'
                         for m, c in zip(months, counts))
    coms = "\n".join(
        (f'<li class="comment"><span class="comment-author">{E(a)}</span> '
         f'<span class="says">says:</span> <span class="comment-date">{E(page["date_text"])}</span>'
         f'<p>{E(t)}</p><a class="reply" href="#respond">Reply</a></li>')
        for a, t in comments)
    form = "\n".join(f"<label>{E(l)}</label>" if i < len(site["form"]) - 1
                     else f'<button type="submit">{E(l)}</button>'
                     for i, l in enumerate(site["form"]))
    share = " ".join(f'<a class="share" href="#">{E(s)}</a>' for s in site["share"])
    head = (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f'<title>{E(title)} | {E(site["name"])}</title>\n'
            f'<meta name="author" content="{E(page["author"])}">\n'
            f'<meta property="article:published_time" content="{page["date_iso"]}">\n'
            f'<meta property="og:site_name" content="{E(site["name"])}">\n'
            f'<link rel="stylesheet" href="/static/{site["id"]}.css">\n</head>\n')
    byline = f'By {E(page["author"])} on {E(page["date_text"])}'
    n_com = f'{ncom} comments'
    if sem:
        body = f"""<body>
<div id="cookie-banner" role="dialog"><p>{E(site["cookie"])}</p><button>Accept</button> <button>Manage</button></div>
<header class="site-header"><a class="logo" href="/">{E(site["name"])}</a><p class="tagline">{E(site["tagline"])}</p>
<nav class="primary"><ul>
{nav_items}
</ul></nav></header>
<main>
<article class="post">
<h1>{E(title)}</h1>
<p class="byline">{byline}</p>
{paras}
<div class="share-bar">{E(w["share"])}: {share}</div>
</article>
<section class="comments" id="comments"><h2>{E(w["comments"])} ({n_com})</h2><ol>
{coms}
</ol>
<form id="respond"><h3>{E(w["form"])}</h3>
{form}
</form></section>
</main>
<aside class="sidebar">
<section class="widget"><h3>{E(w["recent"])}</h3><ul>
{recent}
</ul></section>
<section class="widget"><h3>{E(w["tags"])}</h3><div class="tagcloud">
{tags}
</div></section>
<section class="widget"><h3>{E(w["archives"])}</h3><ul>
{archives}
</ul></section>
</aside>
<footer class="site-footer"><p>{E(site["footer"])}</p></footer>
</body>
</html>
"""
    else:
        body = f"""<body>
<div class="wrap">
<div class="top-bar"><div class="logo"><a href="/">{E(site["name"])}</a></div><div class="slogan">{E(site["tagline"])}</div></div>
<div class="menu"><ul class="menu-items">
{nav_items}
</ul></div>
<div class="columns">
<div class="sidebar sidebar-left">
<div class="widget widget-recent"><div class="widget-title">{E(w["recent"])}</div><ul>
{recent}
</ul></div>
<div class="widget widget-tags"><div class="widget-title">{E(w["tags"])}</div>
{tags}
</div>
</div>
<div class="content">
<div class="post">
<div class="post-title">{E(title)}</div>
<div class="post-meta">{byline} | <a href="#comments">{n_com}</a></div>
<div class="post-body">
{paras}
</div>
<div class="share-buttons">{E(w["share"])}: {share}</div>
</div>
<div class="comments" id="comments"><div class="comments-title">{E(w["comments"])}</div><ul>
{coms}
</ul>
<div class="comment-form" id="respond"><div class="form-title">{E(w["form"])}</div>
{form}
</div></div>
</div>
<div class="sidebar sidebar-right">
<div class="widget widget-archive"><div class="widget-title">{E(w["archives"])}</div><ul>
{archives}
</ul></div>
</div>
</div>
<div class="bottom"><div class="legal">{E(site["footer"])}</div></div>
<div class="cookie-notice"><span>{E(site["cookie"])}</span> <a href="#" class="btn">OK</a></div>
</div>
</body>
</html>
"""
    return head + body


# ---------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------
def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--news-dev", default="../shared/eval/news-dev")
    ap.add_argument("--passages-dev", default="../shared/eval/passages-dev")
    ap.add_argument("--out", default="tests/data/web")
    ap.add_argument("--seed", type=int, default=20261201)
    args = ap.parse_args()
    rng = random.Random(args.seed)

    # --- news-dev: texts, pairs, stories
    news_truth = read_truth(os.path.join(args.news_dev, "truth.jsonl"))
    news_names = sorted(n for n in os.listdir(os.path.join(args.news_dev, "docs")) if n.endswith(".txt"))
    articles = {}  # key -> {"text", "origin"}
    for n in news_names:
        articles["news/" + n] = read_text(os.path.join(args.news_dev, "docs", n))
    uf = Find()
    for n in news_names:
        uf.find("news/" + n)
    pairs = []
    by_group = {}
    for r in news_truth:
        if "doc" in r:
            by_group.setdefault(r["group"], []).append("news/" + r["doc"])
        elif r.get("label") == "derived":
            pairs.append(r)
            uf.union("news/" + r["a"], "news/" + r["b"])
    for g in sorted(by_group):
        for d in by_group[g][1:]:
            uf.union(by_group[g][0], d)

    # --- passages-dev: source articles only, minus near-copies of news-dev texts
    pas_truth = read_truth(os.path.join(args.passages_dev, "truth.jsonl"))
    derived = set()
    for r in pas_truth:
        if "doc" not in r and r.get("label") == "derived":
            src = r.get("source")
            for side in (r["a"], r["b"]):
                if side != src:
                    derived.add(side)
    pas_names = sorted(n for n in os.listdir(os.path.join(args.passages_dev, "docs"))
                       if n.endswith(".txt") and n not in derived)
    news_keys = [norm(articles["news/" + n])[:300] for n in news_names]
    news_sets = [wordset(articles["news/" + n]) for n in news_names]
    dropped = []
    for n in pas_names:
        t = read_text(os.path.join(args.passages_dev, "docs", n))
        k, s = norm(t)[:300], wordset(t)
        if k in news_keys or any(jaccard(s, o) > 0.5 for o in news_sets):
            dropped.append(n)
            continue
        articles["passages/" + n] = t
        uf.find("passages/" + n)

    # --- stories (components), story ids
    comps = {}
    for k in sorted(articles):
        comps.setdefault(uf.find(k), []).append(k)
    stories = sorted(comps.values())
    story_id = {}
    for i, members in enumerate(stories):
        for m in members:
            story_id[m] = (f"story-{i:03d}" if m.startswith("news/") else
                           "passage-" + m.split("/", 1)[1].rsplit(".", 1)[0])

    # --- site sizes: two big sites of 40-48 pages and the rest on one or two small
    # ones; with fewer articles (news-dev and passages-dev share their BBC
    # originals, so passages-dev may add none) the articles are split over the two
    # big sites alone, each of >= 34 pages so that every page still has more than
    # 32 same-site partners.
    total = len(articles)
    big = min(48, (total - 12) // 2)
    if big >= 40:
        rest = total - 2 * big
        small = [rest - rest // 2, rest // 2] if rest >= 16 else [rest, 0]
        sizes = [big, big] + small
    elif total >= 68:
        sizes = [total - total // 2, total // 2, 0, 0]
    else:
        sys.exit(f"only {total} usable articles, need at least 68 for two big sites")
    cap = {site["id"]: n for site, n in zip(SITES, sizes)}
    sites = [s for s in SITES if cap[s["id"]] > 0]
    left = {s["id"]: cap[s["id"]] for s in sites}
    placed = {s["id"]: [] for s in sites}
    site_of = {}

    # --- place stories: alternately all on one site, or one member per site
    multi = [m for m in stories if len(m) > 1]
    single = [m for m in stories if len(m) == 1]
    rng.shuffle(multi)
    for i, members in enumerate(multi):
        order = sorted(left, key=lambda s: (-left[s], s))
        if i % 2 == 0 and left[order[0]] >= len(members):
            targets = [order[0]] * len(members)
        else:
            targets = [s for s in order if left[s] > 0][:len(members)]
            while len(targets) < len(members):
                targets.append(order[0])
        for m, s in zip(members, targets):
            placed[s].append(m)
            left[s] -= 1
            site_of[m] = s
    rest_keys = [m[0] for m in single]
    rng.shuffle(rest_keys)
    for m in rest_keys:
        s = sorted(left, key=lambda s: (-left[s], s))[0]
        placed[s].append(m)
        left[s] -= 1
        site_of[m] = s

    # --- page names, titles, dates
    page_of, pages = {}, []
    for site in sites:
        keys = placed[site["id"]]
        rng.shuffle(keys)
        for j, k in enumerate(keys):
            title, paras = split_article(articles[k])
            y, mo = site["archive_end"]
            back = rng.randint(0, site["archive_len"] - 1)
            mo -= back % 12
            y -= back // 12
            if mo <= 0:
                mo, y = mo + 12, y - 1
            day = rng.randint(1, 28)
            pg = {"file": f'{site["id"]}-{j + 1:03d}.html', "key": k, "site": site,
                  "title": title, "paras": paras,
                  "author": rng.choice(site["authors"]),
                  "date_iso": f"{y:04d}-{mo:02d}-{day:02d}T{rng.randint(6, 21):02d}:{rng.choice([0, 15, 30, 45]):02d}:00Z",
                  "date_text": f"{day} {MONTHS[mo - 1]} {y}"}
            page_of[k] = pg["file"]
            pages.append(pg)
    # A text is published after the text it was written from: within each
    # story the earliest dates go to sources, in derivation order (the
    # derived side of a pair never dated before its source).
    page_by_key = {pg["key"]: pg for pg in pages}
    later = {}
    for r in pairs:
        if r.get("source"):
            src = "news/" + r["source"]
            dst = "news/" + (r["b"] if r["source"] == r["a"] else r["a"])
            later.setdefault(src, set()).add(dst)
    depth = {}

    def level(k, seen=()):
        if k not in depth:
            parents = [s for s, ds in later.items() if k in ds and s not in seen]
            depth[k] = 1 + max((level(s, seen + (k,)) for s in parents), default=-1)
        return depth[k]

    for members in stories:
        if len(members) < 2:
            continue
        dated = sorted(page_by_key[m]["date_iso"] for m in members)
        texts = {page_by_key[m]["date_iso"]: page_by_key[m]["date_text"] for m in members}
        for m, d in zip(sorted(members, key=lambda m: (level(m), m)), dated):
            page_by_key[m]["date_iso"], page_by_key[m]["date_text"] = d, texts[d]
    by_site = {}
    for pg in pages:
        by_site.setdefault(pg["site"]["id"], []).append(pg)
    for sid, lst in by_site.items():
        for j, pg in enumerate(lst):
            n = min(len(lst) - 1, 8 + j % 3)
            pg["recent"] = [(lst[(j + d) % len(lst)]["file"], lst[(j + d) % len(lst)]["title"])
                            for d in range(1, n + 1)]

    # --- write
    docs = os.path.join(args.out, "docs")
    if os.path.isdir(docs):
        shutil.rmtree(docs)
    os.makedirs(docs)
    furn = {}
    for pg in pages:
        text = render(pg["site"], pg, rng)
        with open(os.path.join(docs, pg["file"]), "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        art = len(pg["title"].split()) + sum(len(p.split()) for p in pg["paras"])
        furn[pg["file"]] = visible_words(text) - art
    truth_lines = []
    kinds, where = {}, {"same-site": 0, "cross-site": 0}
    for r in pairs:
        a, b = "news/" + r["a"], "news/" + r["b"]
        src = page_of["news/" + r["source"]] if r.get("source") else None
        truth_lines.append({"a": page_of[a], "b": page_of[b], "label": "derived",
                            "source": src, "kind": r.get("kind", "")})
        kinds[r.get("kind", "")] = kinds.get(r.get("kind", ""), 0) + 1
        where["same-site" if site_of[a] == site_of[b] else "cross-site"] += 1
    for pg in sorted(pages, key=lambda p: p["file"]):
        truth_lines.append({"doc": pg["file"], "group": story_id[pg["key"]]})
    with open(os.path.join(args.out, "truth.jsonl"), "w", encoding="utf-8", newline="\n") as f:
        for row in truth_lines:
            f.write(json.dumps(row) + "\n")

    # --- summary
    print(f"{len(pages)} pages ({len(news_names)} news-dev, {len(pas_names) - len(dropped)} "
          f"passages-dev sources; dropped as near-copies of news-dev: {len(dropped)}) -> {docs}")
    for sid, lst in by_site.items():
        fw = [furn[p["file"]] for p in lst]
        print(f"  {sid:13s} {len(lst):3d} pages  {'semantic' if lst[0]['site']['semantic'] else 'div soup':8s}"
              f"  furniture words min {min(fw)} median {statistics.median(fw):g}")
    fw = list(furn.values())
    print(f"furniture words per page: min {min(fw)} median {statistics.median(fw):g}")
    print("planted pairs by kind: " + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items())))
    print(f"planted pairs: {len(pairs)} ({where['same-site']} same-site, {where['cross-site']} cross-site)")


if __name__ == "__main__":
    main()
