# The financing test world (instruments, a project and its holder, a financer), for the
# idempotency and bounds tests that create financing requests.
from essaim.financing.tests.world import world  # noqa: F401
