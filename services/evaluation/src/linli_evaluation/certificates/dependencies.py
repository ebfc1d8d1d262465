from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from linli_evaluation.certificates.serials import CodeSigner
from linli_evaluation.config import EvaluationSettings


def _settings(request: Request) -> EvaluationSettings:
    settings: EvaluationSettings = request.app.state.settings
    return settings


def code_signer(settings: Annotated[EvaluationSettings, Depends(_settings)]) -> CodeSigner:
    return CodeSigner(settings.signing_key.get_secret_value().encode())


Settings = Annotated[EvaluationSettings, Depends(_settings)]
CodeSignerDep = Annotated[CodeSigner, Depends(code_signer)]
