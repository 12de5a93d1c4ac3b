"""Hooks of synergies: where an app higher in the flow (support) adds to the company's space or
acts on an introduction's results (``essaim.core.hooks``)."""

from essaim.core.hooks import Hook

company_space_sections = Hook(
    "company_space_sections",
    "The engaged company's space asks for the sections higher apps add to it: request=, "
    "companies= (the organisations the user acts for). Each receiver returns a dict with the "
    "``template`` to include (it reads the dict as ``section``) or None.",
)

introduction_results_changed = Hook(
    "introduction_results_changed",
    "An introduction's results may count elsewhere: the company reported (or corrected) what its "
    "help produced, or the introduction was marked done. introduction=, user=. Receivers run in "
    "the caller's transaction.",
)
