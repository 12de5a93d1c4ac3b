"""The services behind the network's relations between organisations (in ``actors``): who may
write them, what they refuse, what the history keeps. The relations of projects:
``test_project_relations``."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from essaim.accounts.models import Membership, Role
from essaim.accounts.tests.factories import UserFactory
from essaim.actors import services
from essaim.actors.history import OrganisationAction
from essaim.actors.models import CollectiveMember, PartnershipKind
from essaim.actors.tests.factories import CollectiveFactory, OrganisationFactory, PersonFactory
from essaim.core.models import HistoryEvent

pytestmark = pytest.mark.django_db
D = datetime.date


def _member_of(organisation, role=Role.COMPANY):
    user = UserFactory()
    Membership.objects.create(user=user, role=role, organisation=organisation)
    return user


def test_a_person_of_another_organisation_is_refused():
    funder, holder = OrganisationFactory(), OrganisationFactory()
    user = _member_of(funder)
    with pytest.raises(ValidationError) as error:
        services.partnership_add(
            user=user,
            source=funder,
            target=holder,
            kind=PartnershipKind.MENTORS,
            person=PersonFactory(),
        )
    assert "person" in error.value.message_dict


def test_ending_a_relation_keeps_it_with_its_end_date_once():
    source, target = OrganisationFactory(), OrganisationFactory()
    user = _member_of(target)
    relation = services.partnership_add(
        user=user,
        source=source,
        target=target,
        kind=PartnershipKind.SUPPLIES,
        started_on=D(2019, 1, 1),
    )
    with pytest.raises(ValidationError):
        services.partnership_end(user=user, partnership=relation, ended_on=D(2018, 1, 1))
    services.partnership_end(user=user, partnership=relation, ended_on=D(2021, 3, 1))
    relation.refresh_from_db()
    assert relation.ended_on == D(2021, 3, 1)
    with pytest.raises(ValidationError) as error:
        services.partnership_end(user=user, partnership=relation, ended_on=D(2022, 1, 1))
    assert "01/03/2021" in str(error.value)
    assert HistoryEvent.objects.filter(action=OrganisationAction.PARTNERSHIP_ENDED).count() == 2
    with pytest.raises(PermissionDenied):
        services.partnership_end(user=UserFactory(), partnership=relation, ended_on=D(2022, 1, 1))


def test_dating_a_collective_membership_is_for_the_organisation_or_the_collective_lead():
    collective = CollectiveFactory()
    organisation = OrganisationFactory()
    member = CollectiveMember.objects.create(collective=collective, organisation=organisation)
    with pytest.raises(PermissionDenied):
        services.collective_member_dates(
            user=UserFactory(), member=member, started_on=D(2018, 1, 1), ended_on=None
        )
    lead = UserFactory()
    Membership.objects.create(user=lead, role=Role.TERRITORY_LEAD, collective=collective)
    with pytest.raises(ValidationError):
        services.collective_member_dates(
            user=lead, member=member, started_on=D(2020, 1, 1), ended_on=D(2019, 1, 1)
        )
    services.collective_member_dates(
        user=lead, member=member, started_on=D(2018, 1, 1), ended_on=None
    )
    member.refresh_from_db()
    assert member.started_on == D(2018, 1, 1)
    assert HistoryEvent.objects.filter(action=OrganisationAction.MEMBERSHIP_DATED).count() == 1
    # The same dates again: nothing written.
    services.collective_member_dates(
        user=_member_of(organisation), member=member, started_on=D(2018, 1, 1), ended_on=None
    )
    assert HistoryEvent.objects.filter(action=OrganisationAction.MEMBERSHIP_DATED).count() == 1


def test_the_partnership_form_declares_a_mentor_held_by_one_of_the_organisations_people(client):
    mentor_org, holder = OrganisationFactory(), OrganisationFactory()
    person = PersonFactory(organisation=mentor_org, first_name="Camille", last_name="Mentor")
    stranger = PersonFactory()
    client.force_login(_member_of(mentor_org))
    url = reverse("actors:partnership_add", args=[mentor_org.pk])
    page = client.get(url).content.decode()
    assert "Camille Mentor" in page and str(stranger) not in page
    data = {
        "direction": "out",
        "kind": PartnershipKind.MENTORS,
        "other": holder.pk,
        "person": person.pk,
        "started_on": "2020-01-15",
    }
    # The person must be on the source's side.
    refused = client.post(url, {**data, "direction": "in"})
    assert refused.status_code == 200 and "organisation source" in refused.content.decode()
    assert not holder.partnerships_in.exists()
    assert client.post(url, {**data, "person": stranger.pk}).status_code == 200
    response = client.post(url, data)
    assert response.status_code == 302
    relation = holder.partnerships_in.get()
    assert relation.person == person and relation.kind == PartnershipKind.MENTORS
