"""Every word a page shows comes from the catalogue: templates hold no bare text, and every message the
templates and code say has its Chinese."""

import re

import pytest

from linli_portal.catalogue import untranslated
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


def test_every_message_has_its_chinese():
    missing = untranslated("zh_CN")
    assert not missing, "run `python -m linli_portal.catalogue`:\n" + "\n".join(sorted(missing))


@pytest.mark.parametrize(
    "template", sorted(p.relative_to(TEMPLATES).as_posix() for p in TEMPLATES.rglob("*.html"))
)
def test_templates_hold_no_bare_text(template):
    text = (TEMPLATES / template).read_text()
    for pattern in MARKUP:
        text = pattern.sub(" ", text)
    bare = [chunk.strip() for chunk in text.split("  ") if chunk.strip() and not NEUTRAL.match(chunk.strip())]
    assert not bare, f"{template} shows text outside the catalogue: {bare}"
