from essaim.core.text import normalise, words


def test_normalise_drops_accents_and_case():
    assert normalise("Économie Sociale À Saint-Étienne") == "economie sociale a saint-etienne"
    assert normalise(None) == ""


def test_words_split_on_punctuation_and_underscore():
    assert words("  L'Économie_solidaire, 2019 !") == ["l", "economie", "solidaire", "2019"]
    assert words("") == []
