"""Hooks of projects: where an app higher in the flow adds to a project (``essaim.core.hooks``)."""

from essaim.core.hooks import Hook

project_editor_sections = Hook(
    "project_editor_sections",
    "A project's page, shown to someone who may edit the project, asks for the sections higher "
    "apps add to it: request=, project=. Each receiver returns a dict with the ``template`` to "
    "include (it reads the dict as ``section``) or None.",
)
