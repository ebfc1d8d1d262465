"""Dynamic evaluation: setting and reading the score weights of a node of the tree, computing and storing
volunteers' scores (the nightly task and on demand), and showing a score with its explanation."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy.orm import Session

from linli_evaluation.access import VolunteerNotFound, writable_committee
from linli_evaluation.database import directory
from linli_evaluation.facts.models import VolunteerFact
from linli_evaluation.policies import policy_source
from linli_evaluation.scores.explanation import Explained, components_snapshot, explain, policy_snapshot
from linli_evaluation.scores.formulas import COMPONENTS, Score, ScoreRules, Weights, compute
from linli_evaluation.scores.models import VolunteerScore
from linli_evaluation.scores.repository import ScoreRepository, Window
from linli_evaluation.scores.schemas import (
    PolicySource,
    RecomputeOut,
    ScoreOut,
    ScorePage,
    ScoreRow,
    ScoreWeightsIn,
    ScoreWeightsOut,
    WeightsOut,
)
from linli_shared.clock import local_date
from linli_shared.cursors import decode_cursor, encode_cursor
from linli_shared.problems import Forbidden
from linli_shared.tenancy import TenantContext


def score_volunteers(
    session: Session,
    tenant_id: uuid.UUID,
    tenant_path: str,
    volunteer_ids: Sequence[uuid.UUID],
    day: date,
) -> dict[uuid.UUID, tuple[Score, ScoreRules, Window]]:
    """Each volunteer's score as of `day` under the committee's policy (not stored)."""
    repository = ScoreRepository(session)
    rules = repository.nearest_policy(tenant_path)
    window = Window(rules.window_start(day), day)
    inputs = repository.inputs(tenant_id, volunteer_ids, window)
    return {volunteer_id: (compute(found, rules), rules, window) for volunteer_id, found in inputs.items()}


def store_scores(
    session: Session,
    tenant_id: uuid.UUID,
    tenant_path: str,
    volunteer_ids: Sequence[uuid.UUID],
    day: date,
) -> int:
    """Compute and keep the scores of these volunteers as of `day`: the same day's inputs give the same
    rows, so running it again changes nothing. Returns how many were scored."""
    scored = score_volunteers(session, tenant_id, tenant_path, volunteer_ids, day)
    ScoreRepository(session).save_scores(
        [
            _stored_row(tenant_id, tenant_path, volunteer_id, score, rules, window)
            for volunteer_id, (score, rules, window) in scored.items()
        ]
    )
    session.flush()
    return len(scored)


def _stored_row(
    tenant_id: uuid.UUID,
    tenant_path: str,
    volunteer_id: uuid.UUID,
    score: Score,
    rules: ScoreRules,
    window: Window,
) -> dict[str, Any]:
    return {
        "tenant_id": tenant_id,
        "volunteer_id": volunteer_id,
        "tenant_path": tenant_path,
        "computed_on": window.end,
        "window_start": window.start,
        "score": score.total,
        **{component: score.part(component).value for component in COMPONENTS},
        "components": components_snapshot(score),
        "policy": policy_snapshot(rules),
    }


class ScoreService:
    def __init__(self, session: Session, context: TenantContext, now: datetime) -> None:
        self.session = session
        self.context = context
        self.today = local_date(now)
        self.scores = ScoreRepository(session)

    # weights ------------------------------------------------------------------------------------------

    def weights(self) -> ScoreWeightsOut:
        """The nearest policy up the caller's path, and whose it is."""
        rules = self.scores.nearest_policy(self.context.tenant_path)
        source, source_tenant_id = policy_source(
            rules.source_tenant_path, self.context.tenant_path, PolicySource.DEFAULT
        )
        return ScoreWeightsOut(
            weights=WeightsOut(**rules.weights.as_dict()),
            window_months=rules.window_months,
            target_hours=rules.target_hours,
            source=PolicySource(source),
            source_tenant_id=source_tenant_id,
        )

    def set_weights(self, request: ScoreWeightsIn) -> ScoreWeightsOut:
        """A district's, town's or committee's admin sets their own node's policy."""
        tenant_id = self.context.tenant_id
        if tenant_id is None:
            raise Forbidden("Score weights belong to a district, a town or a committee.")
        directory.ensure_active(self.session, tenant_id)
        weights = Weights.normalised(request.weights.model_dump())
        self.scores.save_policy(
            tenant_id,
            self.context.tenant_path,
            {
                **{f"{component}_weight": weight for component, weight in weights.as_dict().items()},
                "window_months": request.window_months,
                "target_hours": request.target_hours,
                "updated_by": self.context.subject,
            },
        )
        return self.weights()

    # one volunteer's score ----------------------------------------------------------------------------

    def of_volunteer(self, volunteer_id: uuid.UUID) -> ScoreOut:
        return self._show(self._volunteer(volunteer_id))

    def mine(self, me: VolunteerFact) -> ScoreOut:
        return self._show(me)

    def recompute_volunteer(self, volunteer_id: uuid.UUID) -> ScoreOut:
        """On demand: the volunteer's score as of today, computed and kept."""
        writable_committee(self.session, self.context)
        volunteer = self._volunteer(volunteer_id)
        store_scores(
            self.session, volunteer.tenant_id, volunteer.tenant_path, [volunteer.volunteer_id], self.today
        )
        return self._show(volunteer)

    def recompute_committee(self) -> RecomputeOut:
        """On demand: every active volunteer of the caller's committee, as of today."""
        context = writable_committee(self.session, self.context)
        assert context.tenant_id is not None  # a committee's own people (writable_committee)
        volunteers = self.scores.active_volunteers(context.tenant_id)
        count = store_scores(self.session, context.tenant_id, context.tenant_path, volunteers, self.today)
        return RecomputeOut(computed_on=self.today, volunteers=count)

    # ranking ------------------------------------------------------------------------------------------

    def ranking(self, descending: bool, cursor: str | None, limit: int) -> ScorePage:
        after = decode_cursor(cursor, _score, uuid.UUID) if cursor else None
        rows = self.scores.ranked(self.context.tenant_path, descending, after, limit + 1)
        shown = rows[:limit]
        last = shown[-1].score if len(rows) > limit else None
        return ScorePage(
            items=[
                ScoreRow(
                    rank=row.rank,
                    volunteer_id=row.score.volunteer_id,
                    name=row.name,
                    committee_id=row.score.tenant_id,
                    score=row.score.score,
                    hours=row.score.hours,
                    satisfaction=row.score.satisfaction,
                    reliability=row.score.reliability,
                    training=row.score.training,
                    audits=row.score.audits,
                    computed_on=row.score.computed_on,
                )
                for row in shown
            ],
            next_cursor=encode_cursor(last.score, last.volunteer_id) if last else None,
        )

    # helpers ------------------------------------------------------------------------------------------

    def _volunteer(self, volunteer_id: uuid.UUID) -> VolunteerFact:
        volunteer = self.scores.volunteer(volunteer_id, self.context.tenant_path)
        if volunteer is None:
            raise VolunteerNotFound()
        return volunteer

    def _show(self, volunteer: VolunteerFact) -> ScoreOut:
        """The stored score; before the first one is stored, today's, computed just now and not kept."""
        stored = self.scores.stored(volunteer.tenant_id, volunteer.volunteer_id)
        if stored is not None:
            return explain(_explained(volunteer, stored))
        score, rules, window = score_volunteers(
            self.session, volunteer.tenant_id, volunteer.tenant_path, [volunteer.volunteer_id], self.today
        )[volunteer.volunteer_id]
        return explain(
            Explained(
                volunteer_id=volunteer.volunteer_id,
                name=volunteer.name,
                committee_id=volunteer.tenant_id,
                score=score.total,
                computed_on=window.end,
                window_start=window.start,
                components=components_snapshot(score),
                policy=policy_snapshot(rules),
                stored=False,
                computed_at=None,
            )
        )


def _explained(volunteer: VolunteerFact, stored: VolunteerScore) -> Explained:
    return Explained(
        volunteer_id=volunteer.volunteer_id,
        name=volunteer.name,
        committee_id=volunteer.tenant_id,
        score=stored.score,
        computed_on=stored.computed_on,
        window_start=stored.window_start,
        components=stored.components,
        policy=stored.policy,
        stored=True,
        computed_at=stored.computed_at,
    )


def _score(value: str) -> Decimal:
    """A cursor's score: a finite number (Decimal raises its own error, not ValueError, on junk)."""
    try:
        parsed = Decimal(value)
    except InvalidOperation as error:
        raise ValueError("not a number") from error
    if not parsed.is_finite():
        raise ValueError("not a finite number")
    return parsed
