#!/usr/bin/python3
"""Builds the Azerbaijani training text of the shipped `az` model.

    /usr/bin/python3 data/models/make_corpus.py

Downloads the source packages with `apt-get download` into a temporary folder (Tesseract's word
list is read with the tools of the `tesseract-ocr` package, which must be installed), takes their
Azerbaijani strings, cleans them (keys, placeholders, markup, shortcut markers and English strings
removed; lines deduplicated) and writes

    data/models/az/corpus.txt    one cleaned line per string, in the order found
    data/models/az/sources.tsv   every source: package, version, license, lines and characters kept

Only sources whose terms allow shipping a model trained on them with attnviz (MIT) are taken:
Firefox's Azerbaijani language pack (MPL-2.0, a file-level licence), xkeyboard-config's
translations (MIT/X11 style), Unicode CLDR's Azerbaijani names and emoji descriptions
(Unicode-DFS-2016), a sample of Tesseract's Azerbaijani word list (Apache-2.0) and the course
lesson. GPL and LGPL catalogues are left out; the model
card says why.
"""
import collections
import gettext
import glob
import io
import os
import re
import subprocess
import sys
import tempfile
import unicodedata
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
OUT = os.path.join(HERE, "az")
LESSON = os.path.join(ROOT, "data", "texts", "day12-attention.az.md")

PACKAGES = [
    ("firefox-esr-l10n-az", "MPL-2.0"),
    ("xkb-data", "MIT/X11 (xkeyboard-config)"),
    ("unicode-cldr-core", "Unicode-DFS-2016"),
    ("tesseract-ocr-aze", "Apache-2.0"),
]
CLDR_FILES = ["common/main/az.xml", "common/annotations/az.xml"]
# CLDR elements that hold patterns, symbols or letter lists rather than words.
CLDR_SKIP = re.compile(r"pattern|Pattern|FormatItem|greatestDifference|symbol|exemplar|"
                       r"delimiters|numbers|characters|contextTransform|layout|posix|identity")

# A line without Azerbaijani letters whose words are mostly English (Debian's wamerican word
# list) is an untranslated string.
ENGLISH_LIST = "wamerican"
# Tesseract's Azerbaijani word list: 310 000 word forms, a sample of them in lines of ten, so the
# model sees many real words with their suffixes (vowel harmony) besides interface phrases.
WORDS_TAKEN, WORDS_PER_LINE = 60000, 10
AZ_ALPHABET = set("abcçdeəfgğhxıijkqlmnoöprsştuüvyz")
RARE = 8          # a character seen fewer times than this in the whole text becomes UNKNOWN
UNKNOWN = "\ufffd"  # the model's stand-in token for a character outside its vocabulary
AZ_LETTERS = set("əƏıİşŞğĞçÇöÖüÜ")


def english_words(tmp):
    subprocess.run(["apt-get", "download", ENGLISH_LIST], cwd=tmp, check=True)
    root = os.path.join(tmp, ENGLISH_LIST)
    subprocess.run(["dpkg-deb", "-x", glob.glob(os.path.join(tmp, ENGLISH_LIST + "_*.deb"))[0],
                    root], check=True)
    words = open(os.path.join(root, "usr/share/dict/american-english"), encoding="utf-8").read()
    return {w.lower() for w in words.split() if "'" not in w}


def clean(text, english):
    """One interface string → plain Azerbaijani text, or '' when nothing is left."""
    text = re.sub(r"\{[^{}]*\}", " ", text)              # Fluent placeables { $name } { -brand }
    text = re.sub(r"<[^>]*>", "", text)                  # markup: <b>, <a data-l10n-name="x">
    text = re.sub(r"%(\d+\$)?[-+ #0]*\d*(\.\d+)?[sSdiufxXc@%]", " ", text)  # printf / %S, %1$S
    text = re.sub(r"#\d+|\$[A-Za-z_]+\$?|&[a-z]+;", " ", text)  # plural #1, $VAR$, entities
    text = text.replace("\\n", " ").replace("\\t", " ").replace("\\", "")
    text = re.sub(r"(?<=\w)[&_](?=\w)|(?<![\w&])&(?=\w)|(?<!\w)_(?=\w)", "", text)  # &Fayl, _Yadda
    text = text.replace("&&", "&")
    text = unicodedata.normalize("NFC", text)
    text = re.sub(r"[\s\u00a0\u2009\u202f]+", " ", text)
    text = re.sub(r"\(\s*\)|“\s*”|\"\s*\"", "", text)           # brackets a placeholder emptied
    text = re.sub(r"\(\s+", "(", re.sub(r"\s+([,.;:!?…)])", r"\1", text))
    text = re.sub(r" +", " ", text).strip(" ;|,:")
    letters = [c for c in text if c.isalpha()]
    if len(letters) < 2:
        return ""
    if not (set(text) & AZ_LETTERS):
        words = re.findall(r"[a-z]+", text.lower())
        if words and sum(w in english for w in words) * 2 > len(words):
            return ""
    if re.search(r"https?://|www\.|\w+\.\w+/|@\w+\.", text):
        return ""
    return text


def fluent_values(path):
    """The text values of a Fluent file: `key = value`, `.attr = value`, `[variant] value`."""
    out = []
    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        m = re.match(r"^\s*\.(\w[\w-]*)\s*=\s*(.*)$", line)
        if m:
            if m.group(1) in ("accesskey", "key", "commandkey", "style", "width", "height"):
                continue
            out.append(m.group(2))
            continue
        m = re.match(r"^-?[\w][\w-]*\s*=\s*(.*)$", line)
        if m:
            out.append(m.group(1))
            continue
        m = re.match(r"^\s*\*?\[[^\]]+\]\s*(.*)$", line)
        if m:
            out.append(m.group(1))
            continue
        if line.startswith(" ") and not line.strip().startswith(("}", "{")):
            out.append(line.strip())
    return out


def properties_values(path):
    out = []
    for line in open(path, encoding="utf-8"):
        line = line.strip()
        if not line or line.startswith(("#", "!")):
            continue
        key, sep, value = line.partition("=")
        if not sep or re.search(r"(access)?key$|\.key\d*$|_accesskey", key.strip()):
            continue
        out.extend(value.split(";"))    # plural forms are separated by ';'
    return out


def mo_values(path):
    catalog = gettext.GNUTranslations(open(path, "rb"))._catalog
    out = []
    for msgid, msgstr in catalog.items():
        if not msgid or msgstr == msgid or isinstance(msgid, tuple):
            continue
        out.append(msgstr)
    return out


def cldr_values(path):
    """Names and emoji descriptions (`a | b | c`) from a CLDR locale file."""
    import xml.etree.ElementTree as ET
    out = []

    def walk(element, trail):
        trail = trail + "/" + element.tag
        if CLDR_SKIP.search(trail):
            return
        if element.text and element.text.strip():
            out.extend(part.strip() for part in element.text.split("|"))
        for child in element:
            walk(child, trail)

    walk(ET.parse(path).getroot(), "")
    return out


def tesseract_words(traineddata, tmp):
    """A fixed sample of the lowercase Azerbaijani words in Tesseract's LSTM word list (needs the
    tesseract-ocr package's combine_tessdata and dawg2wordlist), as lines of words."""
    import random
    import shutil
    if not shutil.which("dawg2wordlist"):
        sys.exit("make_corpus.py: dawg2wordlist is missing: apt-get install tesseract-ocr")
    prefix = os.path.join(tmp, "aze.")
    subprocess.run(["combine_tessdata", "-u", traineddata, prefix], check=True,
                   stdout=subprocess.DEVNULL)
    subprocess.run(["dawg2wordlist", prefix + "lstm-unicharset", prefix + "lstm-word-dawg",
                    prefix + "words"], check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    words = sorted({w for w in open(prefix + "words", encoding="utf-8").read().split()
                    if len(w) >= 3 and set(w) <= AZ_ALPHABET and set(w) & set("aıoueəiöü")})
    random.Random(0).shuffle(words)
    words = words[:WORDS_TAKEN]
    return [" ".join(words[i:i + WORDS_PER_LINE]) for i in range(0, len(words), WORDS_PER_LINE)]


def lesson_values(path):
    """The lesson's prose: code blocks, headings' markers and Markdown syntax removed."""
    out, in_code = [], False
    for line in open(path, encoding="utf-8"):
        if line.startswith("```"):
            in_code = not in_code
            continue
        if in_code:
            continue
        line = re.sub(r"^[#>*\-\d. ]+", "", line)
        line = re.sub(r"`[^`]*`|\*\*|__|\[|\]\([^)]*\)", " ", line)
        out.extend(re.split(r"(?<=[.!?])\s+", line.strip()))
    return out


def package_version(deb):
    return subprocess.run(["dpkg-deb", "-f", deb, "Version"], check=True, capture_output=True,
                          text=True).stdout.strip()


def main():
    os.makedirs(OUT, exist_ok=True)
    seen, taken = set(), []

    def take(name, values):
        for v in values:
            t = clean(v, english)
            if t and t not in seen:
                seen.add(t)
                taken.append((name, t))

    versions = {}
    with tempfile.TemporaryDirectory() as tmp:
        english = english_words(tmp)
        subprocess.run(["apt-get", "download"] + [p for p, _ in PACKAGES], cwd=tmp, check=True)
        for package, license_ in PACKAGES:
            deb = glob.glob(os.path.join(tmp, package + "_*.deb"))[0]
            root = os.path.join(tmp, package)
            subprocess.run(["dpkg-deb", "-x", deb, root], check=True)
            values = []
            for xpi in sorted(glob.glob(root + "/**/*.xpi", recursive=True)):
                with zipfile.ZipFile(xpi) as z:
                    for name in sorted(z.namelist()):
                        if name.endswith((".ftl", ".properties")):
                            path = os.path.join(root, "xpi", name)
                            os.makedirs(os.path.dirname(path), exist_ok=True)
                            with open(path, "wb") as f:
                                f.write(z.read(name))
                            values += (fluent_values(path) if name.endswith(".ftl")
                                       else properties_values(path))
            for name in CLDR_FILES:
                for xml in glob.glob(root + "/usr/share/unicode/cldr/" + name):
                    values += cldr_values(xml)
            for data in glob.glob(root + "/usr/share/tesseract-ocr/*/tessdata/aze.traineddata"):
                values += tesseract_words(data, tmp)
            for mo in sorted(glob.glob(root + "/usr/share/locale/az/LC_MESSAGES/*.mo")):
                values += mo_values(mo)
            versions[package] = package_version(deb)
            take(package, values)
    lesson = "attnviz course lesson, day 12 (data/texts/day12-attention.az.md)"
    versions[lesson] = "-"
    take(lesson, lesson_values(LESSON))

    counts = collections.Counter("".join(t for _, t in taken))
    # Rare characters become UNKNOWN, so the model learns a meaning for the stand-in token; a line
    # made mostly of them (another script) is left out.
    lines = [(n, "".join(c if counts[c] >= RARE else UNKNOWN for c in t)) for n, t in taken]
    lines = [(n, t) for n, t in lines if t.count(UNKNOWN) * 10 <= len(t)]
    licenses = dict(PACKAGES)
    licenses[lesson] = "the course's own text"
    sources = [(n, versions[n], licenses[n], sum(1 for m, _ in lines if m == n),
                sum(len(t) + 1 for m, t in lines if m == n)) for n in versions]
    lines = [t for _, t in lines]

    with open(os.path.join(OUT, "corpus.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    with open(os.path.join(OUT, "sources.tsv"), "w", encoding="utf-8") as f:
        f.write("source\tversion\tlicense\tlines\tcharacters\n")
        for s in sources:
            f.write("\t".join(str(x) for x in s) + "\n")
    text = "\n".join(lines)
    print(f"{len(lines)} lines, {len(text)} characters, {len(set(text))} distinct", file=sys.stderr)


if __name__ == "__main__":
    main()
