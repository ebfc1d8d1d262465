from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from linli_evaluation.config import EvaluationSettings
from linli_evaluation.feedback.links import FeedbackSigner


def _settings(request: Request) -> EvaluationSettings:
    settings: EvaluationSettings = request.app.state.settings
    return settings


def _signer(settings: Annotated[EvaluationSettings, Depends(_settings)]) -> FeedbackSigner:
    return FeedbackSigner(settings.signing_key.get_secret_value().encode())


def _client_address(request: Request) -> str:
    """The address the request came from. Behind the ingress this is the resident's own only when the
    server is told to trust the proxy's forwarded-for header (uvicorn `--proxy-headers`
    `--forwarded-allow-ips`); the service never reads that header itself, or anyone could name any
    address and escape the rate limit."""
    return request.client.host if request.client else "unknown"


Settings = Annotated[EvaluationSettings, Depends(_settings)]
Signer = Annotated[FeedbackSigner, Depends(_signer)]
ClientAddress = Annotated[str, Depends(_client_address)]
