"""The resident's form as it comes back: an `application/x-www-form-urlencoded` body, read here rather than
through a multipart library the service has no other use for, and checked by the same rules as the JSON
variant (one score 1–5, an optional comment of at most 500 characters of plain text)."""

from __future__ import annotations

import re
import uuid
from typing import Annotated
from urllib.parse import parse_qsl

from fastapi import Depends, Request

from linli_evaluation.feedback.links import FeedbackSigner
from linli_evaluation.feedback.pages import HONEYPOT_FIELD, STAMP_FIELD
from linli_evaluation.feedback.schemas import MAX_COMMENT, SCORE_TEXT
from linli_evaluation.feedback.service import Submission
from linli_shared.validation import PLAIN_TEXT

FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"
#: score, comment, the honeypot and the stamp; a body with many more fields is not our form
MAX_FIELDS = 16
_PLAIN_TEXT = re.compile(PLAIN_TEXT)
_SCORES = {str(score): score for score in SCORE_TEXT}


class FormInvalid(Exception):
    """A form the resident can correct: shown again with what they entered."""

    def __init__(self, message: str, score: int | None, comment: str) -> None:
        super().__init__(message)
        self.message = message
        self.score = score
        self.comment = comment


async def _form_fields(request: Request) -> dict[str, str] | None:
    """The submitted fields; None for a body that is not a well-formed form of ours (another content type,
    bytes that are not UTF-8, a field given twice)."""
    content_type = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if content_type != FORM_CONTENT_TYPE:
        return None
    body = await request.body()
    try:
        pairs = parse_qsl(
            body.decode("utf-8"), keep_blank_values=True, max_num_fields=MAX_FIELDS, errors="strict"
        )
    except (UnicodeDecodeError, ValueError):
        return None
    fields: dict[str, str] = {}
    for name, value in pairs:
        if name in fields:
            return None
        fields[name] = value
    return fields


FormFields = Annotated[dict[str, str] | None, Depends(_form_fields)]


def read_form(fields: dict[str, str], signer: FeedbackSigner, record_id: uuid.UUID) -> Submission:
    """The submission a form carries, or `FormInvalid` with a message for the resident."""
    # browsers send a textarea's line breaks as CRLF; the 500 the resident was allowed counts each as one
    comment = fields.get("comment", "").replace("\r\n", "\n").strip()
    score = _SCORES.get(fields.get("score", ""))
    if score is None:
        raise FormInvalid("请选择您对这次服务的满意程度（1至5星）。", None, comment)
    if len(comment) > MAX_COMMENT:
        raise FormInvalid(f"留言最多{MAX_COMMENT}字，请删减后再提交。", score, comment)
    if not _PLAIN_TEXT.match(comment):
        raise FormInvalid("留言中有无法保存的字符，请修改后再提交。", score, comment)
    return Submission(
        score=score,
        comment=comment,
        rendered_at=signer.rendered_at(fields.get(STAMP_FIELD, ""), record_id),
        honeypot=fields.get(HONEYPOT_FIELD, ""),
    )
