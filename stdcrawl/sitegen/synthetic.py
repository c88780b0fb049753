"""Seeded synthetic article records: `synthetic_articles` and its word pools.

Sites of any size for the incremental, WARC and benchmark tests: every
section and URL generation occurs, dates fall in each generation's era,
and the same `(n, seed, end)` gives the same records.
"""

from __future__ import annotations

import datetime as dt
import random
import re
import zlib

from .fields import norm
from .heavy import ALL_TITLE_SUFFIXES, FAMILIES
from .records import ERAS, LIST_NAMES, SECTION_DIRS


_NAMES = (("LONG", "Yun", "龙云"), ("BI", "Weizi", "毕炜梓"), ("CHEN", "Chunyou", "陈春友"), ("YU", "Haoyuan", "于浩远"),
          ("GONG", "Guoping", "龚国平"), ("XU", "Qingqun", "许青群"), ("FANG", "Linlin", "方琳琳"),
          ("HUANG", "Zhaoquan", "黄兆全"), ("ZHANG", "Jiaxin", "张佳欣"), ("LI", "Linxu", "李林旭"),
          ("ZHAO", "Hanbin", "赵汉斌"), ("TANG", "Zhexiao", "唐哲骁"), ("WANG", "Xiaoxia", "王小霞"),
          ("LIU", "Xia", "刘霞"), ("ZHOU", "Wenxuan", "周文轩"), ("SUN", "Ying", "孙颖"), ("MA", "Jie", "马杰"),
          ("HE", "Lina", "何丽娜"), ("QIN", "Shuo", "秦硕"), ("DU", "Mingming", "杜明明"))
_WORDS = {
    "who_one": ("A team at Tsinghua University", "A joint China-Germany team", "A start-up based in Hangzhou",
                "A lab in Hefei", "An international team led by Fudan University", "The Shenzhen company"),
    "who_many": ("Chinese researchers", "Scientists from the Chinese Academy of Sciences", "Engineers in Shenzhen",
                 "Researchers at Zhejiang University", "Experts at Peking University", "Doctors in Shanghai",
                 "Astronomers at the Purple Mountain Observatory", "Agronomists in Yunnan", "Foreign experts in Guangzhou"),
    "did": ("have developed", "recently unveiled", "have demonstrated", "reported progress on", "are testing",
            "have launched", "completed trials of", "are scaling up", "announced plans for", "published findings on"),
    "what": ("a solid-state battery that charges in minutes", "an AI model that forecasts extreme weather",
             "a low-cost method to recycle rare earths", "a quantum sensor for medical imaging",
             "a drought-resistant rice variety", "a robot that inspects power lines", "a new vaccine platform",
             "a satellite network for rural broadband", "a carbon capture system for steel mills",
             "a high-speed maglev prototype", "an ocean observation buoy", "a hydrogen fuel cell truck",
             "a brain-computer interface", "a deep-sea drilling platform", "a smart irrigation system",
             "perovskite solar cells with record efficiency", "a gene-edited wheat line", "a flexible display"),
    "tail": ("according to a study published in Nature.", "the team said on Monday.",
             "which could cut costs by nearly 30 percent.", "in cooperation with partners from Europe and Africa.",
             "a move experts say will benefit developing countries.", "after five years of research.",
             "as part of the 14th Five-Year Plan.", "according to a statement released this week.",
             "with support from the National Natural Science Foundation of China.",
             "bringing the technology a step closer to the market.", "local media reported."),
    "quote": ("Innovation is the key to high-quality development", "International cooperation makes science stronger",
              "We want to turn laboratory results into products people can use",
              "Young scientists need room to fail and try again", "Open data is the foundation of modern research",
              "The market for this technology is growing fast", "China has become a good place for my research"),
    "role": ("a researcher at the institute", "director of the project", "a foreign expert working in Beijing",
             "chief engineer of the company", "a professor at the university", "an official with the local bureau"),
    "fact": ("The project has attracted {a} researchers from {b} countries and regions.",
             "Investment in the sector reached {a} billion yuan last year, up {b} percent.",
             "More than {a} companies have joined the alliance since it was set up {b} years ago.",
             "The facility can process {a} tons of material a day, {b} times more than before.",
             "About {a} participants attended the event, including {b} foreign experts."),
    "t_subj": ("China", "Shenzhen", "Hefei", "Beijing", "Scientists", "Researchers", "Foreign Experts",
               "Young Innovators", "Belt and Road Partners", "Chinese Firms"),
    "t_verb": ("Unveil", "Develop", "Test", "Launch", "Advance", "Boost", "Explore", "Share", "Bet on", "Push"),
    "t_obj": ("Solid-state Batteries", "AI Weather Forecasts", "Quantum Sensors", "Drought-resistant Rice",
              "Power-line Robots", "Rural Broadband Satellites", "Green Steel", "Maglev Trains", "Ocean Buoys",
              "Hydrogen Trucks", "Brain-computer Interfaces", "Deep-sea Drilling", "Smart Irrigation",
              "Perovskite Solar Cells", "Flexible Displays", "Open Science"),
    "heading": ("A Long Road to the Lab", "From Paper to Product", "Working Together", "What Comes Next",
                "Talent First", "Bridging Labs and Markets", "A Global Effort", "Challenges Remain"),
    "scene": ("A researcher checks samples in a laboratory in Beijing", "Visitors look at a robot at an expo in Shanghai",
              "Engineers work on a satellite in Xi'an", "Farmers inspect rice seedlings in Yunnan",
              "A wind farm in Inner Mongolia", "Students attend a science class in Hefei"),
    "credit": ("(PHOTO: VCG)", "(PHOTO: XINHUA)", "(PHOTO:VCG)", "(COURTESY PHOTO)", "PHOTO: VCG", "(PHOTO : TANG Zhexiao)"),
}
_POOL: dict[str, list[str]] = {}


def _pool() -> dict[str, list[str]]:
    """Sentences and titles built once from a fixed seed (independent of the caller's seed)."""
    if not _POOL:
        rng, w = random.Random(20211104), _WORDS
        singular = {"have": "has", "are": "is"}
        sentences = []
        for _ in range(600):
            one = rng.random() < 0.4
            did = rng.choice(w["did"])
            if one:
                head, _, rest = did.partition(" ")
                did = f"{singular[head]} {rest}" if head in singular else did
            sentences.append(f"{rng.choice(w['who_one' if one else 'who_many'])} {did} {rng.choice(w['what'])}, {rng.choice(w['tail'])}")
        sentences += [f'"{rng.choice(w["quote"])}," said {rng.choice(_NAMES)[0].capitalize()} {rng.choice(_NAMES)[1]}, '
                      f'{rng.choice(w["role"])}.' for _ in range(150)]
        sentences += [rng.choice(w["fact"]).format(a=rng.randint(12, 900), b=rng.randint(2, 11)) for _ in range(150)]
        _POOL["sentence"] = sentences
        plural = {"Scientists", "Researchers", "Foreign Experts", "Young Innovators", "Belt and Road Partners", "Chinese Firms"}
        titles = set()
        for subj in w["t_subj"]:
            for verb in w["t_verb"]:
                if subj not in plural:
                    verb = verb.replace(" on", "s on") if verb.endswith(" on") else verb + ("es" if verb.endswith("sh") else "s")
                titles.update(f"{subj} {verb} {obj}" for obj in w["t_obj"])
        _POOL["title"] = sorted(titles)
    return _POOL


def _synthetic_authors(rng: random.Random, gen: str) -> dict:
    n1, n2 = rng.sample(_NAMES, 2)
    caps = [f"{n[0]} {n[1]}" for n in (n1, n2)]
    names = [f"{n[0].capitalize()} {n[1]}" for n in (n1, n2)]
    if gen == "G4":
        if rng.random() < 0.5:
            return {"byline": f"By {caps[0]}", "authors": names[:1]}
        return {"byline": None, "authors": []}
    k = rng.random()
    if k < 0.30:
        return {"author": caps[0], "byline": f"By {caps[0]}", "authors": names[:1]}
    if k < 0.40:
        return {"author": names[0], "byline": f"By {caps[0]}", "authors": names[:1]}
    if k < 0.52:
        joined = f"{caps[0]} {rng.choice(('&', 'and'))} {caps[1]}"
        return {"author": joined, "byline": f"By {joined}", "authors": names}
    if k < 0.62:
        return {"source": "科技日报", "author": n1[2], "byline": f"By {caps[0]} & {caps[1]}", "authors": names}
    if k < 0.80:
        return {"author": "Staff Reporters", "byline": "By Staff Reporters", "authors": ["Staff Reporters"]}
    if k < 0.88:
        org = rng.choice(("The Editorial Office", "Xinhua"))
        return {"author": org, "byline": None, "authors": [org]}
    if k < 0.94:
        return {"source": "", "author": "", "byline": "By Staff Reporters", "authors": ["Staff Reporters"]}
    return {"author": caps[0], "byline": None, "authors": names[:1]}


def _artifact(rng: random.Random, text: str, char: str) -> str:
    """Replace one space between two letters with `char` (`?` or NBSP), as copies of the site show."""
    spots = [m.start() for m in re.finditer(r"(?<=[A-Za-z]) (?=[A-Za-z])", text)]
    if not spots:
        return text
    at = rng.choice(spots)
    return text[:at] + char + text[at + 1:]


def _synthetic_body(rng: random.Random, gen: str, img_dir: str, stamp: str) -> list:
    pool = _pool()["sentence"]
    legacy = gen in ("G1", "G2")
    paras: list = [" ".join(rng.choice(pool) for _ in range(rng.randint(2, 4))) for _ in range(rng.randint(6, 15))]
    if rng.random() < 0.05:
        paras.insert(rng.randint(1, len(paras) - 1), f"-- {rng.choice(_NAMES)[0].capitalize()} Wei, {rng.choice(_WORDS['role'])}")
    if rng.random() < 0.3:
        for _ in range(rng.randint(1, 2)):
            paras.insert(rng.randint(1, len(paras) - 1), {"subheading": rng.choice(_WORDS["heading"])})
    if rng.random() < (0.2 if gen == "G4" else 0.1 if gen == "G3" else 0.0):
        paras.insert(rng.randint(1, len(paras) - 1), {"list": [rng.choice(pool) for _ in range(3)]})
    for char, p in (("?", 0.03), ("\u00a0", 0.03)):
        if rng.random() < p:
            i = rng.randrange(len(paras))
            if isinstance(paras[i], str):
                paras[i] = _artifact(rng, paras[i], char)
    k, serial = rng.random(), rng.randint(100000000, 999999999)
    src = f"{img_dir}W0{stamp}{serial}.jpg"
    if k < 0.55:
        style = rng.choice(("center", "plain") if legacy else ("pic-caption", "figcaption", "plain"))
        paras.insert(0, {"image": src, "caption": f"{rng.choice(_WORDS['scene'])}. {rng.choice(_WORDS['credit'])}",
                         "caption_style": style})
    elif k < 0.70:
        paras.insert(rng.randint(1, 3), {"image": src, "caption": f"{rng.choice(_WORDS['scene'])}. {rng.choice(_WORDS['credit'])}",
                                         "caption_style": "plain"})
    elif k < 0.80:
        paras.insert(rng.randint(0, 2), {"image": src, "caption": ""})
    return paras


def _date_in(rng: random.Random, start: dt.date, end: dt.date) -> dt.datetime:
    day = start + dt.timedelta(days=rng.randrange((end - start).days + 1))
    return dt.datetime(day.year, day.month, day.day, rng.randint(8, 19), rng.randrange(60), rng.randrange(60))


def _full_weight(rec: dict, share: float) -> None:
    """Give about `share` of the records a full-weight family (`heavy.py`), by a
    checksum of the path so that every other field (and the rng) is unchanged."""
    if share <= 0:
        return
    key = zlib.crc32(rec["url_path"].encode("utf-8"))
    if (key % 1000) < share * 1000:
        rec["family"] = FAMILIES[key % len(FAMILIES)]
        rec["title_suffix"] = ALL_TITLE_SUFFIXES[(key // 7) % len(ALL_TITLE_SUFFIXES)]


def synthetic_articles(n: int, seed: int = 0, *, end: dt.date | None = None, full_weight: float = 0.0) -> list[dict]:
    """`n` deterministic article records over all five sections and four URL generations.

    Article `i` is generation `G1…G4[i % 4]` and section `SECTION_DIRS[i % 5]`
    (so every pair occurs); dates fall in each generation's era (G4 from
    2025-02 to `end`, default today), ids grow with the date. `full_weight`
    (0–1) is the share of pages rendered in a full-weight family (40–60 KB,
    `heavy.py`) instead of the small templates.
    """
    end = end or dt.date.today()
    rng = random.Random(seed)
    titles = _pool()["title"]
    recs: list[dict] = []
    for i in range(n):
        gen, sdir = ("G1", "G2", "G3", "G4")[i % 4], SECTION_DIRS[i % 5]
        start, stop = ERAS[gen]
        when = _date_in(rng, start, max(start, stop or end))
        authors = _synthetic_authors(rng, gen)
        rec = {"generation": gen, "section_dir": sdir, "title": rng.choice(titles), "when": when,
               "source": "Science and Technology Daily", "author": "", "editor": None, **authors}
        if gen == "G1":
            rec["section_name"] = "International Cooperation" if sdir == "WorldNews" else LIST_NAMES[sdir]
        elif gen in ("G2", "G3"):
            rec["section_name"] = LIST_NAMES[sdir]
        else:
            rec.update(section_name=None, source=None, author="")
        rec["section"] = LIST_NAMES[sdir] if rec["section_name"] else ""  # one stable name per directory
        if gen in ("G1", "G2") and rng.random() < 0.15:
            n3 = rng.choice(_NAMES)
            rec["editor"] = f"{n3[0].capitalize()} {n3[1]}"
        if gen == "G3" and rng.random() < 0.3:
            rec["position_format"] = "position: {home}  &gt; {section}&gt; {title}"
        if gen == "G4":
            k = rng.random()
            if k < 1 / 3:
                rec["meta_published"] = {"property": "article:published_time", "content": when.strftime("%Y-%m-%dT%H:%M:%S+08:00")}
            elif k < 0.5:
                rec["meta_published"] = {"name": "publishdate", "content": when.strftime("%Y-%m-%d")}
            elif k < 2 / 3:
                rec["meta_published"] = {"name": "PubDate", "content": when.strftime("%Y-%m-%d %H:%M:%S")}
        recs.append(rec)
    serial = {"G1": 1140000, "G3": 1890000, "G4": 288000}
    for rec in sorted(recs, key=lambda r: r["when"]):
        gen, when, sdir = rec["generation"], rec.pop("when"), rec["section_dir"]
        if gen == "G2":
            key = f"{rng.getrandbits(128):032x}"
            path = f"/English/{sdir}/{when:%Y%m}/{key}.shtml"
        else:
            serial[gen] += rng.randint(1, 12) if gen == "G4" else rng.randint(3, 40)
            if gen == "G1":
                path = f"/English/{sdir}/{when:%Y-%m/%d}/content_{serial[gen]}.shtml"
            else:
                path = f"/web/English/{when:%Y-%m/%d}/content_{serial[gen]}.html"
        rec["url_path"] = path
        img_dir = path.rsplit("/", 1)[0] + "/"
        rec["published"] = when.strftime("%Y-%m-%d %H:%M:%S") if rec["source"] is not None else None
        rec["paragraphs"] = _synthetic_body(rng, gen, img_dir, when.strftime("%Y%m%d"))
        first = next(p for p in rec["paragraphs"] if isinstance(p, str))
        rec["summary"] = norm(first.split(". ")[0].rstrip(".") + ".")
        if rec.get("byline") and not isinstance(rec["paragraphs"][0], str) and rng.random() < 0.5:
            rec["byline_at"] = 1
        _full_weight(rec, full_weight)
    if serial["G4"] > 999999 or serial["G1"] > 9999999 or serial["G3"] > 9999999:
        raise ValueError(f"too many articles for the URL id ranges: {n}")
    return recs
