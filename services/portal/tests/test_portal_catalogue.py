"""Every word a page shows comes from the catalogue: templates hold no bare text, every message the
templates and code say has its Chinese, each message is defined in one catalogue file only, and no
translation can break the `%` formatting Jinja applies to every message."""

import re
from collections import defaultdict

import pytest

from linli_portal.catalogue import catalogue_files, messages, untranslated
from linli_portal.i18n import translations
from linli_portal.labels import LABELS
from linli_portal.templating import TEMPLATES

pytestmark = pytest.mark.unit

#: a page's body class (CSS, not words), Jinja statements, expressions and comments, then HTML comments, scripts' bodies and tags
MARKUP = [
    re.compile(r"{% block body_class %}.*?{% endblock %}", re.S),
    re.compile(r"{#.*?#}", re.S),
    re.compile(r"{%.*?%}", re.S),
    re.compile(r"{{.*?}}", re.S),
    re.compile(r"<!--.*?-->", re.S),
    re.compile(r"<[^>]*>", re.S),
]
#: what may stand between tags without translation: punctuation, numbers, symbols, entities
NEUTRAL = re.compile(r"^[\s\d.,:;·/|()\[\]{}+\-–—×%#*&=!?→←↑↓★☆✓✗…'\"<>]*$|^&[a-z]+;$")
#: a .po entry's message id, on one line or continued on the lines after it
MSGID = re.compile(r'^msgid ((?:".*"\n)+)', re.M)
#: what `%` may start in a message: a named placeholder, or `%%` for a literal per cent sign
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|%%")


def test_every_message_has_its_chinese():
    missing = untranslated("zh_CN")
    assert not missing, "run `python -m linli_portal.catalogue`:\n" + "\n".join(sorted(missing))


def test_every_label_is_extracted_for_the_catalogue():
    said = messages()
    labels = {text for group in LABELS.values() for text in group.values()}
    assert not labels - said.keys(), "labels.py should mark every label with N_()"


def test_each_message_is_defined_in_one_catalogue_file_only():
    """One place to change a word: shared words live in portal.po, an area's own words in its own file."""
    defined_in: dict[str, list[str]] = defaultdict(list)
    for path in catalogue_files("zh_CN"):
        for quoted in MSGID.findall(path.read_text()):
            text = "".join(re.findall(r'"(.*)"', quoted))
            if text:  # the header
                defined_in[text].append(path.name)
    twice = {text: files for text, files in defined_in.items() if len(files) > 1}
    assert not twice, "defined more than once (keep one; shared words go to portal.po):\n" + "\n".join(
        f"{text!r}: {', '.join(files)}" for text, files in sorted(twice.items())
    )


def test_no_message_breaks_the_formatting():
    """Jinja's newstyle gettext formats every message with `%`, variables or not, so a lone `%` fails
    the page: a literal one is written `%%`, and a translation uses exactly its message's placeholders."""
    catalogue = translations("zh_CN")
    broken = []
    for text in messages():
        translated = catalogue.gettext(text)
        for said in (text, translated):
            if "%" in PLACEHOLDER.sub("", said):
                broken.append(f"{said!r}: a lone % (write %% for a per cent sign)")
        if set(PLACEHOLDER.findall(translated)) - {""} != set(PLACEHOLDER.findall(text)) - {""}:
            broken.append(f"{translated!r}: not the placeholders of {text!r}")
    assert not broken, "\n".join(broken)


@pytest.mark.parametrize(
    "template", sorted(p.relative_to(TEMPLATES).as_posix() for p in TEMPLATES.rglob("*.html"))
)
def test_templates_hold_no_bare_text(template):
    text = (TEMPLATES / template).read_text()
    for pattern in MARKUP:
        text = pattern.sub(" ", text)
    bare = [chunk.strip() for chunk in text.split("  ") if chunk.strip() and not NEUTRAL.match(chunk.strip())]
    assert not bare, f"{template} shows text outside the catalogue: {bare}"
