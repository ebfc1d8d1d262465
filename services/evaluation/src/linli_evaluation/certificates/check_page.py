"""The page a certificate's QR code opens: a small zh-CN page for a phone, with no login and no script.
It shows what the JSON check answers and nothing more."""

from __future__ import annotations

from datetime import date
from html import escape

from linli_evaluation.certificates.document import hours_text
from linli_evaluation.certificates.models import CertificateStatus
from linli_evaluation.certificates.schemas import CertificateCheck

#: no script, no outside resource, never framed; the URL carries the code, so no Referer either
HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
    "Referrer-Policy": "no-referrer",
    "X-Robots-Tag": "noindex, nofollow",
    "Cache-Control": "no-store",
}

_STYLE = """
body{font-family:-apple-system,"PingFang SC","Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:0;
background:#f5f5f5;color:#222}
main{max-width:32rem;margin:0 auto;padding:1.5rem 1rem}
h1{font-size:1.4rem;text-align:center}
.verdict{font-size:1.2rem;text-align:center;padding:1rem;border-radius:.5rem;margin:1rem 0}
.valid{background:#e6f4ea;color:#1e6b34}.revoked{background:#fdecea;color:#a52714}
.unknown{background:#eee;color:#555}
dl{background:#fff;border-radius:.5rem;padding:1rem;display:grid;grid-template-columns:auto 1fr;gap:.5rem 1rem}
dt{color:#666}dd{margin:0}
p.note{font-size:.85rem;color:#666}
"""


def check_page(check: CertificateCheck | None) -> str:
    if check is None:
        verdict = (
            '<p class="verdict unknown">未找到该证明</p>'
            '<p class="note">请核对证明编号和核验码（见证明右下方二维码旁）。</p>'
        )
        details = ""
    else:
        if check.status == CertificateStatus.VALID:
            verdict = '<p class="verdict valid">本证明真实有效</p>'
        else:
            revoked = f"于{_date(check.revoked_on)}" if check.revoked_on else ""
            verdict = f'<p class="verdict revoked">本证明已{revoked}撤销，不再有效</p>'
        rows = (
            ("证明编号", check.serial),
            ("志愿者", check.volunteer_name_masked),
            ("服务期间", f"{_date(check.period_from)}至{_date(check.period_to)}"),
            ("服务时长", f"{hours_text(check.hours)}小时"),
            ("出具单位", check.issuer_name),
            ("出具日期", _date(check.issued_on)),
        )
        details = "<dl>" + "".join(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in rows) + "</dl>"
    return (
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>志愿服务证明核验</title><style>{_STYLE}</style></head>"
        f"<body><main><h1>志愿服务证明核验</h1>{verdict}{details}</main></body></html>"
    )


def _date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"
