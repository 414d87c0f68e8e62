"""Scoring's operations, by family: settings and reviewers (setup), scores and stage locks (scores), invitations,
ranking runs and publication (runs), regrade requests (regrades), appeals (appeals). Every name is importable from
here, as before the split."""

from gradadmit.scoring.services.appeals import (  # noqa: F401
    APPEAL_ATTACHMENT_MAX_BYTES,
    answer_appeal,
    appeal_deadline,
    submit_appeal,
)
from gradadmit.scoring.services.regrades import (  # noqa: F401
    answer_regrade,
    request_regrade,
)
from gradadmit.scoring.services.runs import (  # noqa: F401
    changed_outcomes,
    decide_interview_invitations,
    preview,
    publish_run,
    ranking_inputs,
    record_committee_order,
    reproduce,
    run_ranking,
)
from gradadmit.scoring.services.scores import (  # noqa: F401
    CENT,
    SCORE_FIELDS,
    ensure_weights_add_up,
    enter_stage_score,
    parse_score,
    reopen_stage,
    rubric_score,
    settings_for,
    submit_reviewer_score,
    submit_stage,
)
from gradadmit.scoring.services.setup import (  # noqa: F401
    ASSIGNMENT_FIELDS,
    SCORE_RULE_FIELDS,
    SETTINGS_FIELDS,
    assign_reviewer,
    locked_settings,
    remove_reviewer_assignment,
    update_scoring_settings,
)
