"""The resident's pages, rendered on the server: a phone opens them from a QR code, with no login, no script
and nothing fetched from elsewhere. Every value is escaped; the page's own style is allowed by its hash in
the Content-Security-Policy, and nothing else may load, run or frame it."""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from html import escape
from string import Template

from fastapi.responses import HTMLResponse

from linli_evaluation.feedback.exceptions import (
    AlreadyRated,
    FeedbackLinkExpired,
    FeedbackLinkInvalid,
    FeedbackRateLimited,
    RecordVoided,
)
from linli_evaluation.feedback.schemas import MAX_COMMENT, SCORE_TEXT, FeedbackFormOut
from linli_shared.clock import SHANGHAI
from linli_shared.problems import Problem
from linli_shared.tenant_directory import TenantReadOnly

#: the field people never see (moved off-screen): whatever fills it is a script
HONEYPOT_FIELD = "website"
STAMP_FIELD = "rendered"
WEEKDAYS = "一二三四五六日"

STYLE = """
*,*::before,*::after{box-sizing:border-box}
body{margin:0;font:18px/1.6 system-ui,-apple-system,"PingFang SC","Microsoft YaHei",sans-serif;
color:#1a1a1a;background:#f6f4ef}
main{max-width:32rem;margin:0 auto;padding:1.25rem 1rem 2rem}
h1{font-size:1.5rem;line-height:1.3;margin:.5rem 0 1rem}
.service{background:#fff;border-radius:.75rem;padding:.75rem 1rem;margin:0 0 1.25rem}
.service div{display:flex;gap:.75rem;padding:.25rem 0}
.service dt{flex:0 0 4.5em;color:#555}
.service dd{margin:0;font-weight:600}
fieldset{border:0;margin:0 0 1.25rem;padding:0}
legend{font-weight:700;font-size:1.15rem;margin-bottom:.5rem}
.choice{position:relative;margin:.5rem 0}
.choice input{position:absolute;opacity:0;width:1px;height:1px}
.choice label{display:flex;align-items:center;gap:.75rem;min-height:3.5rem;padding:.5rem 1rem;
background:#fff;border:2px solid #c9c4b8;border-radius:.75rem;cursor:pointer}
.choice .stars{font-size:1.5rem;letter-spacing:.1em;color:#c98a00}
.choice input:checked+label{border-color:#b3261e;background:#fdecea;font-weight:700}
.choice input:focus-visible+label{outline:3px solid #1a5fb4;outline-offset:2px}
label.field{display:block;font-weight:700;margin:0 0 .25rem}
textarea{width:100%;font:inherit;padding:.5rem;border:2px solid #c9c4b8;border-radius:.5rem}
textarea:focus-visible{outline:3px solid #1a5fb4}
.hint{color:#555;font-size:.9rem;margin:.25rem 0 1.25rem}
.trap{position:absolute;left:-10000px;top:auto;width:1px;height:1px;overflow:hidden}
button{width:100%;min-height:3.5rem;font:inherit;font-weight:700;color:#fff;background:#b3261e;border:0;
border-radius:.75rem}
button:focus-visible{outline:3px solid #1a5fb4;outline-offset:2px}
.alert{background:#fdecea;border-left:4px solid #b3261e;padding:.75rem 1rem;margin:0 0 1rem}
footer{max-width:32rem;margin:0 auto;padding:0 1rem 2rem;color:#555;font-size:.85rem}
"""
_STYLE_HASH = base64.b64encode(hashlib.sha256(STYLE.encode("utf-8")).digest()).decode("ascii")
HEADERS = {
    "Content-Security-Policy": (
        f"default-src 'none'; style-src 'sha256-{_STYLE_HASH}'; form-action 'self'; "
        "base-uri 'none'; frame-ancestors 'none'"
    ),
    # the link is the credential: it must not leak in a Referer, a cache or a search index
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "X-Robots-Tag": "noindex, nofollow",
}

_PAGE = Template(
    """<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<meta name="referrer" content="no-referrer">
<title>$title · 志愿服务评价</title>
<style>$style</style>
</head>
<body>
<main>
<h1>$title</h1>
$body
</main>
<footer>邻里志愿服务 · 评价匿名提交，仅用于改进志愿服务</footer>
</body>
</html>
"""
)

_FORM = Template(
    """<dl class="service" aria-label="本次服务">
<div><dt>服务项目</dt><dd>$activity</dd></div>
<div><dt>服务时间</dt><dd>$when</dd></div>
<div><dt>志愿者</dt><dd>$volunteer</dd></div>
</dl>
$alert<form method="post" action="">
<fieldset>
<legend>您对这次服务满意吗？（必选）</legend>
$choices
</fieldset>
<label class="field" for="comment">留言（选填，最多${max_comment}字）</label>
<textarea id="comment" name="comment" rows="4" maxlength="$max_comment" aria-describedby="comment-hint">$comment</textarea>
<p id="comment-hint" class="hint">请勿填写姓名、电话、门牌号等个人信息。</p>
<div class="trap" aria-hidden="true">
<label for="$honeypot">请勿填写此项</label>
<input type="text" id="$honeypot" name="$honeypot" value="" tabindex="-1" autocomplete="off">
</div>
<input type="hidden" name="$stamp_field" value="$stamp">
<button type="submit">提交评价</button>
</form>
<p class="hint">此链接有效期至 $expires。</p>"""
)

_CHOICE = Template(
    """<div class="choice"><input type="radio" id="score-$score" name="score" value="$score" required$checked>
<label for="score-$score"><span class="stars" aria-hidden="true">$stars</span><span>$text</span></label></div>"""
)


@dataclass(frozen=True)
class Message:
    title: str
    text: str


THANKS = Message("感谢您的评价", "您的评价已收到。我们会认真倾听每一位居民的声音，持续改进志愿服务。")
ALREADY_RATED = Message("这次服务已评价过", "每次服务只能评价一次。感谢您的参与！")
EXPIRED = Message("评价链接已过期", "这次服务的评价时间已经结束。如有意见或建议，欢迎联系居委会。")
INVALID = Message("评价链接无效", "请确认链接完整，或重新扫描志愿者出示的二维码。")
VOIDED = Message("这次服务记录已撤销", "该服务记录已撤销，无需评价。感谢您的关注！")
RATE_LIMITED = Message("提交过于频繁", "同一网络在一小时内提交的评价已达上限，请稍后再试。")
READ_ONLY = Message("暂时无法评价", "该居委会的志愿服务评价已暂停。如有意见或建议，欢迎联系居委会。")
UNREADABLE = Message("无法读取提交内容", "请返回评价页面，重新选择满意度后提交。")
UNAVAILABLE = Message("暂时无法评价", "请稍后再试。")


def message_page(message: Message, status: int, headers: dict[str, str] | None = None) -> HTMLResponse:
    body = f"<p>{escape(message.text)}</p>"
    return _response(message.title, body, status, headers)


def problem_page(problem: Problem) -> HTMLResponse:
    """Each way a link can fail, as a page a resident understands."""
    if isinstance(problem, FeedbackRateLimited):
        retry_after = str(problem.extensions.get("retry_after", 3600))
        return message_page(RATE_LIMITED, problem.status, {"Retry-After": retry_after})
    for kind, message in (
        (FeedbackLinkInvalid, INVALID),
        (FeedbackLinkExpired, EXPIRED),
        (AlreadyRated, ALREADY_RATED),
        (RecordVoided, VOIDED),
        (TenantReadOnly, READ_ONLY),
    ):
        if isinstance(problem, kind):
            return message_page(message, problem.status)
    return message_page(UNAVAILABLE, problem.status)


def form_page(
    form: FeedbackFormOut,
    status: int = 200,
    error: str | None = None,
    score: int | None = None,
    comment: str = "",
) -> HTMLResponse:
    """The rating form; shown again with what was entered and the error when a submission is refused."""
    choices = "\n".join(
        _CHOICE.substitute(
            score=value,
            checked=" checked" if value == score else "",
            stars="★" * value + "☆" * (5 - value),
            text=escape(text),
        )
        for value, text in SCORE_TEXT.items()
    )
    alert = f'<p class="alert" role="alert">{escape(error)}</p>\n' if error else ""
    body = _FORM.substitute(
        activity=escape(form.activity_name),
        when=escape(_when(form.started_at, form.ended_at)),
        volunteer=escape(form.volunteer),
        alert=alert,
        choices=choices,
        max_comment=MAX_COMMENT,
        comment=escape(comment),
        honeypot=HONEYPOT_FIELD,
        stamp_field=STAMP_FIELD,
        stamp=escape(form.stamp),
        # the link works through the day before the moment it expires (local midnight)
        expires=escape(_day(form.expires_at - timedelta(seconds=1))),
    )
    return _response("志愿服务评价", body, status)


def _response(title: str, body: str, status: int, headers: dict[str, str] | None = None) -> HTMLResponse:
    page = _PAGE.substitute(title=escape(title), style=STYLE, body=body)
    return HTMLResponse(page, status_code=status, headers={**HEADERS, **(headers or {})})


def _when(started_at: datetime, ended_at: datetime) -> str:
    start, end = started_at.astimezone(SHANGHAI), ended_at.astimezone(SHANGHAI)
    return f"{_day(start)} {start:%H:%M}–{end:%H:%M}"


def _day(moment: datetime) -> str:
    local = moment.astimezone(SHANGHAI)
    return f"{local.year}年{local.month}月{local.day}日（星期{WEEKDAYS[local.weekday()]}）"
