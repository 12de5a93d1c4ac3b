"""Answers an application starts with: what the applicant already said when creating the draft
(its territory) is not asked again."""

from django.core.exceptions import ValidationError

from essaim.calls.formengine import FormEngine

# The widest first: a perimeter of several communes inside one EPCI answers with the EPCI.
_RANK = ("region", "departement", "epci", "commune")


def territory_answers(schema: dict, perimeter) -> dict:
    """For each territory question of the form (outside repeated blocks), the main official
    unit of ``perimeter``: its only unit of the widest kind the question allows. A perimeter
    with several units of that kind answers nothing (the applicant picks)."""
    engine = FormEngine(schema)
    units = [(u.kind, u.code) for u in perimeter.units.all() if not u.excluded]
    answers = {}
    for section in schema.get("sections", []):
        for spec in section.get("fields", []):
            if spec.get("kind") != "territory":
                continue
            allowed = spec.get("unit_kinds") or _RANK
            for kind in [k for k in _RANK if k in allowed]:
                codes = [code for unit_kind, code in units if unit_kind == kind]
                if codes:
                    if len(codes) == 1:
                        try:
                            answers[spec["key"]] = engine.clean_value(
                                spec, {"kind": kind, "code": codes[0]}
                            )
                        except ValidationError:
                            pass  # a unit geo no longer knows: the applicant picks
                    break
    return answers
