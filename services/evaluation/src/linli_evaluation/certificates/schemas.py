from __future__ import annotations

import re
import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Self

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

from linli_evaluation.certificates.models import CertificateStatus, IdType
from linli_shared.validation import PLAIN_TEXT

#: only the first 3–6 and the last 1–4 characters shown, at least four `*` between them
MASKED_ID_NUMBER = re.compile(r"^[0-9A-Z]{3,6}\*{4,}[0-9A-Z]{1,4}$")
#: documents whose numbers have a fixed length (GB 11643: 18 characters, the residence permit too)
EIGHTEEN_CHARACTERS = frozenset({IdType.RESIDENT_ID, IdType.RESIDENCE_PERMIT})


def _iso_date(value: object) -> object:
    """A date is an ISO date string (or a date): not a number of seconds, not `true`."""
    if not isinstance(value, str | date):
        raise ValueError("a date is written YYYY-MM-DD")
    return value


IsoDate = Annotated[date, BeforeValidator(_iso_date)]
PersonName = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50, pattern=PLAIN_TEXT)
]
Purpose = Annotated[str, StringConstraints(strip_whitespace=True, max_length=50, pattern=PLAIN_TEXT)]
Reason = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500, pattern=PLAIN_TEXT)
]
#: the national volunteer system's number (志愿者编号), e.g. from 全国志愿服务信息系统
VolunteerNumber = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[0-9A-Za-z-]{1,40}$")]
HoursOut = Annotated[Decimal, PlainSerializer(float, return_type=float, when_used="json")]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class CertificateCreate(_In):
    volunteer_id: uuid.UUID
    #: first and last service date certified, inclusive; all of the volunteer's service when absent
    served_from: IsoDate | None = Field(default=None, alias="from")
    served_to: IsoDate | None = Field(default=None, alias="to")
    #: 用途, e.g. 升学, 评优
    purpose: Purpose = ""
    id_type: IdType
    #: typed in already masked (the roster keeps ID numbers; evaluation never sees a full one)
    id_number_masked: Annotated[str, StringConstraints(strip_whitespace=True, max_length=32)]
    #: 经办人: the member of staff who answers for the certificate
    handler: PersonName
    #: 志愿者编号; the platform's volunteer id when absent
    volunteer_number: VolunteerNumber | None = None

    @field_validator("id_number_masked")
    @classmethod
    def _masked(cls, value: str, info: ValidationInfo) -> str:
        number = value.upper()
        if not MASKED_ID_NUMBER.match(number):
            raise ValueError(
                "give the number masked: only its first 3–6 and last 1–4 characters, the rest as *"
            )
        if info.data.get("id_type") in EIGHTEEN_CHARACTERS and len(number) != 18:
            raise ValueError("this document's number has 18 characters (masked ones included)")
        return number

    @model_validator(mode="after")
    def _period_in_order(self) -> Self:
        if self.served_from and self.served_to and self.served_from > self.served_to:
            raise ValueError("`from` is after `to`")
        return self


class RevokeCreate(_In):
    reason: Reason


class ServiceLine(BaseModel):
    date: date
    activity: str
    hours: HoursOut


class ActivitySummary(BaseModel):
    activity: str
    records: int
    hours: HoursOut


class CertificateOut(BaseModel):
    id: uuid.UUID
    serial: str
    status: CertificateStatus
    volunteer_id: uuid.UUID
    volunteer_name: str
    volunteer_number: str
    id_type: IdType
    id_number_masked: str
    period_from: date
    period_to: date
    hours: HoursOut
    record_count: int
    activity_count: int
    service_content: str
    activities: list[ActivitySummary]
    #: each record, when few enough to print on the page (else empty: the activities summarise them)
    lines: list[ServiceLine]
    record_ids: list[uuid.UUID]
    purpose: str
    issuer_name: str
    handler: str
    issued_on: date
    issued_at: datetime
    issued_by: str
    revoked_at: datetime | None
    revoked_by: str | None
    revoke_reason: str | None
    verification_code: str
    #: the public check page the printed QR code opens
    check_url: str


class CertificatePage(BaseModel):
    items: list[CertificateOut]
    next_cursor: str | None


class CertificateCheck(BaseModel):
    """What anyone holding the serial and its code learns: that the certificate is genuine (or revoked),
    who issued it, when, and for how many hours — and no personal data beyond a masked name."""

    serial: str
    status: CertificateStatus
    issuer_name: str
    issued_on: date
    period_from: date
    period_to: date
    hours: HoursOut
    #: the surname and a `*`
    volunteer_name_masked: str
    revoked_on: date | None
