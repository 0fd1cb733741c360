"""The project's OpenAPI schema generator: drf-spectacular's, with one correction.

drf-spectacular documents any list response of a view with a `pagination_class` as a page,
including what a POST answers (e.g. the scores just saved). Only GET lists are paginated here
(common/pagination.py), so only they are documented as pages.
"""
from __future__ import annotations

from typing import Any

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema


class AutoSchema(SpectacularAutoSchema):
    def _get_paginator(self) -> Any:
        if self.method != "GET":
            return None
        return super()._get_paginator()
