#!/usr/bin/env python3
"""Writes the multilingual fixtures of tests/language_fixtures.rs from the
source excerpts in originals_*.py (see README.md for sources and licences).

Per language: every excerpt becomes one document, framed like a news item by
the same credit line and "read more" line (boilerplate shared by every
document of the language); then three planted reuses:
  light  a light edit of one text (a few words replaced, one sentence dropped),
  short  a condensed copy of another, written by hand below,
  passage a run of sentences of a third text inserted into a fourth.
truth.jsonl lists the three derived pairs; every other pair is a negative
(each document is its own group). Run from this directory; deterministic.
"""
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from originals_de_es import DE, ES  # noqa: E402
from originals_hi_zh import HI, ZH  # noqa: E402
from originals_ru_ur import RU, UR  # noqa: E402

BOILERPLATE = {
    "de": ("(dpa)", "Lesen Sie auch: Weitere Nachrichten aus Bayern und der Region finden Sie jeden Tag auf unserer Startseite."),
    "es": ("(EFE)", "Lee también: Más noticias de Jaén y de toda Andalucía, cada día en nuestra portada."),
    "ru": ("(ТАСС)", "Читайте также: Другие новости Поволжья и всей России каждый день на главной странице нашего издания."),
    "ur": ("(اے پی پی)", "مزید پڑھیں: پاکستان اور دنیا بھر کی تازہ ترین خبریں روزانہ ہماری ویب سائٹ کے صفحہ اول پر۔"),
    "hi": ("(एजेंसी)", "यह भी पढ़ें: उत्तर प्रदेश और देश-दुनिया की ताज़ा ख़बरें हर दिन हमारे मुख्य पृष्ठ पर।"),
    "zh": ("(新华社)", "延伸阅读:更多城市与文化新闻,每天请访问我们的首页。"),
}

# Planted reuse per language: (light-edited text, its word replacements and
# the sentence it drops), (condensed text, the condensation), (passage
# source, passage destination).
PLANTED = {
    "de": {
        "light": ("weilheim", [("wichtigsten", "bedeutendsten"), ("eingebettet", "gelegen"), ("heimgesucht", "getroffen"), ("viel älter", "deutlich älter")], "Die römische Straße"),
        "short": ("ingolstadt", "Das Teilherzogtum Bayern-Ingolstadt entstand 1392 durch die dritte bayerische Landesteilung und bestand aus rund einem Dutzend verstreuter Gebiete an Donau, Lech und Inn. Residenzstadt war Ingolstadt. Nach Herzog Stephan dem Kneißel regierte ab 1413 sein Sohn Ludwig der Gebartete, der das Liebfrauenmünster und das Neue Schloss begann, die Künste förderte und die Verwaltung modernisierte. Im Bayerischen Krieg (1420–1422) unterlag er jedoch; er starb als Gefangener Heinrichs des Reichen von Bayern-Landshut, der Bayern-Ingolstadt 1447 mit seinem Land vereinigte."),
        "passage": ("modus", "vereine"),
    },
    "es": {
        "light": ("patrimonio", [("bellos", "hermosos"), ("apenas", "solo"), ("Numerosos", "Muchos"), ("importante fuente", "gran fuente")], "La ocupación duraría"),
        "short": ("ubeda_historia", "Úbeda cobró entidad en época árabe: la fundó Abderramán II, que la llamó Medinat-Ubbadat Al-Arab, dentro del distrito de Jaén. Fernando III el Santo la conquistó definitivamente en 1233, y desde entonces convivieron en ella las culturas árabe, judía y cristiana. Su carácter fronterizo entre Granada y Castilla le valió numerosos privilegios de los reyes castellanos, como el fuero de Cuenca. En 1368 fue asolada durante la guerra civil entre Pedro I de Castilla y Enrique II de Trastámara."),
        "passage": ("laguna", "ruta"),
    },
    "ru": {
        "light": ("newsinfo", [("старейших", "древнейших"), ("живописном", "красивом"), ("разорён", "разрушен"), ("крупнейших", "самых крупных")], "Здесь сочетаются"),
        "short": ("rostov", "Ярославль стоит в 300 километрах от Москвы на высоком берегу Волги, и его центр с 2005 года охраняется ЮНЕСКО: кремль, церкви, палаты и соборы. Успенский собор появился здесь ещё в начале XIII века и сияет на излучине Волги. Главное увлечение города — хоккей, но стоит побывать и в Музее музыки на набережной, и в Волконском театре, старейшем драматическом театре России. По дороге обратно в Москву можно заехать в Ростов, где снимали фильм «Иван Васильевич меняет профессию»."),
        "passage": ("medved", "otpusk"),
    },
    "ur": {
        "light": ("jughrafia", [("بہت خوبصورت", "نہایت خوبصورت"), ("ناہموار", "غیر ہموار"), ("گزرتی ہیں", "بہتی ہیں")], "کراچی اٹھارویں صدی"),
        "short": ("test_record", "پاکستان کرکٹ ٹیم بین الاقوامی کرکٹ میں پاکستان کی نمائندگی کرتی ہے اور انٹرنیشنل کرکٹ کونسل کی مکمل رکن ہے۔ پاکستان نے 456 ٹیسٹ میچ کھیلے جن میں 148 جیتے، 142 ہارے اور 166 ڈرا ہوئے۔ 1947 میں پاکستان کے قیام کے بعد پاکستان کرکٹ بورڈ قائم ہوا اور ٹیم نے اپنا پہلا ٹیسٹ میچ 1952ء میں بھارت کے خلاف کھیلا۔ مشہور کھلاڑیوں میں عمران خان، وسیم اکرم، وقار یونس، انضمام الحق، یونس خان اور بابر اعظم شامل ہیں۔"),
        "passage": ("tughlaq", "darwaze"),
    },
    "hi": {
        "light": ("pak_team", [("प्रतिनिधित्व करती है", "नुमाइंदगी करती है"), ("खिताब अपने नाम किया था", "खिताब जीता था"), ("बेहतरीन", "शानदार")], "पाकिस्तान क्रिकेट टीम अंतरराष्ट्रीय"),
        "short": ("england_tour", "इंग्लैंड की टीम डेढ़ दशक से भी ज़्यादा समय के बाद पाकिस्तान पहुंची है, जो पाक क्रिकेट के लिए बड़ी बात है। एशिया कप के बाद पाक टीम घरेलू सरजमीं पर इंग्लैंड के खिलाफ 7 टी20 मैचों की सीरीज खेलेगी। इससे पहले ऑस्ट्रेलिया की टीम भी पाकिस्तान का दौरा कर चुकी है। पहला टी20 मैच 20 सितंबर को और दूसरा 22 सितंबर को कराची में होगा।"),
        "passage": ("up_history", "namkeen"),
    },
    "zh": {
        "light": ("suhang", [("闻名于世", "举世闻名"), ("得天独厚", "优越"), ("杰出代表", "优秀代表"), ("历史悠久", "历史久远")], "这里水网密布"),
        "short": ("dajiangnan", "江南的地理范围因划分标准不同而不同,大致包括自然地理、行政地理、经济地理和文化地理四个方面。从气候看,江南比人们惯常认为的更广大,可称“大江南”,其特点是春雨、梅雨、伏旱和冬季阴冷。江南地势由西南向东北倾斜,河流多为长江水系,是中国淡水湖泊分布最密集的区域。五胡乱华时期北方士族大规模南迁,317年司马睿到建康建都,史称“衣冠南渡”。"),
        "passage": ("chongqing", "beijing"),
    },
}

SENTENCE = re.compile(r"(?<=[.!?。！？۔।])\s*")


def sentences(text):
    return [s for s in SENTENCE.split(text) if s.strip()]


def frame(lang, body):
    credit, more = BOILERPLATE[lang]
    return f"{credit}\n{body}\n{more}\n"


def light_edit(body, replacements, drop):
    for old, new in replacements:
        assert old in body, old
        body = body.replace(old, new)
    out = []
    for line in body.split("\n"):
        kept = [s for s in sentences(line) if not s.startswith(drop)]
        out.append(" ".join(kept))
    edited = "\n".join(line for line in out if line)
    assert edited.count("\n") <= body.count("\n") and len(edited) < len(body)
    return edited


def with_passage(source_body, dest_body):
    """The middle half (at least three sentences) of the source, inserted
    after the first paragraph of the destination."""
    src = sentences(source_body.replace("\n", " "))
    take = max(3, len(src) // 2)
    start = (len(src) - take) // 2
    passage = " ".join(src[start : start + take])
    first, _, rest = dest_body.partition("\n")
    return f"{first}\n{passage}\n{rest}".rstrip("\n")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    all_truth = []
    for lang, texts in [("de", DE), ("es", ES), ("ru", RU), ("ur", UR), ("hi", HI), ("zh", ZH)]:
        out_dir = os.path.join(here, lang)
        os.makedirs(out_dir, exist_ok=True)
        for f in os.listdir(out_dir):
            os.remove(os.path.join(out_dir, f))
        bodies = {name: body for name, _, body in texts}
        names = {name: f"{lang}_{i:02}_{name}.txt" for i, (name, _, _) in enumerate(texts)}
        plan = PLANTED[lang]
        docs = dict((names[n], bodies[n]) for n in bodies)
        light_src, repl, drop = plan["light"]
        light_name = f"{lang}_light_{light_src}.txt"
        docs[light_name] = light_edit(bodies[light_src], repl, drop)
        short_src, condensed = plan["short"]
        short_name = f"{lang}_short_{short_src}.txt"
        docs[short_name] = condensed
        p_src, p_dst = plan["passage"]
        docs[names[p_dst]] = with_passage(bodies[p_src], bodies[p_dst])
        truth = [
            {"a": light_name, "b": names[light_src], "label": "derived", "source": names[light_src], "kind": "light"},
            {"a": short_name, "b": names[short_src], "label": "derived", "source": names[short_src], "kind": "condensed"},
            {"a": names[p_dst], "b": names[p_src], "label": "derived", "source": names[p_src], "kind": "passage"},
        ]
        truth += [{"doc": d, "group": d} for d in sorted(docs)]
        for d, body in docs.items():
            with open(os.path.join(out_dir, d), "w", encoding="utf-8") as f:
                f.write(frame(lang, body))
        with open(os.path.join(out_dir, "truth.jsonl"), "w", encoding="utf-8") as f:
            f.writelines(json.dumps(t, ensure_ascii=False) + "\n" for t in truth)
        all_truth += truth
    with open(os.path.join(here, "truth.jsonl"), "w", encoding="utf-8") as f:
        f.writelines(json.dumps(t, ensure_ascii=False) + "\n" for t in all_truth)


if __name__ == "__main__":
    main()
