"""Planned execution: operations the planner understands are answered from a cached plan.

`PlannedExecution` is the schema extension that, before graphql-core would execute an
operation, looks its plan up (compiling it on first sight) and, when there is one, runs it and
sets the result, which makes Strawberry skip graphql-core. Without a plan, or when a request
of a planned operation meets anything the plan does not handle, the operation runs normally:
correctness never depends on the planner. `SCAIGATE_PLANNED_EXECUTION=false` turns it off.
"""

from __future__ import annotations

from schema.planner.compile import Plan
from schema.planner.extension import (
    PLANNER_FIGURES,
    PlannedExecution,
    PlannerFigures,
    plan_for,
)
from schema.planner.run import run_plan

__all__ = ["PLANNER_FIGURES", "Plan", "PlannedExecution", "PlannerFigures", "plan_for", "run_plan"]
