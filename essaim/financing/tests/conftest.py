from essaim.financing.tests.world import world  # noqa: F401
