from linli_shared.problems import Conflict, Invalid, NotFound


class GroupNotFound(NotFound):
    slug = "deliberation-group-not-found"
    title = "Deliberation group not found"


class TopicNotFound(NotFound):
    slug = "deliberation-topic-not-found"
    title = "Topic not found in this group"


class MeetingNotFound(NotFound):
    slug = "deliberation-meeting-not-found"
    title = "Meeting not found in this group"


class DecisionNotFound(NotFound):
    slug = "deliberation-decision-not-found"
    title = "Decision not found in this group"


class ActionNotFound(NotFound):
    slug = "deliberation-action-not-found"
    title = "Follow-up action not found in this group"


class MemberNotFound(NotFound):
    slug = "deliberation-member-not-found"
    title = "This volunteer is not a current member of the group"


class GroupNameTaken(Conflict):
    slug = "deliberation-group-name-taken"
    title = "The committee already has a deliberation group with this name"


class AlreadyMember(Conflict):
    slug = "already-member"
    title = "This volunteer is already a member of the group"


class WrongTopicStatus(Conflict):
    slug = "wrong-topic-status"
    title = "Not possible in the topic's current status"


class ActionAlreadyDone(Conflict):
    slug = "action-already-done"
    title = "This follow-up action is already done"


class InvalidDeliberation(Invalid):
    slug = "invalid-deliberation"
    title = "This breaks a rule of the deliberation group"
