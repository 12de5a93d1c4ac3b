# The financing test world (instruments, a project and its holder), for the bounds tests.
from essaim.financing.tests.world import world  # noqa: F401
