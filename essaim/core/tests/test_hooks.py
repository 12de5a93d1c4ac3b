"""Named hooks (``essaim.core.hooks``)."""

import re
from pathlib import Path

from essaim.core.hooks import Hook


def test_hooks_call_receivers_once_each_in_order():
    calls = []
    hook = Hook("test", "for the test")

    def first(**kwargs):
        calls.append(("first", kwargs))
        return 1

    hook.register(first)
    hook.register(first)
    hook.register(lambda **kwargs: calls.append(("second", kwargs)) or 2)
    assert hook(x=1) == [1, 2]
    assert calls == [("first", {"x": 1}), ("second", {"x": 1})]


def test_every_hook_is_listed_in_the_architecture_page():
    """docs/architecture.md names every hook: the few places a lower step lets a higher one act."""
    root = Path(__file__).resolve().parents[3]
    declared = {
        match
        for path in (root / "essaim").rglob("*.py")
        if "tests" not in path.parts
        for match in re.findall(r'^\s*\w+ = Hook\(\s*"(\w+)"', path.read_text(), re.M)
    }
    page = (root / "docs" / "architecture.md").read_text()
    assert declared >= {"label_granted", "bearer_user"}
    assert sorted(name for name in declared if f"`{name}`" not in page) == []
