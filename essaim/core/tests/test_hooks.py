"""Named hooks (``essaim.core.hooks``)."""


def test_hooks_call_receivers_once_each_in_order():
    from essaim.core.hooks import Hook

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
