"""No black box: a score shown with each component's raw inputs, its 0–100 value, its weight and its
contribution, under machine keys and zh-CN labels, rebuilt from exactly what was stored (or just computed)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from linli_evaluation.policies import level_of, owner_of
from linli_evaluation.scores.formulas import COMPONENTS, PRIOR_MEAN, PRIOR_WEIGHT, Score, ScoreRules
from linli_evaluation.scores.schemas import ComponentOut, InputOut, ScoreOut, ScorePolicyUsed

COMPONENT_LABELS = {
    "hours": "服务时长",
    "satisfaction": "群众满意度",
    "reliability": "守约情况",
    "training": "培训与资质",
    "audits": "抽查结果",
}

INPUT_LABELS = {
    "verified_hours": "已核实服务时长（小时）",
    "target_hours": "满分目标时长（小时）",
    "ratings": "居民评价条数",
    "average": "平均评分",
    "prior_mean": "中性先验评分",
    "prior_weight": "先验相当于评价条数",
    "adjusted_average": "修正后平均评分",
    "signups": "确认报名次数",
    "no_shows": "缺席次数",
    "late_cancellations": "临时取消次数",
    "valid_qualifications": "有效资质数",
    "qualification_names": "有效资质",
    "completions": "窗口内培训取证次数",
    "confirmed": "抽查确认条数",
    "adjusted": "抽查调整条数",
    "rejected": "抽查驳回条数",
}

FORMULAS = {
    "hours": "min(100, 100 × 已核实服务时长 ÷ 满分目标时长)",
    "satisfaction": (
        f"(m − 1) ÷ 4 × 100，其中 m = ({PRIOR_WEIGHT} × {PRIOR_MEAN} + 评分之和) ÷ ({PRIOR_WEIGHT} + 评价条数)"
    ),
    "reliability": "100 × (1 − (缺席次数 + 0.5 × 临时取消次数) ÷ max(1, 确认报名次数))",
    "training": "min(100, 持有有效资质记 60 + 窗口内每次培训取证记 20)",
    "audits": "100 × 确认 ÷ (确认 + 调整 + 2 × 驳回)；窗口内无抽查结果记 100",
}


def policy_snapshot(rules: ScoreRules) -> dict[str, Any]:
    """What a stored score keeps of the policy it used."""
    return {
        "weights": {component: str(weight) for component, weight in rules.weights.as_dict().items()},
        "window_months": rules.window_months,
        "target_hours": str(rules.target_hours),
        "source_path": rules.source_tenant_path,
    }


def components_snapshot(score: Score) -> dict[str, Any]:
    return {
        part.component: {
            "value": str(part.value),
            "weight": str(part.weight),
            "contribution": str(part.contribution),
            "inputs": part.inputs,
        }
        for part in score.parts
    }


@dataclass(frozen=True)
class Explained:
    """A score as stored (or computed just now in the stored shape)."""

    volunteer_id: uuid.UUID
    name: str
    committee_id: uuid.UUID
    score: Decimal
    computed_on: date
    window_start: date
    components: Mapping[str, Any]
    policy: Mapping[str, Any]
    stored: bool
    computed_at: datetime | None


def explain(scored: Explained) -> ScoreOut:
    components = [_component(key, scored.components[key]) for key in COMPONENTS]
    source_path = scored.policy["source_path"]
    return ScoreOut(
        volunteer_id=scored.volunteer_id,
        name=scored.name,
        committee_id=scored.committee_id,
        score=scored.score,
        computed_on=scored.computed_on,
        window_start=scored.window_start,
        stored=scored.stored,
        computed_at=scored.computed_at,
        policy=ScorePolicyUsed(
            window_months=scored.policy["window_months"],
            target_hours=Decimal(scored.policy["target_hours"]),
            source=level_of(source_path) if source_path else "default",
            source_tenant_id=owner_of(source_path) if source_path else None,
        ),
        components=components,
        summary=f"综合得分 {scored.score} = "
        + " + ".join(f"{component.label} {component.contribution}" for component in components),
    )


def _component(key: str, stored: Mapping[str, Any]) -> ComponentOut:
    inputs = stored["inputs"]
    return ComponentOut(
        key=key,
        label=COMPONENT_LABELS[key],
        value=Decimal(stored["value"]),
        weight=Decimal(stored["weight"]),
        contribution=Decimal(stored["contribution"]),
        formula=FORMULAS[key],
        summary=_summary(key, inputs),
        # in the labels' order: jsonb keeps an object's keys in an order of its own
        inputs=[
            InputOut(key=name, label=label, value=inputs[name])
            for name, label in INPUT_LABELS.items()
            if name in inputs
        ],
    )


def _summary(key: str, inputs: Mapping[str, Any]) -> str:
    if key == "hours":
        return f"窗口内已核实服务 {inputs['verified_hours']:g} 小时，满分目标 {inputs['target_hours']:g} 小时"
    if key == "satisfaction":
        if not inputs["ratings"]:
            return f"窗口内暂无居民评价，按中性先验 {inputs['prior_mean']:g} 分计"
        return (
            f"{inputs['ratings']} 条居民评价，平均 {inputs['average']:g} 分；"
            f"计入 {inputs['prior_weight']} 条 {inputs['prior_mean']:g} 分的中性先验后为 "
            f"{inputs['adjusted_average']:g} 分"
        )
    if key == "reliability":
        return (
            f"{inputs['signups']} 次确认报名，{inputs['no_shows']} 次缺席，"
            f"{inputs['late_cancellations']} 次临时取消"
        )
    if key == "training":
        held = (
            f"持有 {inputs['valid_qualifications']} 项有效资质（{'、'.join(inputs['qualification_names'])}）"
            if inputs["valid_qualifications"]
            else "暂无有效资质"
        )
        return f"{held}，窗口内培训取证 {inputs['completions']} 次"
    if not inputs["confirmed"] + inputs["adjusted"] + inputs["rejected"]:
        return "窗口内无抽查结果，按满分计"
    audited = inputs["confirmed"] + inputs["adjusted"] + inputs["rejected"]
    return (
        f"抽查 {audited} 条服务记录：{inputs['confirmed']} 条确认，"
        f"{inputs['adjusted']} 条调整，{inputs['rejected']} 条驳回"
    )
