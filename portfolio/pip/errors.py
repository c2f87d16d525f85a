"""Named errors of the plan (PIP)."""


class TooManyProposalsError(Exception):
    """This person already has MAX_OPEN_PROPOSALS proposals waiting for an answer."""


class PlanConflictError(Exception):
    """Someone kept changing the same item at the same moment; try again."""


class ProposalClosedError(Exception):
    """The proposal was already answered or withdrawn, or this person may not answer it."""


class NoRegievoerderError(Exception):
    """The chosen person is not a regievoerder this owner shares with now."""


class PlanNotSharedError(Exception):
    """The regievoerder does not see the plan (PIP) yet; the owner has not agreed to add it."""
