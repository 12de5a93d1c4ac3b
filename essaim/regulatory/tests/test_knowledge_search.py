"""The knowledge base is searched in one's own words: any word's stem finds an answer, the
answers matching the most words first (SQLite: light French stemming; PostgreSQL: French
full-text search); an empty result offers to ask the single window."""

import pytest
from django.urls import reverse

from essaim.core.text import french_stem, significant_words
from essaim.regulatory import queries, services
from essaim.regulatory.tests.factories import ProgrammeFactory, officer, ticket
from essaim.regulatory.workflow import Outcome

pytestmark = pytest.mark.django_db


def _publish(programme, guichet, title, question, answer, theme="food"):
    t = ticket(programme, publish_consent=True, title=title)
    services.ticket_triage(ticket=t, user=guichet, category=theme, priority="low")
    services.ticket_close(ticket=t, user=guichet, outcome=Outcome.CLARIFIED, reason="ok")
    return services.article_publish(
        ticket=t, user=guichet, title=title, question=question, answer=answer, theme=theme
    )


@pytest.fixture
def articles():
    programme = ProgrammeFactory(single_window=True)
    guichet = officer(programme)
    # Selling is asked about more often than meals: "vendre" is the commoner word.
    _publish(
        programme,
        guichet,
        "Vendre des produits alimentaires en vrac",
        "Une épicerie coopérative veut vendre en vrac des produits secs.",
        "La vente en vrac est permise.",
    )
    return {
        "meals": _publish(
            programme,
            guichet,
            "Servir des repas payants dans un tiers-lieu",
            "Notre association veut servir des repas payants le midi. Que dit la règle ?",
            "Une déclaration auprès de la DDPP suffit pour une restauration occasionnelle.",
        ),
        "sell": _publish(
            programme,
            guichet,
            "Vendre des objets réparés",
            "Une ressourcerie peut-elle vendre ce qu'elle répare ?",
            "Oui, si ses statuts le prévoient.",
            theme="environment",
        ),
        "housing": _publish(
            programme,
            guichet,
            "Colocation intergénérationnelle",
            "Un bail unique pour des colocataires de générations différentes ?",
            "Le bail peut être unique.",
            theme="housing",
        ),
    }


def test_stop_words_are_left_out_and_stems_are_light():
    assert significant_words("vendre des repas") == ["vendre", "repas"]
    assert significant_words("des les") == ["des", "les"]  # nothing else: keep them
    assert french_stem("vendre") == "vend"
    assert french_stem("repas") == "repa"
    assert french_stem("repa") == "repa"


def test_any_word_finds_the_answer_most_words_first(articles):
    found = list(queries.published_articles(q="vendre des repas"))
    # Every answer holding "vendre" or "repas" (no other word needed), the only one about meals
    # first: "repas" is the rarer word.
    assert len(found) == 3
    assert found[0] == articles["meals"]
    assert articles["sell"] in found
    assert articles["housing"] not in found
    found = list(queries.published_articles(q="vendre des repas payants"))
    assert found[0] == articles["meals"]  # two words of it against one


def test_meals_question_ranks_the_meals_answer_first(articles):
    found = list(queries.published_articles(q="servir un repas"))
    assert found == [articles["meals"]]
    found = list(queries.published_articles(q="repas à vendre le midi"))
    assert found[0] == articles["meals"]


def test_knowledge_base_page_finds_and_offers_the_single_window_when_empty(client, articles):
    url = reverse("regulatory:knowledge_base")
    page = client.get(url, {"q": "vendre des repas payants"}).content.decode()
    assert "Servir des repas payants dans un tiers-lieu" in page
    assert page.index("Servir des repas payants") < page.index("Vendre des objets réparés")
    assert 'id="kb-ask"' not in page

    page = client.get(url, {"q": "licorne volante"}).content.decode()
    assert 'id="kb-ask"' in page
    ask = reverse("regulatory:ticket_new") + "?question=licorne+volante"
    assert f'href="{ask}"' in page
    form = client.get(ask).content.decode()
    assert 'value="licorne volante"' in form
