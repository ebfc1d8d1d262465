from linli_shared.problems import Conflict


class PolicyChangedConcurrently(Conflict):
    slug = "hour-policy-changed-concurrently"
    title = "Someone else set this policy at the same moment; reload it and try again"
