"""Reading the rule files: libyaml's parser where it is installed (about ten times faster on the
rules, a third of a second per start-up), PyYAML's own otherwise.

Both build values with the same safe constructor, so a file both accept loads the same. A file
libyaml refuses is read again by PyYAML, which accepts it or raises its own error: the messages
a broken rule file gets are the ones it always got.
"""
from __future__ import annotations

import yaml

_FAST = getattr(yaml, "CSafeLoader", None)


def load(text: str):
    if _FAST is not None:
        try:
            return yaml.load(text, Loader=_FAST)  # noqa: S506 - CSafeLoader is the safe loader
        except yaml.YAMLError:
            pass
    return yaml.safe_load(text)
