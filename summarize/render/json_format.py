"""JSON: the result object as one document with stable keys."""

from __future__ import annotations

import json

from summarize.result import RunResult


def render_json(result: RunResult) -> str:
    return json.dumps(result.to_dict(), indent=2, ensure_ascii=False) + "\n"
