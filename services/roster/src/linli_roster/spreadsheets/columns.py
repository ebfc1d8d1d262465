"""The sheet's columns (Chinese headers, English accepted) and the Chinese labels of the roster's codes."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from linli_roster.volunteers.models import Channel, RoleKind, Status, Tier


@dataclass(frozen=True)
class Column:
    field: str
    label: str
    aliases: tuple[str, ...] = ()
    required: bool = False


#: the import's columns, in the order the export writes them
COLUMNS = (
    Column("name", "姓名", ("name", "志愿者姓名"), required=True),
    Column("phone", "手机号", ("phone", "mobile", "手机", "手机号码", "联系电话", "联系方式"), required=True),
    Column("id_number", "身份证号", ("id_number", "id number", "身份证", "身份证号码")),
    Column("building", "楼栋", ("building", "所在楼栋", "楼号")),
    Column("skills", "技能", ("skills", "特长", "技能特长")),
    Column("availability", "可服务时间", ("availability", "服务时间")),
    Column("party_member", "是否党员", ("party_member", "party member", "党员", "政治面貌")),
    Column(
        "joined_on",
        "加入日期",
        ("joined_on", "joined on", "join date", "入队日期", "加入时间"),
        required=True,
    ),
    Column("channel", "来源渠道", ("channel", "来源", "渠道")),
)
BY_FIELD = {column.field: column for column in COLUMNS}


def normalise_header(text: str) -> str:
    """'  手机号 (必填) *' → '手机号'; 'Join  Date' → 'joindate': spaces, markers and notes do not matter."""
    text = unicodedata.normalize("NFKC", text)  # full-width letters, digits and brackets → ASCII
    text = re.sub(r"[(（][^)）]*[)）]", "", text)
    return re.sub(r"[\s*＊_\-:：]+", "", text).lower()


HEADERS: dict[str, Column] = {
    normalise_header(name): column for column in COLUMNS for name in (column.label, *column.aliases)
}

TIER_LABELS = {Tier.VOLUNTEER: "志愿者", Tier.BACKBONE: "骨干", Tier.RESERVE: "储备"}
STATUS_LABELS = {Status.ACTIVE: "在册", Status.EXITED: "已退出"}
CHANNEL_LABELS = {
    Channel.SELF: "个人自荐",
    Channel.ORGANISATION: "组织推荐",
    Channel.RESIDENTS: "居民联荐",
    Channel.TWO_WAY: "双向选择",
    Channel.IMPORTED: "表格导入",
}
ROLE_LABELS = {
    RoleKind.PARTY_GROUP_LEADER: "党小组长",
    RoleKind.BUILDING_GROUP_LEADER: "楼组长",
    RoleKind.MICRO_GRID_LEADER: "微格长",
    RoleKind.DELIBERATION_MEMBER: "议事小组成员",
    RoleKind.MEDIATOR: "调解员",
}
#: what a sheet may say in 来源渠道: the Chinese label, or the API's code
CHANNELS: dict[str, Channel] = {
    **{normalise_header(label): channel for channel, label in CHANNEL_LABELS.items()},
    **{normalise_header(channel.value): channel for channel in Channel},
    "自荐": Channel.SELF,
    "组织推荐人选": Channel.ORGANISATION,
    "联荐": Channel.RESIDENTS,
}
YES = frozenset({"是", "党员", "中共党员", "中共预备党员", "预备党员", "y", "yes", "true", "1", "√", "✓"})
NO = frozenset({"否", "不是", "非党员", "群众", "共青团员", "团员", "n", "no", "false", "0", "×"})
